package dev.etcdguard.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView.Lookup;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Invocation.Arg;
import dev.etcdguard.etcd.Invocation.EnvVar;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The manifest collector on real files: every workload kind, etcd detection, argv and env as Kubernetes
 * builds them, the container's view of files, kubeadm configurations, static-pod directories and bad input.
 */
class ManifestCollectorTest {

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- helpers

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return file;
    }

    private static ManifestCollector.Output scan(Path nodeRoot, long maxBytes, List<String> paths, List<Path> staticPodDirs) {
        return new ManifestCollector(new ManifestCollector.Options(nodeRoot, maxBytes)).collect(paths, staticPodDirs);
    }

    private static ManifestCollector.Output scan(Path... files) {
        return scanWithRoot(null, files);
    }

    private static ManifestCollector.Output scanWithRoot(Path nodeRoot, Path... files) {
        return scan(nodeRoot, ManifestCollector.DEFAULT_MAX_FILE_BYTES, Stream.of(files).map(Path::toString).toList(), List.of());
    }

    /** The only etcd invocation (a kubeadm configuration also gives its kube-apiserver). */
    private static Invocation only(ManifestCollector.Output out) {
        assertThat(out.findings()).as("findings").isEmpty();
        List<Invocation> etcd = out.invocations().stream().filter(i -> i.component() == Component.ETCD).toList();
        assertThat(etcd).hasSize(1);
        return etcd.get(0);
    }

    private static List<String> argv(Invocation inv) {
        return inv.argv().stream().map(Arg::value).toList();
    }

    private static Target.Manifest target(Invocation inv) {
        return (Target.Manifest) inv.target();
    }

    /** 1-based line and column of the first occurrence of {@code needle} in {@code text}. */
    private record Pos(int line, int column) {}

    private static Pos at(String text, String needle) {
        int i = text.indexOf(needle);
        assertThat(i).as("'%s' in the test document", needle).isNotNegative();
        int line = 1;
        int lineStart = 0;
        for (int k = 0; k < i; k++) {
            if (text.charAt(k) == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        return new Pos(line, i - lineStart + 1);
    }

    /** The position of {@code needle} after the first {@code after}. */
    private static Pos atAfter(String text, String after, String needle) {
        int from = text.indexOf(after);
        assertThat(from).isNotNegative();
        String marked = text.substring(0, from) + text.substring(from).replaceFirst(java.util.regex.Pattern.quote(needle),
                "\u0001" + needle.substring(1));
        return at(marked, "\u0001");
    }

    private static String indent(String block, int spaces) {
        String pad = " ".repeat(spaces);
        return block.lines().map(l -> l.isEmpty() ? l : pad + l).reduce("", (a, b) -> a + b + "\n");
    }

    private static SourceFinding onlyFinding(ManifestCollector.Output out, SourceFinding.Kind kind) {
        assertThat(out.findings()).as("findings").hasSize(1);
        SourceFinding f = out.findings().get(0);
        assertThat(f.kind()).isEqualTo(kind);
        return f;
    }

    private static final String POD_SPEC = """
            containers:
            - name: sidecar
              image: busybox
              command: [sleep, infinity]
            - name: etcd
              image: registry.k8s.io/etcd:3.5.15-0
              command: [etcd, --name=m1]
            """;

    private static String workload(String kind) {
        String header = "apiVersion: v1\nkind: " + kind + "\nmetadata:\n  name: store\n  namespace: ns1\n";
        return header + switch (kind) {
            case "Pod" -> "spec:\n" + indent(POD_SPEC, 2);
            case "PodTemplate" -> "template:\n  metadata:\n    labels: {app: store}\n  spec:\n" + indent(POD_SPEC, 4);
            case "CronJob" -> "spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                    + indent(POD_SPEC, 10);
            default -> "spec:\n  selector: {matchLabels: {app: store}}\n  template:\n    metadata:\n      labels: {app: store}\n"
                    + "    spec:\n" + indent(POD_SPEC, 6);
        };
    }

    static Stream<String> kinds() {
        return Stream.of("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job",
                "CronJob", "PodTemplate");
    }

    // ---------------------------------------------------------------- kinds and targets

    @ParameterizedTest
    @MethodSource("kinds")
    void everyWorkloadKindYieldsOneInvocationAtTheContainer(String kind) throws IOException {
        String text = workload(kind);
        Path file = write(kind + ".yaml", text);
        Invocation inv = only(scan(file));
        Pos container = at(text, "name: etcd");
        assertThat(inv.target()).isEqualTo(new Target.Manifest(file.toString(), 0, container.line(), container.column(),
                kind + "/ns1/store", "etcd", null));
        assertThat(argv(inv)).containsExactly("etcd", "--name=m1");
        assertThat(inv.env()).isEmpty();
        assertThat(inv.runAsUid()).isEqualTo(-1);
        assertThat(inv.problems()).isEmpty();
        assertThat(inv.warnings()).isEmpty();
    }

    @Test
    void itemsOfAListAreScannedEachWithItsResource() throws IOException {
        StringBuilder text = new StringBuilder("apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n");
        for (String kind : List.of("Pod", "StatefulSet", "CronJob")) {
            text.append(indent(workload(kind).replace("name: store", "name: store-" + kind.toLowerCase()), 2)
                    .replaceFirst("^  ", "- "));
        }
        Path file = write("list.yaml", text.toString());
        ManifestCollector.Output out = scan(file);
        assertThat(out.findings()).isEmpty();
        assertThat(out.invocations()).extracting(i -> target(i).resource())
                .containsExactly("Pod/ns1/store-pod", "StatefulSet/ns1/store-statefulset", "CronJob/ns1/store-cronjob");
        assertThat(out.invocations()).extracting(i -> target(i).document()).containsOnly(0);
        // each container is located in the list document, in order
        List<Integer> lines = out.invocations().stream().map(i -> target(i).line()).toList();
        assertThat(lines).isSorted().doesNotHaveDuplicates();
        String[] all = text.toString().split("\n", -1);
        for (int line : lines) {
            assertThat(all[line - 1]).contains("- name: etcd");
        }
    }

    @Test
    void initContainersComeFirstAndAreEtcdToo() throws IOException {
        String text = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: kube-system}
                spec:
                  initContainers:
                  - name: restore
                    command: [etcd, --name=restore, --data-dir=/var/lib/etcd]
                  containers:
                  - name: etcd
                    command: [etcd, --name=m1]
                """;
        Path file = write("init.yaml", text);
        ManifestCollector.Output out = scan(file);
        assertThat(out.invocations()).extracting(i -> target(i).container()).containsExactly("restore", "etcd");
        assertThat(target(out.invocations().get(0)).line()).isEqualTo(at(text, "name: restore").line());
    }

    @Test
    void jsonInput() throws IOException {
        String text = """
                {
                  "apiVersion": "v1",
                  "kind": "Pod",
                  "metadata": {"name": "etcd-cp1", "namespace": "kube-system"},
                  "spec": {
                    "containers": [
                      {
                        "name": "etcd",
                        "command": ["etcd", "--name=cp1"],
                        "args": ["--listen-peer-urls=https://10.0.0.11:2380"]
                      }
                    ]
                  }
                }
                """;
        Path file = write("pod.json", text);
        Invocation inv = only(scan(file));
        Pos brace = at(text, "{\n        \"name\": \"etcd\"");
        assertThat(inv.target()).isEqualTo(new Target.Manifest(file.toString(), 0, brace.line(), brace.column(),
                "Pod/kube-system/etcd-cp1", "etcd", null));
        assertThat(argv(inv)).containsExactly("etcd", "--name=cp1", "--listen-peer-urls=https://10.0.0.11:2380");
        Pos arg = at(text, "\"--listen-peer-urls");
        assertThat(inv.argv().get(2).location().line()).isEqualTo(arg.line());
        assertThat(inv.argv().get(2).location().column()).isEqualTo(arg.column());
    }

    @Test
    void multiDocumentFilesKeepDocumentIndexesAcrossEmptyDocuments() throws IOException {
        String pod = workload("Pod");
        String text = "# comment before the first document\n---\n---\n" + "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                + "---\n" + pod + "---\n---\n" + pod.replace("name: store", "name: store2") + "...\n";
        Path file = write("multi.yaml", text);
        ManifestCollector.Output out = scan(file);
        assertThat(out.findings()).isEmpty();
        assertThat(out.invocations()).extracting(i -> target(i).document()).containsExactly(2, 4);
        assertThat(out.invocations()).extracting(i -> target(i).resource()).containsExactly("Pod/ns1/store", "Pod/ns1/store2");
        assertThat(target(out.invocations().get(0)).line()).isEqualTo(at(text, "name: etcd").line());
        assertThat(target(out.invocations().get(1)).line()).isEqualTo(atAfter(text, "name: store2", "name: etcd").line());
        assertThat(out.documents()).as("empty documents are not documents").isEqualTo(3);
        assertThat(out.files()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- etcd detection

    @Test
    void detectsEtcdAndKubeApiserverByProgramNotByMentions() throws IOException {
        String text = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: plain
                    command: [etcd, --name=plain]
                  - name: path
                    command: [/usr/local/bin/etcd, --name=path]
                  - name: args-only
                    args: [etcd, --name=args-only]
                  - name: etcdctl
                    command: [etcdctl, member, list]
                  - name: apiserver
                    command: [kube-apiserver, --etcd-servers=https://127.0.0.1:2379, --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt]
                  - name: wrapper
                    command: [etcd-wrapper, --name=wrapper]
                  - name: image-only
                    image: registry.k8s.io/etcd:3.5.15-0
                  - name: sh
                    command: [sh, -c, "exec etcd --name=sh --listen-peer-urls=https://10.0.0.1:2380"]
                  - name: bash
                    command: [/bin/bash, -ec, 'ETCD_X=1 exec /usr/local/bin/etcd --a=b']
                  - name: script
                    command: [/bin/sh, -c]
                    args:
                    - |
                      set -e
                      echo "starting etcd" # etcd --name=not-this-one
                      exec etcd --name="member one" \\
                        --data-dir='/var/lib/etcd dir' \\
                        --initial-cluster=a=https://x:2380,b=https://y:2380
                  - name: sh-etcdctl
                    command: [sh, -c, "etcdctl endpoint health && sleep 10"]
                """;
        Path file = write("detect.yaml", text);
        ManifestCollector.Output out = scan(file);
        assertThat(out.findings()).isEmpty();
        assertThat(out.invocations()).extracting(i -> target(i).container())
                .containsExactly("plain", "path", "args-only", "apiserver", "image-only", "sh", "bash", "script");
        assertThat(out.invocations()).extracting(Invocation::component).containsOnlyOnce(Component.KUBE_APISERVER);
        Map<String, List<String>> argv = new java.util.LinkedHashMap<>();
        out.invocations().forEach(i -> argv.put(target(i).container(), argv(i)));
        assertThat(argv.get("path")).containsExactly("/usr/local/bin/etcd", "--name=path");
        assertThat(argv.get("args-only")).containsExactly("etcd", "--name=args-only");
        assertThat(argv.get("sh")).containsExactly("etcd", "--name=sh", "--listen-peer-urls=https://10.0.0.1:2380");
        assertThat(argv.get("bash")).containsExactly("/usr/local/bin/etcd", "--a=b");
        assertThat(argv.get("script")).containsExactly("etcd", "--name=member one", "--data-dir=/var/lib/etcd dir",
                "--initial-cluster=a=https://x:2380,b=https://y:2380");
        // words of a script point at the script
        // registry.k8s.io/etcd has no entrypoint: a container without command does not start (see EtcdImagesTest)
        assertThat(out.invocations().get(4).problems()).singleElement().asString().contains("no ENTRYPOINT and no CMD");
        Invocation sh = out.invocations().get(5);
        Pos script = at(text, "\"exec etcd --name=sh");
        assertThat(sh.argv()).allSatisfy(a -> {
            assertThat(a.location().file()).isEqualTo(file.toString());
            assertThat(a.location().line()).isEqualTo(script.line());
            assertThat(a.location().label()).contains("shell script");
        });
    }

    @Test
    void shellOptionsBeforeDashC() throws IOException {
        String text = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: a
                    command: [bash, --norc, -c, "exec etcd --name=a"]
                  - name: b
                    command: [sh, -e, -x, -c, "exec etcd --name=b"]
                  - name: c
                    command: [sh, /scripts/start-etcd.sh, --name=c]
                """;
        ManifestCollector.Output out = scan(write("opts.yaml", text));
        assertThat(out.invocations()).extracting(i -> target(i).container()).containsExactly("a", "b");
    }

    @Test
    void flagsSplitBetweenCommandAndArgs() throws IOException {
        String text = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: kube-system}
                spec:
                  containers:
                  - name: etcd
                    command:
                    - /usr/local/bin/etcd
                    - --name=m1
                    args:
                    - --listen-peer-urls=https://10.0.0.11:2380
                    -   "--peer-cert-file=/etc/etcd/peer.crt"
                """;
        Path file = write("split.yaml", text);
        Invocation inv = only(scan(file));
        assertThat(argv(inv)).containsExactly("/usr/local/bin/etcd", "--name=m1", "--listen-peer-urls=https://10.0.0.11:2380",
                "--peer-cert-file=/etc/etcd/peer.crt");
        List<String> needles = List.of("/usr/local/bin/etcd", "--name=m1", "--listen-peer-urls", "\"--peer-cert-file");
        List<String> labels = List.of("command[0]", "command[1]", "args[0]", "args[1]");
        for (int i = 0; i < 4; i++) {
            Pos p = at(text, needles.get(i));
            var loc = inv.argv().get(i).location();
            assertThat(loc.file()).isEqualTo(file.toString());
            assertThat(loc.line()).as("line of %s", needles.get(i)).isEqualTo(p.line());
            assertThat(loc.column()).as("column of %s", needles.get(i)).isEqualTo(p.column());
            assertThat(loc.label()).isEqualTo(file + ":" + p.line() + ":" + p.column() + " (" + labels.get(i) + ")");
        }
    }

    @Test
    void nullOrNonStringArgumentsDoNotBreakTheScan() throws IOException {
        String text = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd, ~, {a: b}, --name=m1]
                """;
        Invocation inv = only(scan(write("nulls.yaml", text)));
        assertThat(argv(inv)).doesNotContainNull();
        assertThat(argv(inv).get(0)).isEqualTo("etcd");
        assertThat(inv.warnings()).anySatisfy(w -> assertThat(w).contains("command[2]"));
    }

    // ---------------------------------------------------------------- environment

    @Test
    void environmentAsKubernetesBuildsIt() throws IOException {
        String cm = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: etcd-env, namespace: kube-system}
                data:
                  peerKey: /etc/etcd/peer.key
                  ETCD_DATA_DIR: /from-envfrom
                  ETCD_SNAPSHOT_COUNT: "5000"
                  OTHER: x
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: other-ns, namespace: default}
                data:
                  ca: /etc/etcd/ca.crt
                """;
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: kube-system}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd]
                    envFrom:
                    - configMapRef: {name: etcd-env}
                    env:
                    - name: ETCD_PEER_CERT_FILE
                      value: /etc/etcd/peer.crt
                    - name: ETCD_PEER_KEY_FILE
                      valueFrom:
                        configMapKeyRef: {name: etcd-env, key: peerKey}
                    - name: ETCD_TRUSTED_CA_FILE
                      valueFrom:
                        configMapKeyRef: {name: other-ns, key: ca}
                    - name: ETCD_INITIAL_CLUSTER_TOKEN
                      valueFrom:
                        secretKeyRef: {name: etcd-secret, key: token}
                    - name: POD_IP
                      valueFrom: {fieldRef: {fieldPath: status.podIP}}
                    - name: HOME
                      value: /root
                    - name: ETCD_DATA_DIR
                      value: /data
                """;
        Path cmFile = write("a-cm.yaml", cm);
        Path podFile = write("b-pod.yaml", pod);
        Invocation inv = scan(podFile, cmFile).invocations().get(0);
        Map<String, EnvVar> env = new java.util.LinkedHashMap<>();
        inv.env().forEach(e -> env.put(e.name(), e));
        assertThat(env.keySet()).containsExactlyInAnyOrder("ETCD_PEER_CERT_FILE", "ETCD_PEER_KEY_FILE", "ETCD_DATA_DIR",
                "ETCD_SNAPSHOT_COUNT");
        assertThat(env.get("ETCD_PEER_CERT_FILE").value()).isEqualTo("/etc/etcd/peer.crt");
        assertThat(env.get("ETCD_PEER_CERT_FILE").location().file()).isEqualTo(podFile.toString());
        assertThat(env.get("ETCD_PEER_CERT_FILE").location().line()).isEqualTo(at(pod, "/etc/etcd/peer.crt").line());
        // from the ConfigMap in the other file, located at the ConfigMap's value
        assertThat(env.get("ETCD_PEER_KEY_FILE").value()).isEqualTo("/etc/etcd/peer.key");
        assertThat(env.get("ETCD_PEER_KEY_FILE").location().file()).isEqualTo(cmFile.toString());
        assertThat(env.get("ETCD_PEER_KEY_FILE").location().line()).isEqualTo(at(cm, "peerKey:").line());
        assertThat(env.get("ETCD_SNAPSHOT_COUNT").value()).isEqualTo("5000");
        assertThat(env.get("ETCD_SNAPSHOT_COUNT").location().line()).isEqualTo(at(cm, "ETCD_SNAPSHOT_COUNT").line());
        // env wins over envFrom
        assertThat(env.get("ETCD_DATA_DIR").value()).isEqualTo("/data");
        assertThat(env.get("ETCD_DATA_DIR").location().file()).isEqualTo(podFile.toString());
        // a ConfigMap of another namespace is not this pod's; a Secret is never read
        // each unknown value concerns its own setting only
        assertThat(inv.warnings()).isEmpty();
        assertThat(inv.notes()).hasSize(2);
        assertThat(inv.notes().get(0).message()).contains("ETCD_TRUSTED_CA_FILE").contains("configMapKeyRef other-ns/ca");
        assertThat(inv.notes().get(0).settings()).containsExactly("trusted-ca-file");
        assertThat(inv.notes().get(1).message()).contains("ETCD_INITIAL_CLUSTER_TOKEN")
                .contains("secretKeyRef etcd-secret/token");
        assertThat(inv.notes().get(1).settings()).containsExactly("initial-cluster-token");
    }

    @Test
    void unresolvedEnvFromAndPrefixes() throws IOException {
        String text = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: peer, namespace: default}
                data:
                  PEER_CERT_FILE: /etc/etcd/peer.crt
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd]
                    envFrom:
                    - configMapRef: {name: absent}
                    - prefix: ETCD_
                      configMapRef: {name: peer}
                    - secretRef: {name: etcd-secrets}
                """;
        Invocation inv = scan(write("envfrom.yaml", text)).invocations().get(0);
        assertThat(inv.env()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("ETCD_PEER_CERT_FILE");
            assertThat(e.value()).isEqualTo("/etc/etcd/peer.crt");
        });
        assertThat(inv.warnings()).hasSize(2);
        assertThat(inv.warnings().get(0)).contains("default/absent").contains("not among the scanned files");
        assertThat(inv.warnings().get(1)).contains("Secret etcd-secrets");
    }

    @Test
    void kubernetesExpandsVariableReferencesInCommandArgsAndEnv() throws IOException {
        String text = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd]
                    args:
                    - --listen-peer-urls=https://$(HOST_IP):2380
                    - --name=$(POD_NAME)
                    - --initial-cluster-token=$$(NOT_EXPANDED)
                    - --data-dir=$(UNDEFINED)
                    env:
                    - name: HOST_IP
                      value: 10.0.0.11
                    - name: ETCD_ADVERTISE_CLIENT_URLS
                      value: https://$(HOST_IP):2379
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                """;
        Invocation inv = only(scan(write("expand.yaml", text)));
        // a Pod's metadata.name is its name
        assertThat(argv(inv)).containsExactly("etcd", "--listen-peer-urls=https://10.0.0.11:2380", "--name=p",
                "--initial-cluster-token=$(NOT_EXPANDED)", "--data-dir=$(UNDEFINED)");
        assertThat(inv.env()).singleElement().satisfies(e -> assertThat(e.value()).isEqualTo("https://10.0.0.11:2379"));
        assertThat(inv.warnings()).isEmpty();
        assertThat(inv.notes()).singleElement().satisfies(n -> {
            assertThat(n.message()).contains("$(UNDEFINED)");
            assertThat(n.settings()).containsExactly("data-dir");
        });
    }

    @Test
    void shellAssignmentsAndExportsBecomeEtcdsEnvironment() throws IOException {
        String text = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: etcd
                    env:
                    - name: ETCD_PEER_KEY_FILE
                      value: /from/container.key
                    command:
                    - /bin/sh
                    - -c
                    - |
                      export ETCD_PEER_CERT_FILE=/etc/etcd/peer.crt
                      ETCD_PEER_KEY_FILE=/etc/etcd/peer.key exec etcd --name="$HOSTNAME"
                """;
        Invocation inv = only(scan(write("shenv.yaml", text)));
        assertThat(argv(inv)).containsExactly("etcd", "--name=$HOSTNAME");
        Map<String, String> env = new java.util.HashMap<>();
        inv.env().forEach(e -> env.put(e.name(), e.value()));
        assertThat(env).containsEntry("ETCD_PEER_CERT_FILE", "/etc/etcd/peer.crt")
                .containsEntry("ETCD_PEER_KEY_FILE", "/etc/etcd/peer.key");
        assertThat(inv.warnings()).anySatisfy(w -> assertThat(w).contains("$HOSTNAME"));
    }

    @Test
    void commandSubstitutionInAScriptIsTheShellsNotKubernetes() throws IOException {
        String text = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: etcd
                    env:
                    - name: PEER_HOST
                      value: etcd-0.etcd
                    command: [sh, -c, "exec etcd --name=$(hostname) --initial-advertise-peer-urls=https://$(PEER_HOST):2380"]
                """;
        Invocation inv = only(scan(write("subst.yaml", text)));
        // Kubernetes expands the variable it knows; the shell substitutes the command when it runs
        assertThat(argv(inv)).containsExactly("etcd", "--name=$(hostname)", "--initial-advertise-peer-urls=https://etcd-0.etcd:2380");
        assertThat(inv.warnings()).singleElement().asString().contains("shell script").contains("--name=$(hostname)");
    }

    @Test
    void securityContextGivesTheUid() throws IOException {
        String text = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  securityContext: {runAsUser: 2000}
                  containers:
                  - name: a
                    command: [etcd]
                  - name: b
                    command: [etcd]
                    securityContext: {runAsUser: 1001}
                """;
        ManifestCollector.Output out = scan(write("uid.yaml", text));
        assertThat(out.invocations()).extracting(Invocation::runAsUid).containsExactly(2000, 1001);
    }

    // ---------------------------------------------------------------- files as the container sees them

    private static final String VOLUME_POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: etcd, namespace: kube-system}
            spec:
              containers:
              - name: etcd
                command: [etcd]
                workingDir: /work
                volumeMounts:
                - name: pki
                  mountPath: /etc/kubernetes/pki/etcd/
                - name: sub
                  mountPath: /etc/sub
                  subPath: nested/dir
                - name: cfg
                  mountPath: /etc/etcd
                - name: cfg-items
                  mountPath: /etc/etcd-items
                - name: one-file
                  mountPath: /etc/single/etcd.conf.yml
                  subPath: etcd.conf.yml
                - name: missing-cm
                  mountPath: /etc/missing
                - name: secret
                  mountPath: /etc/secret
                - name: data
                  mountPath: /var/lib/etcd
                - name: undefined
                  mountPath: /etc/undefined
                - name: work
                  mountPath: /work
              volumes:
              - name: pki
                hostPath: {path: /etc/kubernetes/pki/etcd, type: DirectoryOrCreate}
              - name: sub
                hostPath: {path: /srv/node/}
              - name: cfg
                configMap: {name: etcd-config}
              - name: cfg-items
                configMap:
                  name: etcd-config
                  items:
                  - key: etcd.conf.yml
                    path: conf/etcd.yaml
              - name: one-file
                configMap: {name: etcd-config}
              - name: missing-cm
                configMap: {name: nope}
              - name: secret
                secret: {secretName: etcd-certs}
              - name: data
                emptyDir: {}
              - name: work
                hostPath: {path: /srv/work}
            """;

    private static final String CONFIG_MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: etcd-config
              namespace: kube-system
            data:
              ca.crt: plain-value
              etcd.conf.yml: |
                name: m1
                listen-peer-urls: https://10.0.0.11:2380
            """;

    @Test
    void filesInHostPathVolumesWithoutANodeRoot() throws IOException {
        Invocation inv = scan(write("pod.yaml", VOLUME_POD), write("cm.yaml", CONFIG_MAP)).invocations().get(0);
        assertThat(inv.files().lookup("/etc/kubernetes/pki/etcd/peer.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isFalse();
            assertThat(e.reason()).contains("--node-root").contains("/etc/kubernetes/pki/etcd/peer.crt").contains("pki");
        });
        assertThat(inv.files().lookup("/opt/certs/peer.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isTrue();
            assertThat(e.reason()).contains("not inside any volumeMount");
        });
        // a mountPath that is a prefix of the path but not a directory above it
        assertThat(inv.files().lookup("/etc/etcdX/peer.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.suspicious()).isTrue());
        assertThat(inv.files().lookup("/etc/undefined/x")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isTrue();
            assertThat(e.reason()).contains("undefined");
        });
    }

    @Test
    void filesInHostPathVolumesUnderTheNodeRoot() throws IOException {
        Path root = dir.resolve("node");
        Invocation inv = scanWithRoot(root, write("pod.yaml", VOLUME_POD)).invocations().get(0);
        assertThat(inv.files().lookup("/etc/kubernetes/pki/etcd/peer.crt"))
                .isEqualTo(new Lookup.OnDisk(root.resolve("etc/kubernetes/pki/etcd/peer.crt")));
        assertThat(inv.files().lookup("/etc/sub/certs/peer.crt"))
                .isEqualTo(new Lookup.OnDisk(root.resolve("srv/node/nested/dir/certs/peer.crt")));
        // relative to the working directory, which is itself a hostPath mount
        assertThat(inv.files().lookup("certs/peer.crt")).isEqualTo(new Lookup.OnDisk(root.resolve("srv/work/certs/peer.crt")));
        // a path that climbs out of its mount is wherever it lands in the container, never outside the node root
        assertThat(inv.files().lookup("/etc/kubernetes/pki/etcd/../../../../../../root/.ssh/id_rsa"))
                .isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> assertThat(e.suspicious()).isTrue());
        assertThat(inv.files().lookup("/etc/kubernetes/pki/etcd/./sub/../peer.key"))
                .isEqualTo(new Lookup.OnDisk(root.resolve("etc/kubernetes/pki/etcd/peer.key")));
    }

    @Test
    void symbolicLinksUnderTheNodeRootStayUnderIt() throws IOException {
        Path root = dir.resolve("node");
        Path pki = Files.createDirectories(root.resolve("etc/kubernetes/pki/etcd"));
        Files.createDirectories(root.resolve("etc/ssl"));
        Files.createSymbolicLink(pki.resolve("peer.crt"), Path.of("/etc/ssl/peer.crt")); // absolute: the node's /etc/ssl
        Files.createSymbolicLink(pki.resolve("peer.key"), Path.of("../../../ssl/peer.key"));
        Invocation inv = scanWithRoot(root, write("pod.yaml", VOLUME_POD)).invocations().get(0);
        assertThat(inv.files().lookup("/etc/kubernetes/pki/etcd/peer.crt"))
                .isEqualTo(new Lookup.OnDisk(root.resolve("etc/ssl/peer.crt")));
        assertThat(inv.files().lookup("/etc/kubernetes/pki/etcd/peer.key"))
                .isEqualTo(new Lookup.OnDisk(root.resolve("etc/ssl/peer.key")));
    }

    @Test
    void filesInConfigMapVolumes() throws IOException {
        Path cmFile = write("cm.yaml", CONFIG_MAP);
        Invocation inv = scan(write("pod.yaml", VOLUME_POD), cmFile).invocations().get(0);
        int keyLine = at(CONFIG_MAP, "etcd.conf.yml: |").line();
        assertThat(inv.files().lookup("/etc/etcd/etcd.conf.yml")).isInstanceOfSatisfying(Lookup.Content.class, c -> {
            assertThat(new String(c.bytes(), StandardCharsets.UTF_8))
                    .isEqualTo("name: m1\nlisten-peer-urls: https://10.0.0.11:2380\n");
            assertThat(c.origin().file()).isEqualTo(cmFile.toString());
            assertThat(c.origin().line()).as("the line before the text's first line").isEqualTo(keyLine);
        });
        assertThat(inv.files().lookup("/etc/etcd/ca.crt")).isInstanceOfSatisfying(Lookup.Content.class, c -> {
            assertThat(new String(c.bytes(), StandardCharsets.UTF_8)).isEqualTo("plain-value");
            assertThat(c.origin().line()).isEqualTo(at(CONFIG_MAP, "ca.crt").line() - 1);
        });
        assertThat(inv.files().lookup("/etc/etcd/absent.yml")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isTrue();
            assertThat(e.reason()).contains("no key absent.yml");
        });
        // items project the listed keys only, at their paths
        assertThat(inv.files().lookup("/etc/etcd-items/conf/etcd.yaml")).isInstanceOfSatisfying(Lookup.Content.class,
                c -> assertThat(new String(c.bytes(), StandardCharsets.UTF_8)).startsWith("name: m1"));
        assertThat(inv.files().lookup("/etc/etcd-items/etcd.conf.yml")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.suspicious()).isTrue());
        assertThat(inv.files().lookup("/etc/etcd-items/ca.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.suspicious()).isTrue());
        // a single key mounted with subPath
        assertThat(inv.files().lookup("/etc/single/etcd.conf.yml")).isInstanceOf(Lookup.Content.class);
        assertThat(inv.files().lookup("/etc/missing/etcd.conf.yml")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isFalse();
            assertThat(e.reason()).contains("kube-system/nope").contains("not among the scanned files");
        });
        assertThat(inv.files().lookup("/etc/secret/peer.key")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isFalse();
            assertThat(e.reason()).contains("Secret etcd-certs");
        });
        assertThat(inv.files().lookup("/var/lib/etcd/member")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.suspicious()).isFalse());
    }

    @Test
    void configMapsOfAnotherNamespaceAreNotMounted() throws IOException {
        Invocation inv = scan(write("pod.yaml", VOLUME_POD),
                write("cm.yaml", CONFIG_MAP.replace("namespace: kube-system", "namespace: default"))).invocations().get(0);
        assertThat(inv.files().lookup("/etc/etcd/etcd.conf.yml")).isInstanceOf(Lookup.Elsewhere.class);
    }

    // ---------------------------------------------------------------- cluster hints

    @Test
    void replicasAndDaemonSetsAreClusterHints() throws IOException {
        String sts = workload("StatefulSet").replace("spec:\n  selector", "spec:\n  replicas: 3\n  selector");
        String deploy = workload("Deployment").replace("spec:\n  selector", "spec:\n  replicas: 2\n  selector")
                .replace("name: store", "name: d");
        String one = workload("StatefulSet").replace("spec:\n  selector", "spec:\n  replicas: 1\n  selector")
                .replace("name: store", "name: one");
        String ds = workload("DaemonSet");
        String pod = workload("Pod");
        ManifestCollector.Output out = scan(write("hints.yaml", String.join("---\n", sts, deploy, one, ds, pod)));
        assertThat(out.invocations()).extracting(Invocation::clusterHint).containsExactly(
                "StatefulSet with replicas: 3", "Deployment with replicas: 2", null,
                "a DaemonSet runs a member on every matching node", null);
    }

    // ---------------------------------------------------------------- kubeadm

    private static final String INIT = """
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: InitConfiguration
            localAPIEndpoint:
              advertiseAddress: 10.0.0.11
              bindPort: 6443
            nodeRegistration:
              name: cp1
            """;

    private static String flag(Invocation inv, String name) {
        List<String> values = argv(inv).stream().filter(a -> a.startsWith("--" + name + "="))
                .map(a -> a.substring(name.length() + 3)).toList();
        assertThat(values).as("--%s", name).hasSize(1);
        return values.get(0);
    }

    @Test
    void kubeadmDefaultsAreThePodKubeadmWrites() throws IOException {
        String text = INIT + "---\n" + """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                kubernetesVersion: v1.30.0
                etcd:
                  local:
                    dataDir: /var/lib/etcd
                """;
        Path file = write("kubeadm.yaml", text);
        Invocation inv = only(scan(file));
        assertThat(argv(inv).get(0)).isEqualTo("etcd");
        assertThat(flag(inv, "peer-cert-file")).isEqualTo("/etc/kubernetes/pki/etcd/peer.crt");
        assertThat(flag(inv, "peer-key-file")).isEqualTo("/etc/kubernetes/pki/etcd/peer.key");
        assertThat(flag(inv, "peer-trusted-ca-file")).isEqualTo("/etc/kubernetes/pki/etcd/ca.crt");
        assertThat(flag(inv, "listen-peer-urls")).isEqualTo("https://10.0.0.11:2380");
        assertThat(flag(inv, "initial-advertise-peer-urls")).isEqualTo("https://10.0.0.11:2380");
        assertThat(flag(inv, "initial-cluster")).isEqualTo("cp1=https://10.0.0.11:2380");
        assertThat(flag(inv, "name")).isEqualTo("cp1");
        Target.Manifest t = target(inv);
        assertThat(t.file()).isEqualTo(file.toString());
        assertThat(t.document()).isEqualTo(1);
        assertThat(t.resource()).isEqualTo("ClusterConfiguration/kubeadm/cp1");
        assertThat(t.container()).isEqualTo("etcd");
        assertThat(t.line()).isEqualTo(at(text, "dataDir").line());
        assertThat(inv.clusterHint()).isNull();
        assertThat(inv.files().lookup("/etc/kubernetes/pki/etcd/peer.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.reason()).contains("--node-root"));
    }

    @Test
    void kubeadmV1beta3MapExtraArgsOverrideTheDefaults() throws IOException {
        String text = INIT + "---\n" + """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                controlPlaneEndpoint: k8s.example.com:6443
                etcd:
                  local:
                    extraArgs:
                      listen-peer-urls: http://10.0.0.11:2380
                      heartbeat-interval: "250"
                """;
        Path file = write("v1beta3.yaml", text);
        Invocation inv = only(scan(file));
        assertThat(flag(inv, "listen-peer-urls")).isEqualTo("http://10.0.0.11:2380");
        assertThat(flag(inv, "heartbeat-interval")).isEqualTo("250");
        Arg arg = inv.argv().stream().filter(a -> a.value().startsWith("--listen-peer-urls=")).findFirst().orElseThrow();
        assertThat(arg.location().line()).isEqualTo(at(text, "http://10.0.0.11:2380").line());
        assertThat(arg.location().label()).contains("etcd.local.extraArgs.listen-peer-urls");
        assertThat(inv.clusterHint()).contains("controlPlaneEndpoint k8s.example.com:6443");
    }

    @Test
    void kubeadmV1beta4ListExtraArgsAndExtraEnvs() throws IOException {
        String text = """
                apiVersion: kubeadm.k8s.io/v1beta4
                kind: ClusterConfiguration
                certificatesDir: /srv/pki/
                etcd:
                  local:
                    extraArgs:
                    - name: listen-peer-urls
                      value: http://10.0.0.12:2380
                    extraEnvs:
                    - name: ETCD_PEER_AUTO_TLS
                      value: "true"
                ---
                apiVersion: kubeadm.k8s.io/v1beta4
                kind: JoinConfiguration
                nodeRegistration: {name: cp2}
                controlPlane:
                  localAPIEndpoint: {advertiseAddress: 10.0.0.12}
                """;
        Invocation inv = only(scan(write("v1beta4.yaml", text)));
        assertThat(flag(inv, "listen-peer-urls")).isEqualTo("http://10.0.0.12:2380");
        assertThat(flag(inv, "initial-advertise-peer-urls")).isEqualTo("https://10.0.0.12:2380");
        assertThat(flag(inv, "name")).isEqualTo("cp2");
        assertThat(flag(inv, "peer-cert-file")).isEqualTo("/srv/pki/etcd/peer.crt");
        assertThat(flag(inv, "peer-trusted-ca-file")).isEqualTo("/srv/pki/etcd/ca.crt");
        assertThat(target(inv).document()).isZero();
        assertThat(inv.env()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("ETCD_PEER_AUTO_TLS");
            assertThat(e.value()).isEqualTo("true");
        });
    }

    @Test
    void kubeadmFilesAreReadUnderTheNodeRootWhenKubeadmMountsThem() throws IOException {
        Path root = dir.resolve("node");
        String text = INIT + "---\n" + """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                etcd:
                  local:
                    dataDir: /data/etcd
                """;
        Invocation inv = scanWithRoot(root, write("kubeadm.yaml", text)).invocations().get(0);
        assertThat(inv.files().lookup("/etc/kubernetes/pki/etcd/peer.crt"))
                .isEqualTo(new Lookup.OnDisk(root.resolve("etc/kubernetes/pki/etcd/peer.crt")));
        // kubeadm mounts only the etcd certificate directory and the data directory into the pod
        assertThat(inv.files().lookup("/etc/kubernetes/pki/apiserver.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.suspicious()).isTrue());
        assertThat(inv.files().lookup("/data/etcd/member/snap/db")).isInstanceOf(Lookup.OnDisk.class);
    }

    @Test
    void externalEtcdIsAFindingAndOnlyKubeApiserverIsEvaluated() throws IOException {
        String text = """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                etcd:
                  external:
                    endpoints: [https://10.0.0.50:2379]
                    caFile: /etc/kubernetes/pki/etcd/ca.crt
                """;
        Path file = write("external.yaml", text);
        ManifestCollector.Output out = scan(file);
        assertThat(out.invocations()).singleElement().satisfies(api -> {
            assertThat(api.component()).isEqualTo(Component.KUBE_APISERVER);
            assertThat(argv(api)).contains("--etcd-servers=https://10.0.0.50:2379",
                    "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt").noneMatch(a -> a.startsWith("--etcd-certfile"));
            assertThat(api.argv().get(1).location().label()).contains("kubeadm default for kube-apiserver");
        });
        SourceFinding f = onlyFinding(out, SourceFinding.Kind.EXTERNAL_ETCD);
        assertThat(((Target.Manifest) f.target()).file()).isEqualTo(file.toString());
        assertThat(((Target.Manifest) f.target()).line()).isEqualTo(at(text, "endpoints").line());
        assertThat(f.message()).contains("etcd.external");
    }

    // ---------------------------------------------------------------- static-pod directories

    private static String staticPod(String name) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: kube-system}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd, --name=cp1]
                """.formatted(name);
    }

    @Test
    void staticPodDirectoryReadsEveryRegularFileNotStartingWithADot() throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        write("manifests/etcd.yaml", staticPod("etcd"));
        write("manifests/etcd.yaml.bak", staticPod("etcd-bak"));
        write("manifests/etcd.manifest", staticPod("etcd-manifest"));
        write("manifests/.etcd.yaml.swp", staticPod("hidden"));
        write("manifests/sub/etcd.yaml", staticPod("sub"));
        write("manifests/kube-apiserver.yaml", staticPod("apiserver").replace("[etcd, --name=cp1]", "[kube-apiserver]"));
        ManifestCollector.Output out = scan(null, ManifestCollector.DEFAULT_MAX_FILE_BYTES, List.of(), List.of(manifests));
        assertThat(out.invocations()).extracting(i -> target(i).resource()).containsExactly(
                "Pod/kube-system/etcd-manifest", "Pod/kube-system/etcd", "Pod/kube-system/etcd-bak",
                "Pod/kube-system/apiserver");
        assertThat(out.invocations()).extracting(Invocation::podSpecFile).containsExactly(
                manifests.resolve("etcd.manifest"), manifests.resolve("etcd.yaml"), manifests.resolve("etcd.yaml.bak"),
                manifests.resolve("kube-apiserver.yaml"));
        assertThat(out.files()).isEqualTo(4);
        List<SourceFinding> dups = out.findings();
        assertThat(dups).hasSize(2).allSatisfy(f -> assertThat(f.kind()).isEqualTo(SourceFinding.Kind.DUPLICATE_STATIC_POD));
        assertThat(dups).extracting(f -> ((Target.Manifest) f.target()).file()).containsExactlyInAnyOrder(
                manifests.resolve("etcd.manifest").toString(), manifests.resolve("etcd.yaml.bak").toString());
        assertThat(dups.get(0).message()).contains("besides " + manifests.resolve("etcd.yaml"));
    }

    @Test
    void twoEtcdStaticPodsGiveOneFindingNamingTheBackup() throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        write("manifests/etcd.yaml", staticPod("etcd"));
        write("manifests/etcd.yaml.orig", staticPod("etcd"));
        ManifestCollector.Output out = scan(null, ManifestCollector.DEFAULT_MAX_FILE_BYTES, List.of(), List.of(manifests));
        assertThat(out.invocations()).hasSize(2);
        SourceFinding f = onlyFinding(out, SourceFinding.Kind.DUPLICATE_STATIC_POD);
        assertThat(f.target()).isEqualTo(Target.Manifest.file(manifests.resolve("etcd.yaml.orig").toString()));
        assertThat(f.message()).contains("etcd.yaml.orig").contains("move it out of the directory");
    }

    @Test
    void oneEtcdStaticPodIsNoFinding() throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        write("manifests/etcd.yaml", staticPod("etcd"));
        write("manifests/kube-scheduler.yaml", staticPod("s").replace("[etcd, --name=cp1]", "[kube-scheduler]"));
        ManifestCollector.Output out = scan(null, ManifestCollector.DEFAULT_MAX_FILE_BYTES, List.of(), List.of(manifests));
        assertThat(out.findings()).isEmpty();
        assertThat(out.invocations()).hasSize(1);
    }

    @Test
    void missingStaticPodDirectoryIsAFinding() {
        Path nope = dir.resolve("nope");
        ManifestCollector.Output out = scan(null, ManifestCollector.DEFAULT_MAX_FILE_BYTES, List.of(), List.of(nope));
        assertThat(onlyFinding(out, SourceFinding.Kind.UNREADABLE_INPUT).message()).contains("static-pod directory");
    }

    // ---------------------------------------------------------------- bad input

    /** One UNREADABLE_INPUT finding for {@code bad}, whose message contains {@code reason}; the good file is still scanned. */
    private void assertUnreadable(Path bad, String reason) throws IOException {
        assertUnreadable(bad.toString(), reason, ManifestCollector.DEFAULT_MAX_FILE_BYTES);
    }

    private void assertUnreadable(String bad, String reason, long maxBytes) throws IOException {
        Path good = write("zz-good.yaml", staticPod("good"));
        ManifestCollector.Output out = scan(null, maxBytes, List.of(bad, good.toString()), List.of());
        SourceFinding f = onlyFinding(out, SourceFinding.Kind.UNREADABLE_INPUT);
        assertThat(f.target()).isEqualTo(Target.Manifest.file(bad));
        assertThat(f.message()).contains(reason).doesNotContain("\n");
        assertThat(out.invocations()).singleElement().satisfies(i -> assertThat(target(i).file()).isEqualTo(good.toString()));
    }

    @Test
    void invalidYaml() throws IOException {
        assertUnreadable(write("bad.yaml", "kind: Pod\nspec: [1, 2\n"), "not valid YAML");
        assertUnreadable(write("tab.yaml", "kind: Pod\nspec:\n\tcontainers: []\n"), "not valid YAML");
    }

    @Test
    void invalidYamlInALaterDocumentNamesTheDocument() throws IOException {
        Path bad = write("later.yaml", staticPod("first") + "---\nkey: [unclosed\n");
        ManifestCollector.Output out = scan(bad);
        assertThat(onlyFinding(out, SourceFinding.Kind.UNREADABLE_INPUT).message()).contains("document 1");
    }

    @Test
    void notUtf8() throws IOException {
        byte[] bytes = "kind: Pod\nmetadata: {name: \"xy\"}\n".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 6] = (byte) 0xC3; // 0xC3 0x28: an invalid two-byte sequence
        bytes[bytes.length - 5] = (byte) 0x28;
        assertUnreadable(write("latin.yaml", bytes), "not UTF-8");
    }

    @Test
    void binaryFile() throws IOException {
        assertUnreadable(write("image.yaml", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13}), "binary");
    }

    @Test
    void emptyFiles() throws IOException {
        assertUnreadable(write("empty.yaml", ""), "empty");
        assertUnreadable(write("comments.yaml", "# nothing here\n\n"), "empty");
        assertUnreadable(write("separators.yaml", "---\n---\n"), "empty");
    }

    @Test
    void billionLaughsIsRejectedFast() throws IOException {
        StringBuilder text = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n");
        text.append("  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            String prev = "*" + (char) (c - 1);
            text.append("  ").append(c).append(": &").append(c).append(" [").append(String.join(",", java.util.Collections.nCopies(9, prev)))
                    .append("]\n");
        }
        Path bomb = write("bomb.yaml", text.toString());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertUnreadable(bomb, "alias"));
    }

    @Test
    void aliasAmplifiedListOfEtcdPodsIsRejectedFast() throws IOException {
        StringBuilder text = new StringBuilder("apiVersion: v1\nkind: List\nmetadata:\n");
        text.append("  p: &p {apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {containers: [{name: etcd, command: [etcd]}]}}\n");
        String prev = "p";
        for (int level = 1; level <= 4; level++) {
            text.append("  l").append(level).append(": &l").append(level).append(" {kind: List, items: [")
                    .append(String.join(",", java.util.Collections.nCopies(19, "*" + prev))).append("]}\n");
            prev = "l" + level;
        }
        text.append("items: [").append(String.join(",", java.util.Collections.nCopies(19, "*" + prev))).append("]\n");
        Path bomb = write("list-bomb.yaml", text.toString());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertUnreadable(bomb, "alias"));
    }

    @Test
    void repeatedAliasOfOnePodIsOnePod() throws IOException {
        String text = """
                apiVersion: v1
                kind: List
                metadata:
                  pod: &p {apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {containers: [{name: etcd, command: [etcd]}]}}
                items: [*p, *p, *p]
                """;
        assertThat(scan(write("alias.yaml", text)).invocations()).hasSize(1);
    }

    @Test
    void recursiveAliasIsRejected() throws IOException {
        assertUnreadable(write("recursive.yaml", "kind: List\nitems: &a [*a]\n"), "alias");
    }

    @Test
    void deepNestingIsRejectedNotACrash() throws IOException {
        assertUnreadable(write("deep.yaml", "kind: Pod\nspec: " + "[".repeat(100_000) + "\n"), "not valid YAML");
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
        String text = staticPod("dup").replace("command: [etcd, --name=cp1]",
                "command: [etcd, --peer-cert-file=/etc/etcd/peer.crt]\n    command: [etcd]");
        assertUnreadable(write("dup.yaml", text), "duplicate key");
    }

    @Test
    void fileOverTheSizeLimit() throws IOException {
        Path big = write("big.yaml", staticPod("big") + "#" + "x".repeat(500) + "\n");
        assertUnreadable(big.toString(), "larger than the 400-byte limit", 400);
    }

    @Test
    void pathsThatAreNotFiles() throws IOException {
        assertUnreadable(dir.resolve("does-not-exist.yaml"), "no such file");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.yaml"), dir.resolve("nowhere.yaml"));
        assertUnreadable(dangling, "dangling");
        Path loop = Files.createSymbolicLink(dir.resolve("loop.yaml"), dir.resolve("loop.yaml"));
        assertUnreadable(loop, "loop");
    }

    @Test
    void fifo() throws IOException, InterruptedException {
        Path fifo = dir.resolve("pipe.yaml");
        if (!mkfifo(fifo)) {
            return; // no mkfifo here
        }
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertUnreadable(fifo, "not a regular file"));
        Path walked = Files.createDirectories(dir.resolve("walked"));
        assertThat(mkfifo(walked.resolve("pipe.yaml"))).isTrue();
        write("walked/etcd.yaml", staticPod("e"));
        ManifestCollector.Output out = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> scan(null,
                ManifestCollector.DEFAULT_MAX_FILE_BYTES, List.of(walked.toString()), List.of(walked)));
        assertThat(onlyFinding(out, SourceFinding.Kind.UNREADABLE_INPUT).message()).contains("not a regular file");
        // the walk and the static-pod directory both name etcd.yaml: read once, as the static pod kubelet runs
        assertThat(out.invocations()).singleElement().satisfies(i -> assertThat(i.podSpecFile()).isNotNull());
    }

    private static boolean mkfifo(Path path) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void linksInsideAWalkedDirectory() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        write("tree/a.yaml", staticPod("a"));
        Files.createSymbolicLink(tree.resolve("dangling.yaml"), tree.resolve("nowhere.yaml"));
        Files.createSymbolicLink(tree.resolve("self.yaml"), tree.resolve("self.yaml"));
        Files.createSymbolicLink(tree.resolve("notes.txt"), tree.resolve("nowhere.txt")); // not a manifest name
        Files.createDirectories(tree.resolve("sub"));
        Files.createSymbolicLink(tree.resolve("sub/up"), tree); // a directory loop
        Files.createSymbolicLink(tree.resolve("linked.yaml"), tree.resolve("a.yaml")); // a good link is read
        ManifestCollector.Output out = scan(tree);
        assertThat(out.findings()).hasSize(3)
                .allSatisfy(f -> assertThat(f.kind()).isEqualTo(SourceFinding.Kind.UNREADABLE_INPUT));
        Map<String, String> byFile = new java.util.TreeMap<>();
        out.findings().forEach(f -> byFile.put(((Target.Manifest) f.target()).file(), f.message()));
        assertThat(byFile).containsOnlyKeys(tree.resolve("dangling.yaml").toString(), tree.resolve("self.yaml").toString(),
                tree.resolve("sub/up").toString());
        assertThat(byFile.get(tree.resolve("dangling.yaml").toString())).contains("dangling");
        assertThat(byFile.get(tree.resolve("self.yaml").toString())).contains("loop");
        assertThat(byFile.get(tree.resolve("sub/up").toString())).contains("loop");
        // a link to a file of the scan is the same file: read once
        assertThat(out.invocations()).extracting(i -> target(i).file()).containsExactly(tree.resolve("a.yaml").toString());
    }

    @Test
    void standardInput() throws IOException {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(staticPod("stdin").getBytes(StandardCharsets.UTF_8)));
            Invocation inv = only(scan(null, ManifestCollector.DEFAULT_MAX_FILE_BYTES, List.of("-"), List.of()));
            assertThat(target(inv).file()).isEqualTo("-");
            assertThat(target(inv).resource()).isEqualTo("Pod/kube-system/stdin");
            assertThat(inv.argv().get(0).location().file()).isEqualTo("-");
            System.setIn(new ByteArrayInputStream(("#" + "x".repeat(100)).getBytes(StandardCharsets.UTF_8)));
            ManifestCollector.Output big = scan(null, 50, List.of("-"), List.of());
            assertThat(onlyFinding(big, SourceFinding.Kind.UNREADABLE_INPUT).message()).contains("larger than the 50-byte limit");
        } finally {
            System.setIn(saved);
        }
    }

    // ---------------------------------------------------------------- directory walks

    @Test
    void directoryWalkPicksManifestExtensionsRecursivelyInSortedOrder() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        for (String name : List.of("b.yaml", "A.YML", "c.Json", "d.txt", "e.yaml.bak", "sub/f.yaml", "sub/deeper/g.yml",
                "a/h.yaml", "README")) {
            write("tree/" + name, staticPod(name.replaceAll("[^a-zA-Z]", "-").toLowerCase()));
        }
        ManifestCollector.Output out = scan(tree);
        assertThat(out.findings()).isEmpty();
        List<String> expected = new ArrayList<>();
        for (String name : List.of("A.YML", "a/h.yaml", "b.yaml", "c.Json", "sub/deeper/g.yml", "sub/f.yaml")) {
            expected.add(tree.resolve(name).toString());
        }
        assertThat(out.invocations()).extracting(i -> target(i).file()).containsExactlyElementsOf(expected);
        assertThat(out.files()).isEqualTo(6);
    }

    @Test
    void aFileGivenByNameIsReadWhateverItsExtension() throws IOException {
        Path file = write("etcd.manifest", staticPod("named"));
        assertThat(only(scan(file)).target()).isInstanceOf(Target.Manifest.class);
    }
}
