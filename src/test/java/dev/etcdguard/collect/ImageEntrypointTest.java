package dev.etcdguard.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Invocation.Arg;
import dev.etcdguard.etcd.Invocation.EnvVar;
import dev.etcdguard.etcd.Invocation.Note;
import dev.etcdguard.etcd.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers that set no {@code command} and run an etcd image's entrypoint (official images, Bitnami's
 * scripts), and the pod fields ({@code fieldRef}) a manifest shows, collected from real files.
 */
class ImageEntrypointTest {

    @TempDir
    Path dir;

    private List<Invocation> scan(String text) throws IOException {
        Path file = dir.resolve("m.yaml");
        Files.writeString(file, text);
        ManifestCollector.Output out = new ManifestCollector(new ManifestCollector.Options(null,
                ManifestCollector.DEFAULT_MAX_FILE_BYTES)).collect(List.of(file.toString()), List.of());
        assertThat(out.findings()).isEmpty();
        return out.invocations();
    }

    private Invocation only(String text) throws IOException {
        List<Invocation> all = scan(text);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static List<String> argv(Invocation inv) {
        return inv.argv().stream().map(Arg::value).toList();
    }

    private static Map<String, EnvVar> env(Invocation inv) {
        Map<String, EnvVar> m = new LinkedHashMap<>();
        inv.env().forEach(e -> m.put(e.name(), e));
        return m;
    }

    private static List<Note> notes(Invocation inv, Note.Kind kind) {
        return inv.notes().stream().filter(n -> n.kind() == kind).toList();
    }

    private static String statefulSet(String image, String container) {
        return """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: etcd, namespace: db}
                spec:
                  replicas: 3
                  serviceName: etcd-headless
                  selector: {matchLabels: {app: etcd}}
                  template:
                    metadata: {labels: {app: etcd, tier: storage}}
                    spec:
                      containers:
                      - name: etcd
                        image: %s
                """.formatted(image) + container.indent(8);
    }

    // ---------------------------------------------------------------- official images

    @Test
    void anOfficialImageWithoutCommandRunsEtcdFromItsEnvironment() throws IOException {
        Invocation inv = only(statefulSet("quay.io/coreos/etcd:v3.5.9", """
                env:
                - {name: ETCD_LISTEN_PEER_URLS, value: "http://0.0.0.0:2380"}
                """));
        assertThat(inv.component()).isEqualTo(Component.ETCD);
        assertThat(argv(inv)).containsExactly("/usr/local/bin/etcd");
        assertThat(inv.argv().get(0).location().label()).contains("image quay.io/coreos/etcd:v3.5.9");
        assertThat(inv.argv().get(0).location().line()).isEqualTo(13); // the image: line
        assertThat(inv.version()).isEqualTo("3.5.9");
        assertThat(inv.problems()).isEmpty();
        assertThat(env(inv)).containsOnlyKeys("ETCD_LISTEN_PEER_URLS");
        assertThat(notes(inv, Note.Kind.ASSUMED)).first().satisfies(n -> {
            assertThat(n.message()).isEqualTo("image quay.io/coreos/etcd:v3.5.9 runs etcd as its entrypoint"
                    + " (/usr/local/bin/etcd)");
            assertThat(n.settings()).isEmpty(); // shown with every result
        });
    }

    @Test
    void anUnknownImageNamedEtcdIsReportedNotSkipped() throws IOException {
        // no command, an image named etcd that is not in the list: its entrypoint is unknown; say so on every rule
        Invocation inv = only(statefulSet("harbor.example.internal/platform/etcd:3.5.12-custom", """
                env:
                - {name: ETCD_LISTEN_PEER_URLS, value: "http://0.0.0.0:2380"}
                """));
        assertThat(inv.component()).isEqualTo(Component.ETCD);
        assertThat(inv.problems()).singleElement().asString()
                .contains("harbor.example.internal/platform/etcd:3.5.12-custom")
                .contains("not one of the etcd images etcdguard knows").contains("set the container's command");
        // images that are not etcd itself, and an unknown image with a command of its own, are decided as before
        assertThat(scan(statefulSet("quay.io/coreos/etcd-operator:v0.9.4", ""))).isEmpty();
        assertThat(scan(statefulSet("harbor.example.internal/platform/etcd:3.5", "command: [sleep, infinity]\n")))
                .isEmpty();
        assertThat(only(statefulSet("harbor.example.internal/platform/etcd@sha256:"
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "args: [--name=x]\n")).problems())
                .singleElement().asString().contains("is named etcd");
    }

    @Test
    void argsReplaceAnOfficialImagesCmd() throws IOException {
        // args without command replace the CMD: args[0] is what runs
        Invocation flags = only(statefulSet("gcr.io/etcd-development/etcd:v3.5.17", "args: [--name=x]\n"));
        assertThat(flags.problems()).singleElement().asString().contains("args replace the CMD")
                .contains("'--name=x'");
        Invocation program = only(statefulSet("gcr.io/etcd-development/etcd:v3.5.17",
                "args: [/usr/local/bin/etcd, --name=x]\n"));
        assertThat(program.problems()).isEmpty();
        assertThat(argv(program)).containsExactly("/usr/local/bin/etcd", "--name=x");
        assertThat(program.version()).isEqualTo("3.5.17");
        // a command of its own: decided by the command, as for any image
        assertThat(scan(statefulSet("quay.io/coreos/etcd:v3.5.9", "command: [etcdctl, member, list]\n"))).isEmpty();
    }

    @Test
    void kubernetesEtcdImageHasNoEntrypoint() throws IOException {
        Invocation inv = only(statefulSet("registry.k8s.io/etcd:3.5.15-0", ""));
        assertThat(inv.problems()).singleElement().asString().contains("no ENTRYPOINT and no CMD")
                .contains("does not start");
        Invocation kubeadm = only(statefulSet("registry.k8s.io/etcd:3.5.15-0", "command: [etcd, --name=cp1]\n"));
        assertThat(kubeadm.problems()).isEmpty();
        assertThat(kubeadm.version()).isEqualTo("3.5.15");
        assertThat(kubeadm.notes()).isEmpty(); // its own command: no image assumption
    }

    // ---------------------------------------------------------------- Bitnami

    private static final String BITNAMI_ENV = """
            securityContext: {runAsNonRoot: true}
            env:
            - {name: MY_POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
            - {name: ETCD_ON_K8S, value: "yes"}
            - {name: ETCD_CLUSTER_DOMAIN, value: etcd-headless.db.svc.cluster.local}
            - name: ETCD_ROOT_PASSWORD
              valueFrom: {secretKeyRef: {name: etcd, key: etcd-root-password}}
            - {name: ETCD_NAME, value: "$(MY_POD_NAME)"}
            - {name: ETCD_DATA_DIR, value: /somewhere/else}
            - {name: ETCD_INITIAL_ADVERTISE_PEER_URLS, value: "http://$(MY_POD_NAME).etcd-headless.db.svc.cluster.local:2380"}
            - {name: ETCD_LISTEN_PEER_URLS, value: "http://0.0.0.0:2380"}
            - {name: ETCD_PEER_AUTO_TLS, value: ""}
            """;

    @Test
    void bitnamisRunShStartsEtcdWithTheImagesEnvironmentRules() throws IOException {
        Invocation inv = only(statefulSet("docker.io/bitnami/etcd:3.5.17-debian-12-r3", BITNAMI_ENV));
        assertThat(argv(inv)).containsExactly("etcd");
        assertThat(inv.version()).isEqualTo("3.5.17");
        assertThat(inv.problems()).isEmpty();
        assertThat(inv.warnings()).isEmpty();
        assertThat(inv.runAsUid()).isEqualTo(1001); // the image's USER
        Map<String, EnvVar> env = env(inv);
        // the scripts' own variables are not etcd's, and a Secret value of one of them is no unknown etcd setting
        assertThat(env).doesNotContainKeys("ETCD_ON_K8S", "ETCD_CLUSTER_DOMAIN", "ETCD_ROOT_PASSWORD");
        assertThat(notes(inv, Note.Kind.UNKNOWN)).isEmpty();
        assertThat(notes(inv, Note.Kind.NOTED)).singleElement().satisfies(n -> assertThat(n.message())
                .contains("ETCD_CLUSTER_DOMAIN, ETCD_ON_K8S, ETCD_ROOT_PASSWORD are read by the image's entrypoint scripts"));
        // etcd-env.sh: defaults when unset or empty, ETCD_DATA_DIR always
        assertThat(env.get("ETCD_LISTEN_CLIENT_URLS").value()).isEqualTo("http://0.0.0.0:2379");
        assertThat(env.get("ETCD_ADVERTISE_CLIENT_URLS").value()).isEqualTo("http://127.0.0.1:2379");
        assertThat(env.get("ETCD_PEER_AUTO_TLS").value()).isEqualTo("false");
        assertThat(env.get("ETCD_PEER_AUTO_TLS").location().label()).contains("etcd-env.sh");
        assertThat(env.get("ETCD_DATA_DIR").value()).isEqualTo("/bitnami/etcd/data");
        assertThat(env.get("ETCD_DATA_DIR").location().label()).contains("replacing the container's /somewhere/else");
        // metadata.name of a StatefulSet's pod: ordinal 0, said as an assumption on the settings holding it
        assertThat(env.get("ETCD_NAME").value()).isEqualTo("etcd-0");
        assertThat(env.get("ETCD_INITIAL_ADVERTISE_PEER_URLS").value())
                .isEqualTo("http://etcd-0.etcd-headless.db.svc.cluster.local:2380");
        assertThat(notes(inv, Note.Kind.ASSUMED)).anySatisfy(n -> {
            assertThat(n.message()).contains("StatefulSet etcd's pods are etcd-0 … etcd-2; evaluated as etcd-0");
            assertThat(n.settings()).containsExactly("initial-advertise-peer-urls", "name");
        });
        assertThat(notes(inv, Note.Kind.ASSUMED).get(0).message())
                .startsWith("image docker.io/bitnami/etcd:3.5.17-debian-12-r3 runs etcd as its entrypoint");
    }

    @Test
    void bitnamiArgsGoThroughTheEntrypoint() throws IOException {
        Invocation run = only(statefulSet("bitnami/etcd:3.5", "args: [/opt/bitnami/scripts/etcd/run.sh, --snapshot-count=5]\n"));
        assertThat(argv(run)).containsExactly("etcd", "--snapshot-count=5");
        assertThat(run.problems()).isEmpty();
        Invocation viaCommand = only(statefulSet("bitnami/etcd:3.5",
                "command: [/opt/bitnami/scripts/etcd/entrypoint.sh]\nargs: [/opt/bitnami/scripts/etcd/run.sh]\n"));
        assertThat(argv(viaCommand)).containsExactly("etcd");
        // entrypoint.sh ends in exec "$@": flags alone are run as a program
        Invocation flags = only(statefulSet("bitnami/etcd:3.5", "args: [--snapshot-count=5]\n"));
        assertThat(flags.problems()).singleElement().asString().contains("exec \"$@\"").contains("'--snapshot-count=5'");
        // the chart's pre-upgrade job and snapshot cron job run the image's other scripts
        assertThat(scan(statefulSet("bitnami/etcd:3.5",
                "command: [/opt/bitnami/scripts/etcd/entrypoint.sh]\nargs: [/opt/bitnami/scripts/etcd/preupgrade.sh]\n")))
                .isEmpty();
        assertThat(scan(statefulSet("bitnami/etcd:3.5", "command: [/opt/bitnami/scripts/etcd/snapshot.sh]\n"))).isEmpty();
    }

    @Test
    void bitnamiConfigFileFromAConfigMapReplacesTheEnvironment() throws IOException {
        String text = statefulSet("bitnami/etcd:3.5.17", """
                volumeMounts:
                - {name: configuration, mountPath: /opt/bitnami/etcd/conf/}
                """) + """
                      volumes:
                      - name: configuration
                        configMap: {name: etcd-configuration}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: etcd-configuration, namespace: db}
                data:
                  etcd.yaml: |
                    peer-transport-security:
                      auto-tls: true
                """;
        Invocation inv = only(text);
        assertThat(argv(inv)).containsExactly("etcd", "--config-file", "/opt/bitnami/etcd/conf/etcd.yaml");
        assertThat(inv.argv().get(1).location().label()).contains("run.sh passes --config-file");
        assertThat(inv.warnings()).isEmpty();
    }

    @Test
    void bitnamiConfigVariablesAndFileVariablesAreSaid() throws IOException {
        Invocation inv = only(statefulSet("bitnami/etcd:3.5.17", """
                env:
                - {name: ETCD_CFG_PEER_AUTO_TLS, value: "true"}
                - {name: ETCD_PEER_AUTO_TLS_FILE, value: /run/secrets/auto}
                volumeMounts:
                - {name: configuration, mountPath: /opt/bitnami/etcd/conf/}
                """) + """
                      volumes:
                      - name: configuration
                        configMap: {name: not-scanned}
                """);
        assertThat(inv.warnings()).anySatisfy(w -> assertThat(w).contains("ETCD_CFG_PEER_AUTO_TLS")
                .contains("etcd ignores every ETCD_* variable"));
        assertThat(inv.warnings()).anySatisfy(w -> assertThat(w).contains("ConfigMap db/not-scanned"));
        assertThat(env(inv)).doesNotContainKeys("ETCD_CFG_PEER_AUTO_TLS", "ETCD_PEER_AUTO_TLS_FILE", "ETCD_PEER_AUTO_TLS");
        assertThat(notes(inv, Note.Kind.UNKNOWN)).singleElement().satisfies(n -> {
            assertThat(n.message()).contains("ETCD_PEER_AUTO_TLS").contains("ETCD_PEER_AUTO_TLS_FILE");
            assertThat(n.settings()).containsExactly("peer-auto-tls");
        });
    }

    // ---------------------------------------------------------------- fieldRef

    @Test
    void podFieldsAManifestShowsAreKnownOthersConcernOnlyTheirSetting() throws IOException {
        Invocation inv = only(statefulSet("quay.io/coreos/etcd:v3.5.9", """
                command: [etcd]
                args: ["--name=$(POD_NAME)", "--advertise-client-urls=http://$(POD_IP):2379"]
                env:
                - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                - {name: ETCD_INITIAL_CLUSTER_TOKEN, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                - {name: TIER, valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}}
                - {name: ETCD_LOG_LEVEL, value: "$(TIER)"}
                - {name: ETCD_DISCOVERY_SRV, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
                """));
        assertThat(argv(inv)).containsExactly("etcd", "--name=etcd-0", "--advertise-client-urls=http://$(POD_IP):2379");
        Map<String, EnvVar> env = env(inv);
        assertThat(env.get("ETCD_INITIAL_CLUSTER_TOKEN").value()).isEqualTo("db");
        assertThat(env.get("ETCD_LOG_LEVEL").value()).isEqualTo("storage");
        assertThat(inv.warnings()).isEmpty();
        assertThat(notes(inv, Note.Kind.UNKNOWN)).extracting(Note::settings)
                .containsExactlyInAnyOrder(List.of("advertise-client-urls"), List.of("discovery-srv"));
        assertThat(notes(inv, Note.Kind.UNKNOWN)).anySatisfy(n -> assertThat(n.message()).contains("$(POD_IP)")
                .contains("fieldRef status.podIP"));
    }

    @Test
    void anUnknownValueInAKubeApiserverFlagConcernsThatFlag() throws IOException {
        Invocation inv = only("""
                apiVersion: v1
                kind: Pod
                metadata: {name: kube-apiserver, namespace: kube-system}
                spec:
                  containers:
                  - name: kube-apiserver
                    command: [kube-apiserver, "--etcd-servers=https://$(HOST_IP):2379"]
                    env:
                    - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
                """);
        assertThat(inv.component()).isEqualTo(Component.KUBE_APISERVER);
        assertThat(inv.warnings()).isEmpty();
        assertThat(notes(inv, Note.Kind.UNKNOWN)).singleElement().satisfies(n -> {
            assertThat(n.message()).contains("$(HOST_IP)").contains("fieldRef status.hostIP");
            assertThat(n.settings()).containsExactly("etcd-servers");
        });
    }

    @Test
    void aDeploymentsPodNameIsUnknown() throws IOException {
        Invocation inv = only("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: etcd}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: etcd}}
                  template:
                    metadata: {labels: {app: etcd}}
                    spec:
                      containers:
                      - name: etcd
                        command: [etcd]
                        env:
                        - {name: ETCD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                """);
        assertThat(env(inv)).doesNotContainKey("ETCD_NAME");
        assertThat(notes(inv, Note.Kind.UNKNOWN)).singleElement().satisfies(n -> {
            assertThat(n.message()).contains("ETCD_NAME").contains("fieldRef metadata.name");
            assertThat(n.settings()).containsExactly("name");
        });
        assertThat(((Target.Manifest) inv.target()).resource()).isEqualTo("Deployment/default/etcd");
    }
}
