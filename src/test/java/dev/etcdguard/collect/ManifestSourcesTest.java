package dev.etcdguard.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.ConfigResolver;
import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.FileView.Lookup;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Invocation.Arg;
import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.Provenance;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest scan's reading of sources around the pod spec: config files inside ConfigMaps (exact columns),
 * the kubeadm-config ConfigMap, projected volumes, volumeClaimTemplates, documents that are no Kubernetes
 * objects, old kinds, inputs named twice and ConfigMaps defined twice.
 */
class ManifestSourcesTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static ManifestCollector.Output scan(String... paths) {
        return new ManifestCollector(new ManifestCollector.Options(null, ManifestCollector.DEFAULT_MAX_FILE_BYTES))
                .collect(List.of(paths), List.of());
    }

    private static ManifestCollector.Output scan(Path... files) {
        return scan(Stream.of(files).map(Path::toString).toArray(String[]::new));
    }

    private static List<Invocation> etcd(ManifestCollector.Output out) {
        return out.invocations().stream().filter(i -> i.component() == Component.ETCD).toList();
    }

    private static Invocation onlyEtcd(ManifestCollector.Output out) {
        assertThat(out.findings()).as("findings").isEmpty();
        List<Invocation> etcd = etcd(out);
        assertThat(etcd).hasSize(1);
        return etcd.get(0);
    }

    /** 1-based line and column of the first occurrence of {@code needle} in {@code text}. */
    private record Pos(int line, int column) {}

    private static Pos at(String text, String needle) {
        int i = text.indexOf(needle);
        assertThat(i).as("'%s' in the test document", needle).isNotNegative();
        int line = 1 + (int) text.substring(0, i).chars().filter(c -> c == '\n').count();
        return new Pos(line, i - (text.lastIndexOf('\n', i - 1) + 1) + 1);
    }

    private static Arg flagArg(Invocation inv, String flag) {
        List<Arg> args = inv.argv().stream().filter(a -> a.value().startsWith("--" + flag + "=")).toList();
        assertThat(args).as("--%s", flag).hasSize(1);
        return args.get(0);
    }

    private static String text(Lookup lookup) {
        assertThat(lookup).isInstanceOf(Lookup.Content.class);
        return new String(((Lookup.Content) lookup).bytes(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- config file in a ConfigMap: exact columns

    private static final String CONFIG_POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: etcd, namespace: db}
            spec:
              containers:
              - name: etcd
                command: [etcd, --config-file=/etc/etcd/etcd.conf.yml]
                volumeMounts:
                - {name: cfg, mountPath: /etc/etcd}
              volumes:
              - name: cfg
                configMap: {name: etcd-config}
            """;

    @Test
    void configFileInALiteralBlockHasTheFilesLineAndColumn() throws IOException {
        String cm = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: etcd-config
                  namespace: db
                data:
                    etcd.conf.yml: |
                        name: m1
                        listen-peer-urls: https://10.0.0.11:2380
                        peer-transport-security:
                          cert-file: /etc/etcd/pki/peer.crt
                          key-file: /etc/etcd/pki/peer.key
                """; // the block's text is indented by 8 columns
        Path cmFile = write("cm.yaml", cm);
        Invocation inv = onlyEtcd(scan(write("pod.yaml", CONFIG_POD), cmFile));
        List<String> problems = new ArrayList<>();
        EffectiveConfig config = ConfigResolver.resolve(inv, problems);
        assertThat(problems).isEmpty();
        assertThat(config.get("peer-cert-file").value()).isEqualTo("/etc/etcd/pki/peer.crt");
        Location l = ((Provenance.ConfigFile) config.get("peer-cert-file").provenance()).location();
        Pos expected = at(cm, "/etc/etcd/pki/peer.crt");
        assertThat(l.file()).isEqualTo(cmFile.toString());
        assertThat(l.line()).isEqualTo(expected.line());
        assertThat(l.column()).isEqualTo(expected.column());
        assertThat(l.label()).startsWith(cmFile + ":" + expected.line() + ":" + expected.column() + " ");
        Location name = ((Provenance.ConfigFile) config.get("name").provenance()).location();
        assertThat(name.line()).isEqualTo(at(cm, "m1").line());
        assertThat(name.column()).isEqualTo(at(cm, "m1").column());
    }

    @Test
    void configFileInAQuotedValueIsLocatedAtTheValue() throws IOException {
        String cm = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: etcd-config, namespace: db}
                data:
                  etcd.conf.yml: "name: m1\\nlisten-peer-urls: http://10.0.0.11:2380\\n"
                """;
        Invocation inv = onlyEtcd(scan(write("pod.yaml", CONFIG_POD), write("cm.yaml", cm)));
        EffectiveConfig config = ConfigResolver.resolve(inv, new ArrayList<>());
        // its lines are not the file's: every setting is at the value, with its line in the text
        Pos value = at(cm, "\"name: m1");
        for (String flag : List.of("name", "listen-peer-urls")) {
            Location l = ((Provenance.ConfigFile) config.get(flag).provenance()).location();
            assertThat(l.line()).as(flag).isEqualTo(value.line());
            assertThat(l.column()).as(flag).isEqualTo(value.column());
        }
        assertThat(((Provenance.ConfigFile) config.get("listen-peer-urls").provenance()).location().label())
                .endsWith("(/etc/etcd/etcd.conf.yml line 2)");
        // a value of one line is exact
        String one = cm.replace("\"name: m1\\nlisten-peer-urls: http://10.0.0.11:2380\\n\"", "'name: m1'");
        assertThat(one).isNotEqualTo(cm);
        Invocation single = onlyEtcd(scan(write("pod.yaml", CONFIG_POD), write("cm.yaml", one)));
        Location name = ((Provenance.ConfigFile) ConfigResolver.resolve(single, new ArrayList<>()).get("name")
                .provenance()).location();
        assertThat(name.line()).isEqualTo(at(one, "m1").line());
        assertThat(name.column()).isEqualTo(at(one, "m1").column());
    }

    // ---------------------------------------------------------------- kubeadm-config

    private static final String KUBEADM_CONFIG = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: kubeadm-config
              namespace: kube-system
            data:
              ClusterConfiguration: |
                apiServer:
                  extraArgs:
                    authorization-mode: Node,RBAC
                  timeoutForControlPlane: 4m0s
                apiVersion: kubeadm.k8s.io/v1beta2
                certificatesDir: /etc/kubernetes/pki
                clusterName: kubernetes
                controllerManager: {}
                dns: {}
                etcd:
                  local:
                    dataDir: /var/lib/etcd
                    extraArgs:
                      listen-peer-urls: http://10.0.0.11:2380
                imageRepository: registry.k8s.io
                kind: ClusterConfiguration
                kubernetesVersion: v1.27.4
                networking:
                  dnsDomain: cluster.local
                  serviceSubnet: 10.96.0.0/12
                scheduler: {}
              ClusterStatus: |
                apiEndpoints:
                  cp1:
                    advertiseAddress: 10.0.0.11
                    bindPort: 6443
                apiVersion: kubeadm.k8s.io/v1beta2
                kind: ClusterStatus
            """;

    @Test
    void kubeadmConfigConfigMapIsReadAsItsClusterConfigurationWithTheFilesLocations() throws IOException {
        Path file = write("kubeadm-config.yaml", KUBEADM_CONFIG);
        ManifestCollector.Output out = scan(file);
        Invocation inv = onlyEtcd(out);
        assertThat(out.invocations()).extracting(Invocation::component)
                .containsExactlyInAnyOrder(Component.ETCD, Component.KUBE_APISERVER);
        // kubeadm's defaults, overridden by etcd.local.extraArgs
        assertThat(flagArg(inv, "peer-cert-file").value()).isEqualTo("--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt");
        Arg peer = flagArg(inv, "listen-peer-urls");
        assertThat(peer.value()).isEqualTo("--listen-peer-urls=http://10.0.0.11:2380");
        Pos expected = at(KUBEADM_CONFIG, "http://10.0.0.11:2380");
        assertThat(peer.location().file()).isEqualTo(file.toString());
        assertThat(peer.location().line()).isEqualTo(expected.line());
        assertThat(peer.location().column()).isEqualTo(expected.column());
        // ClusterStatus names the node and its address
        assertThat(flagArg(inv, "name").value()).isEqualTo("--name=cp1");
        assertThat(flagArg(inv, "initial-advertise-peer-urls").value())
                .isEqualTo("--initial-advertise-peer-urls=https://10.0.0.11:2380");
        Target.Manifest t = (Target.Manifest) inv.target();
        assertThat(t.file()).isEqualTo(file.toString());
        assertThat(t.document()).isZero();
        assertThat(t.line()).isEqualTo(at(KUBEADM_CONFIG, "    local:").line() + 1); // at etcd.local's first key
    }

    @Test
    void kubeadmConfigWithExternalEtcdIsAFindingAndKubeApiserver() throws IOException {
        String text = KUBEADM_CONFIG.replace("local:\n        dataDir: /var/lib/etcd\n        extraArgs:\n"
                + "          listen-peer-urls: http://10.0.0.11:2380\n", "external:\n        caFile: /etc/kubernetes/pki/etcd/ca.crt\n"
                + "        certFile: /etc/kubernetes/pki/apiserver-etcd-client.crt\n"
                + "        keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key\n"
                + "        endpoints:\n        - https://10.0.0.21:2379\n");
        assertThat(text).isNotEqualTo(KUBEADM_CONFIG);
        ManifestCollector.Output out = scan(write("kc.yaml", text));
        assertThat(out.invocations()).extracting(Invocation::component).containsExactly(Component.KUBE_APISERVER);
        assertThat(flagArg(out.invocations().get(0), "etcd-servers").value()).isEqualTo("--etcd-servers=https://10.0.0.21:2379");
        assertThat(out.findings()).extracting(SourceFinding::kind).containsExactly(SourceFinding.Kind.EXTERNAL_ETCD);
    }

    @Test
    void configMapsInAListAreReadLikeConfigMapsByThemselves() throws IOException {
        // kubectl -n kube-system get cm -o yaml: a List of every ConfigMap
        String list = "apiVersion: v1\nkind: List\nitems:\n"
                + ("- " + KUBEADM_CONFIG.indent(2).substring(2)).stripTrailing() + "\n"
                + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: etcd-config, namespace: db}\n  data:\n"
                + "    etcd.conf.yml: |\n      name: listed\n";
        Path file = write("list.yaml", list);
        ManifestCollector.Output out = scan(write("pod.yaml", CONFIG_POD), file);
        assertThat(out.findings()).isEmpty();
        List<Invocation> etcd = etcd(out);
        assertThat(etcd).hasSize(2);
        Invocation kubeadm = etcd.stream().filter(i -> ((Target.Manifest) i.target()).file().equals(file.toString()))
                .findFirst().orElseThrow();
        Arg peer = flagArg(kubeadm, "listen-peer-urls");
        Pos expected = at(list, "http://10.0.0.11:2380");
        assertThat(peer.location().line()).isEqualTo(expected.line());
        assertThat(peer.location().column()).isEqualTo(expected.column());
        Invocation pod = etcd.stream().filter(i -> i != kubeadm).findFirst().orElseThrow();
        assertThat(text(pod.files().lookup("/etc/etcd/etcd.conf.yml"))).isEqualTo("name: listed\n");
    }

    @Test
    void kubeadmConfigAsJsonPutsEveryLocationAtTheValue() throws IOException {
        String json = """
                {"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
                 "data": {
                  "ClusterConfiguration": "apiVersion: kubeadm.k8s.io/v1beta3\\nkind: ClusterConfiguration\\netcd:\\n  local:\\n    extraArgs:\\n      listen-peer-urls: http://10.0.0.11:2380\\n"
                 }}
                """;
        Path file = write("kubeadm-config.json", json);
        Invocation inv = onlyEtcd(scan(file));
        Arg peer = flagArg(inv, "listen-peer-urls");
        assertThat(peer.value()).isEqualTo("--listen-peer-urls=http://10.0.0.11:2380");
        Pos value = at(json, "\"apiVersion: kubeadm");
        assertThat(peer.location().line()).isEqualTo(value.line());
        assertThat(peer.location().column()).isEqualTo(value.column());
        assertThat(peer.location().label()).contains("etcd.local.extraArgs.listen-peer-urls at line 6 of ConfigMap"
                + " kube-system/kubeadm-config data.ClusterConfiguration");
        assertThat(((Target.Manifest) inv.target()).line()).isEqualTo(value.line());
    }

    @Test
    void kubeadmConfigThatIsNoClusterConfigurationIsAFinding() throws IOException {
        ManifestCollector.Output out = scan(write("kc.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: kubeadm-config, namespace: kube-system}
                data:
                  ClusterConfiguration: |
                    kind: Something
                    etcd: {}
                """));
        assertThat(out.invocations()).isEmpty();
        assertThat(out.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(SourceFinding.Kind.UNREADABLE_INPUT);
            assertThat(f.message()).contains("data.ClusterConfiguration").contains("not a kubeadm ClusterConfiguration");
        });
        // kubeadm before 1.12 kept a MasterConfiguration there
        ManifestCollector.Output master = scan(write("master.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: kubeadm-config, namespace: kube-system}
                data:
                  MasterConfiguration: |
                    apiVersion: kubeadm.k8s.io/v1alpha2
                    kind: MasterConfiguration
                """));
        assertThat(master.invocations()).isEmpty();
        assertThat(master.findings()).singleElement().satisfies(f -> assertThat(f.message()).contains("MasterConfiguration")
                .contains("does not evaluate"));
        // a ClusterStatus that cannot be read names no node; the ClusterConfiguration is still evaluated
        Invocation noStatus = onlyEtcd(scan(write("nostatus.yaml",
                KUBEADM_CONFIG.replace("kind: ClusterStatus", "kind: Other"))));
        assertThat(flagArg(noStatus, "name").value()).isEqualTo("--name=node");
        // a ConfigMap of that name in another namespace is no kubeadm configuration
        assertThat(scan(write("other.yaml", KUBEADM_CONFIG.replace("namespace: kube-system", "namespace: default")))
                .invocations()).isEmpty();
    }

    @Test
    void clusterStatusWithSeveralNodesIsAClusterHint() throws IOException {
        String text = KUBEADM_CONFIG.replace("""
                      cp1:
                        advertiseAddress: 10.0.0.11
                        bindPort: 6443
                """, """
                      cp1: {advertiseAddress: 10.0.0.11, bindPort: 6443}
                      cp2: {advertiseAddress: 10.0.0.12, bindPort: 6443}
                """);
        assertThat(text).isNotEqualTo(KUBEADM_CONFIG);
        Invocation inv = onlyEtcd(scan(write("kc.yaml", text)));
        assertThat(inv.clusterHint()).contains("2 control-plane nodes").contains("cp1, cp2");
    }

    // ---------------------------------------------------------------- projected volumes

    private static final String PROJECTED_POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: etcd, namespace: db}
            spec:
              containers:
              - name: etcd
                command: [etcd]
                volumeMounts:
                - {name: all, mountPath: /etc/etcd}
              volumes:
              - name: all
                projected:
                  sources:
                  - configMap:
                      name: etcd-config
                      items:
                      - {key: etcd.conf.yml, path: conf/etcd.yaml}
                  - configMap:
                      name: more-config
                  - configMap:
                      name: absent-config
                      items:
                      - {key: x, path: absent.yaml}
                  - secret:
                      name: etcd-peer
                      items:
                      - {key: tls.crt, path: pki/peer.crt}
                  - downwardAPI:
                      items:
                      - path: labels
                        fieldRef: {fieldPath: metadata.labels}
                  - serviceAccountToken: {path: token, audience: etcd}
            """;

    private static final String PROJECTED_CMS = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: etcd-config, namespace: db}
            data:
              etcd.conf.yml: |
                name: m1
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: more-config, namespace: db}
            data:
              extra.yaml: "x: 1"
            """;

    @Test
    void projectedVolumesResolveEachSource() throws IOException {
        Invocation inv = onlyEtcd(scan(write("pod.yaml", PROJECTED_POD), write("cms.yaml", PROJECTED_CMS)));
        assertThat(text(inv.files().lookup("/etc/etcd/conf/etcd.yaml"))).isEqualTo("name: m1\n");
        assertThat(text(inv.files().lookup("/etc/etcd/extra.yaml"))).isEqualTo("x: 1");
        assertThat(inv.files().lookup("/etc/etcd/absent.yaml")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isFalse();
            assertThat(e.reason()).contains("db/absent-config").contains("not among the scanned files");
        });
        assertThat(inv.files().lookup("/etc/etcd/pki/peer.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isFalse();
            assertThat(e.reason()).contains("Secret etcd-peer").contains("not read from manifests");
        });
        assertThat(inv.files().lookup("/etc/etcd/labels")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.reason()).contains("downward API"));
        assertThat(inv.files().lookup("/etc/etcd/token")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.reason()).contains("service-account token"));
        // nothing projects this path: etcd would not find it
        assertThat(inv.files().lookup("/etc/etcd/pki/ca.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isTrue();
            assertThat(e.reason()).contains("projected volume all").contains("no source");
        });
    }

    @Test
    void projectedSecretsAndUnscannedConfigMapsWithoutItemsMayHoldAnyFile() throws IOException {
        String pod = PROJECTED_POD.replace("\n          items:\n          - {key: tls.crt, path: pki/peer.crt}", "");
        assertThat(pod).isNotEqualTo(PROJECTED_POD);
        Invocation inv = onlyEtcd(scan(write("pod.yaml", pod))); // no ConfigMap scanned
        assertThat(inv.files().lookup("/etc/etcd/pki/ca.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isFalse();
            assertThat(e.reason()).contains("db/more-config").contains("Secret etcd-peer");
        });
    }

    // ---------------------------------------------------------------- volumeClaimTemplates, PetSet

    private static String statefulSet(String kind, String claims) {
        return """
                apiVersion: apps/v1
                kind: %s
                metadata: {name: etcd, namespace: db}
                spec:
                  replicas: 3
                  template:
                    spec:
                      containers:
                      - name: etcd
                        command: [etcd, --data-dir=/var/lib/etcd, --peer-cert-file=/var/lib/etcd/pki/peer.crt]
                        volumeMounts:
                        - {name: data, mountPath: /var/lib/etcd}
                %s""".formatted(kind, claims);
    }

    private static final String CLAIMS = """
              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
            """;

    @Test
    void volumeClaimTemplatesAreVolumesOfThePod() throws IOException {
        Invocation inv = onlyEtcd(scan(write("sts.yaml", statefulSet("StatefulSet", CLAIMS))));
        assertThat(inv.files().lookup("/var/lib/etcd/pki/peer.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class, e -> {
            assertThat(e.suspicious()).isFalse();
            assertThat(e.reason()).contains("volume data").contains("volumeClaimTemplates");
        });
        // without the template the mount names no volume: etcd's pod would not even start
        Invocation without = onlyEtcd(scan(write("bare.yaml", statefulSet("StatefulSet", ""))));
        assertThat(without.files().lookup("/var/lib/etcd/pki/peer.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.suspicious()).isTrue());
    }

    @Test
    void petSetIsReadLikeAStatefulSet() throws IOException {
        Invocation inv = onlyEtcd(scan(write("petset.yaml", statefulSet("PetSet", CLAIMS)
                .replace("apps/v1", "apps/v1alpha1"))));
        assertThat(((Target.Manifest) inv.target()).resource()).isEqualTo("PetSet/db/etcd");
        assertThat(inv.clusterHint()).isEqualTo("PetSet with replicas: 3");
        assertThat(inv.files().lookup("/var/lib/etcd/pki/peer.crt")).isInstanceOfSatisfying(Lookup.Elsewhere.class,
                e -> assertThat(e.suspicious()).isFalse());
    }

    @Test
    void scheduledJobIsReadLikeACronJob() throws IOException {
        Invocation inv = onlyEtcd(scan(write("sj.yaml", """
                apiVersion: batch/v2alpha1
                kind: ScheduledJob
                metadata: {name: defrag, namespace: db}
                spec:
                  schedule: '@daily'
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers:
                          - name: etcd
                            command: [etcd, --name=x]
                """)));
        assertThat(((Target.Manifest) inv.target()).resource()).isEqualTo("ScheduledJob/db/defrag");
    }

    // ---------------------------------------------------------------- documents that are no Kubernetes objects

    @Test
    void podSpecsWithoutKindAreEvaluatedAsPodTemplatesWithAWarning() throws IOException {
        String containers = """
                containers:
                - name: etcd
                  command: [etcd, --listen-peer-urls=http://10.0.0.11:2380]
                """;
        String indented2 = containers.indent(2);
        String indented6 = containers.indent(6);
        Path file = write("snippets.yaml", String.join("---\n",
                containers, // a chart's values or a pod spec by itself
                "metadata: {name: p, namespace: db}\nspec:\n" + indented2, // a pod without kind and apiVersion
                "spec:\n  template:\n    spec:\n" + indented6, // a workload without kind
                "containers:\n- name: web\n  command: [nginx]\n")); // runs no etcd
        ManifestCollector.Output out = scan(file);
        assertThat(out.findings()).isEmpty();
        List<Invocation> etcd = etcd(out);
        assertThat(etcd).hasSize(3);
        assertThat(etcd).allSatisfy(i -> assertThat(i.warnings())
                .anySatisfy(w -> assertThat(w).contains("not a Kubernetes object").contains("evaluated as a pod template")));
        assertThat(etcd).extracting(i -> ((Target.Manifest) i.target()).document()).containsExactly(0, 1, 2);
        assertThat(((Target.Manifest) etcd.get(1).target()).resource()).isEqualTo("(pod template)/db/p");
        // a Kubernetes object gives no such warning
        Invocation pod = onlyEtcd(scan(write("pod.yaml", CONFIG_POD)));
        assertThat(pod.warnings()).noneSatisfy(w -> assertThat(w).contains("not a Kubernetes object"));
    }

    // ---------------------------------------------------------------- inputs named twice

    @Test
    void aFileGivenTwiceOrThroughALinkOrItsDirectoryIsScannedOnce() throws IOException {
        Path pod = write("deploy/pod.yaml", CONFIG_POD);
        Path link = dir.resolve("link.yaml");
        Files.createSymbolicLink(link, pod);
        ManifestCollector.Output out = scan(dir.resolve("deploy").toString(), pod.toString(), pod.toString(),
                link.toString(), dir.resolve("deploy/../deploy/pod.yaml").toString());
        assertThat(out.files()).isEqualTo(1);
        assertThat(out.documents()).isEqualTo(1);
        assertThat(etcd(out)).singleElement()
                .satisfies(i -> assertThat(((Target.Manifest) i.target()).file()).isEqualTo(pod.toString()));
    }

    // ---------------------------------------------------------------- ConfigMaps defined twice

    @Test
    void aConfigMapDefinedInTwoFilesIsAWarningNamingBoth() throws IOException {
        String cm = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: etcd-config, namespace: db}
                data:
                  etcd.conf.yml: |
                    name: %s
                """;
        Path first = write("a/cm.yaml", cm.formatted("first"));
        Path second = write("b/cm.yaml", "# the same ConfigMap again\n" + cm.formatted("second"));
        Path other = write("c/cm.yaml", cm.formatted("other").replace("namespace: db", "namespace: elsewhere"));
        Path pod = write("pod.yaml", CONFIG_POD);
        Invocation inv = onlyEtcd(scan(pod, first, second, other));
        assertThat(inv.warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains("ConfigMap db/etcd-config").contains(first + ":1").contains(second + ":2")
                .contains("reads " + second + ":2"));
        assertThat(text(inv.files().lookup("/etc/etcd/etcd.conf.yml"))).isEqualTo("name: second\n");
        // the order given decides which one is read
        Invocation reversed = onlyEtcd(scan(pod, second, first));
        assertThat(text(reversed.files().lookup("/etc/etcd/etcd.conf.yml"))).isEqualTo("name: first\n");
        // a pod that does not use it gets no warning
        Invocation unrelated = onlyEtcd(scan(write("solo.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: solo, namespace: db}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd]
                """), first, second));
        assertThat(unrelated.warnings()).isEmpty();
    }
}
