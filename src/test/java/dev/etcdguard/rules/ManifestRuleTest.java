package dev.etcdguard.rules;

import static dev.etcdguard.rules.MemberFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Provenance;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd-peer-tls rule end to end on manifests: files collected by {@link ManifestCollector}, judged by
 * the built-in rules, certificate files (when a node root is given) issued by a real CA.
 */
class ManifestRuleTest {

    static final CertificateAuthority CA = CertificateAuthority.create("etcd-ca");

    @TempDir
    Path dir;

    private final List<RuleDocument> rules = RuleLoader.builtIn();

    // ---------------------------------------------------------------- fixture

    /** An etcd static pod of member cp1 (10.0.0.11) of a 3-member cluster, kubeadm style; flags can be changed. */
    private static final class Pod {
        final Map<String, String> flags = new LinkedHashMap<>();
        String kind = "Pod";
        int replicas = 1;
        String volumeMounts = """
                volumeMounts:
                - name: etcd-certs
                  mountPath: /etc/kubernetes/pki/etcd
                """;
        String volumes = """
                volumes:
                - name: etcd-certs
                  hostPath: {path: /etc/kubernetes/pki/etcd, type: DirectoryOrCreate}
                """;
        String env = "";

        Pod() {
            flags.put("name", "cp1");
            flags.put("listen-peer-urls", "https://10.0.0.11:2380");
            flags.put("initial-advertise-peer-urls", "https://10.0.0.11:2380");
            flags.put("initial-cluster", "cp1=https://10.0.0.11:2380,cp2=https://10.0.0.12:2380,cp3=https://10.0.0.13:2380");
            flags.put("peer-cert-file", "/etc/kubernetes/pki/etcd/peer.crt");
            flags.put("peer-key-file", "/etc/kubernetes/pki/etcd/peer.key");
            flags.put("peer-trusted-ca-file", "/etc/kubernetes/pki/etcd/ca.crt");
            flags.put("peer-client-cert-auth", "true");
        }

        Pod flag(String name, String value) {
            if (value == null) {
                flags.remove(name);
            } else {
                flags.put(name, value);
            }
            return this;
        }

        String yaml() {
            StringBuilder container = new StringBuilder("- name: etcd\n  image: registry.k8s.io/etcd:3.5.15-0\n  command:\n  - etcd\n");
            flags.forEach((k, v) -> container.append("  - --").append(k).append('=').append(v).append('\n'));
            container.append(indent(volumeMounts, 2)).append(indent(env, 2));
            String spec = "containers:\n" + container + volumes;
            String header = "apiVersion: v1\nkind: " + kind + "\nmetadata: {name: etcd-cp1, namespace: kube-system}\n";
            if (kind.equals("Pod")) {
                return header + "spec:\n" + indent(spec, 2);
            }
            return header + "spec:\n  replicas: " + replicas + "\n  serviceName: etcd\n  selector: {matchLabels: {app: etcd}}\n"
                    + "  template:\n    metadata: {labels: {app: etcd}}\n    spec:\n" + indent(spec, 6);
        }
    }

    private static String indent(String block, int spaces) {
        StringBuilder out = new StringBuilder();
        block.lines().forEach(l -> out.append(l.isEmpty() ? "" : " ".repeat(spaces)).append(l).append('\n'));
        return out.toString();
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private ManifestCollector.Output collect(Path nodeRoot, Path... files) {
        return new ManifestCollector(new ManifestCollector.Options(nodeRoot, ManifestCollector.DEFAULT_MAX_FILE_BYTES))
                .collect(Stream.of(files).map(Path::toString).toList(), List.of());
    }

    /** The etcd-peer-tls result of the only etcd member in {@code files}. */
    private Result peerTls(Path nodeRoot, Path... files) {
        ManifestCollector.Output out = collect(nodeRoot, files);
        assertThat(out.findings()).as("findings").isEmpty();
        List<Invocation> etcd = out.invocations().stream().filter(i -> i.component() == Component.ETCD).toList();
        assertThat(etcd).hasSize(1);
        return peerTls(etcd.get(0));
    }

    private Result peerTls(Invocation invocation) {
        return new Evaluator(rules, EvaluationOptions.defaults()).evaluate(invocation).stream()
                .filter(r -> r.rule().id().equals("etcd-peer-tls")).findFirst().orElseThrow();
    }

    private Result peerTls(Pod pod) throws IOException {
        return peerTls(null, write("etcd.yaml", pod.yaml()));
    }

    /** A node root with kubeadm's etcd PKI: peer certificate for {@code spec}, key (mode 0600) and CA. */
    private Path nodeRoot(LeafSpec spec) {
        Path root = dir.resolve("node");
        Path pki = root.resolve("etc/kubernetes/pki/etcd");
        try {
            Files.createDirectories(pki);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var issued = CA.issue(spec);
        issued.writeCertificate(pki.resolve("peer.crt"));
        issued.writePrivateKey(pki.resolve("peer.key"), KeyFormat.PKCS8);
        CA.writeCertificate(pki.resolve("ca.crt"));
        return root;
    }

    private static final List<String> FILE_CHECKS = List.of("peer-files-readable", "peer-cert-parses", "peer-key-parses",
            "peer-key-matches-cert", "peer-cert-validity", "peer-cert-eku", "peer-cert-san", "peer-cert-signature", "peer-cert-chain");

    // ---------------------------------------------------------------- a configuration etcd refuses to start with

    private List<Result> all(Pod pod) throws IOException {
        ManifestCollector.Output out = collect(null, write("etcd.yaml", pod.yaml()));
        return new Evaluator(rules, EvaluationOptions.defaults()).evaluate(out.invocations().get(0));
    }

    private static Result byId(List<Result> results, String id) {
        return results.stream().filter(r -> r.rule().id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aManifestEtcdRefusesToStartWithFailsEveryRuleThatApplies() throws IOException {
        Pod pod = new Pod();
        pod.env = """
                env:
                - name: ETCD_PEER_CERT_FILE
                  value: /etc/kubernetes/pki/etcd/other.crt
                """;
        List<Result> results = all(pod);
        Result peer = byId(results, "etcd-peer-tls");
        assertThat(peer.status()).isEqualTo(Status.FAIL);
        CheckResult consistent = check(peer, "config-consistent");
        assertThat(consistent.status()).as("not the document's on-fail WARN").isEqualTo(Status.FAIL);
        assertThat(consistent.message()).contains("etcd refuses to start with this configuration: conflicting environment"
                + " variable ETCD_PEER_CERT_FILE").contains("the container would crash-loop");
        // rules that do not compose config-consistent get the reason as a check of their own
        for (String id : List.of("etcd-client-tls", "etcd-auto-tls-off", "etcd-peer-auto-tls-off")) {
            Result r = byId(results, id);
            assertThat(r.status()).as(id).isEqualTo(Status.FAIL);
            assertThat(check(r, "starts").message()).contains("ETCD_PEER_CERT_FILE", "crash-loop");
            assertThat(check(r, "starts").evidence()).allMatch(e -> e instanceof Evidence.Issue i && i.issue().fatal());
        }
        // a rule that does not apply stays NOT_APPLICABLE (a manifest outside a static-pod directory has no file mode)
        assertThat(byId(results, "etcd-pod-spec-permissions").status()).isEqualTo(Status.NOT_APPLICABLE);

        // an unknown flag stops etcd too
        List<Result> typo = all(new Pod().flag("peer-cert-fle", "/etc/kubernetes/pki/etcd/peer.crt"));
        assertThat(check(byId(typo, "etcd-auto-tls-off"), "starts").message())
                .contains("flag provided but not defined: -peer-cert-fle");
        // without a fatal issue no rule gets the check
        assertThat(all(new Pod())).allSatisfy(r -> assertThat(r.checks()).noneMatch(c -> c.id().equals("starts")));
    }

    @Test
    void aLoneMemberRefusedToStartStaysNotApplicableForClusterRules() throws IOException {
        Pod pod = new Pod().flag("initial-cluster", "cp1=https://10.0.0.11:2380").flag("bogus-flag", "1");
        List<Result> results = all(pod);
        assertThat(byId(results, "etcd-peer-tls").status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(byId(results, "etcd-client-tls").status()).isEqualTo(Status.FAIL);
        assertThat(check(byId(results, "etcd-client-tls"), "starts").message()).contains("bogus-flag");
    }

    // ---------------------------------------------------------------- settings

    @Test
    void certificateFlagsWithHttpPeerUrlsFail() throws IOException {
        Result r = peerTls(new Pod().flag("listen-peer-urls", "http://10.0.0.11:2380"));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-cert-key-set").status()).isEqualTo(Status.PASS);
        CheckResult urls = check(r, "peer-urls-https");
        assertThat(urls.status()).isEqualTo(Status.FAIL);
        assertThat(urls.message()).contains("listen-peer-urls is http://10.0.0.11:2380")
                .contains("ignores the certificate on an http listener");
        assertThat(r.checks()).filteredOn(c -> c.status() == Status.FAIL).extracting(CheckResult::id)
                .containsExactly("peer-urls-https");
        // the failing flag is located in the manifest
        Resolved listen = ((Evidence.Setting) urls.evidence().get(0)).resolved();
        assertThat(listen.provenance()).isInstanceOfSatisfying(Provenance.Flag.class, f -> {
            assertThat(f.location().file()).isEqualTo(dir.resolve("etcd.yaml").toString());
            assertThat(f.location().label()).contains("command[2]");
        });
        Target.Manifest t = (Target.Manifest) r.target();
        assertThat(t.member()).isEqualTo("cp1");
        assertThat(t.resource()).isEqualTo("Pod/kube-system/etcd-cp1");
    }

    @Test
    void aLonePodIsNotApplicableSayingWhatItRestsOn() throws IOException {
        Pod pod = new Pod().flag("initial-cluster", "cp1=http://10.0.0.11:2380").flag("listen-peer-urls", "http://10.0.0.11:2380");
        Result alone = peerTls(pod);
        assertThat(alone.status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(alone.checks()).extracting(CheckResult::id).containsExactly("cluster-membership");
        assertThat(check(alone, "cluster-membership").message()).contains("alone by its configuration",
                "initial-cluster is read only at a member's first start", "etcdctl member add",
                "rests on the manifest's configuration", "a node scan (etcdguard scan --host) reads the real membership");
    }

    @Test
    void replicasOfAMemberConfiguredAloneAreUnconnectedMembersNotACluster() throws IOException {
        Pod pod = new Pod().flag("initial-cluster", "cp1=http://10.0.0.11:2380").flag("listen-peer-urls", "http://10.0.0.11:2380");
        pod.kind = "StatefulSet";
        pod.replicas = 3;
        Result sts = peerTls(pod);
        assertThat(sts.status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(check(sts, "cluster-membership").status()).isEqualTo(Status.NOT_APPLICABLE);
        CheckResult note = check(sts, "independent-members");
        assertThat(note.status()).isEqualTo(Status.WARN);
        assertThat(note.message()).contains("StatefulSet with replicas: 3 runs several members",
                "unconnected single-member etcds, not one cluster");

        pod.flag("initial-cluster", null); // etcd derives a one-member initial-cluster from name and advertised URLs
        Result derived = peerTls(pod);
        assertThat(derived.status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(check(derived, "independent-members").status()).isEqualTo(Status.WARN);

        pod.kind = "DaemonSet";
        assertThat(check(peerTls(pod), "independent-members").message()).contains("a DaemonSet runs a member");

        pod.kind = "StatefulSet";
        pod.replicas = 1;
        Result one = peerTls(pod);
        assertThat(one.status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(one.checks()).extracting(CheckResult::id).containsExactly("cluster-membership");
    }

    @Test
    void replicasCountWhenTheConfigurationDoesNotProveAMemberAlone() throws IOException {
        Pod pod = new Pod().flag("listen-peer-urls", "http://10.0.0.11:2380");
        pod.kind = "StatefulSet";
        pod.replicas = 3;
        Result listed = peerTls(pod); // the fixture's three-member initial-cluster
        assertThat(check(listed, "cluster-membership").status()).isEqualTo(Status.PASS);
        assertThat(check(listed, "cluster-membership").message()).contains("3-member cluster by its initial-cluster");
        assertThat(listed.status()).isEqualTo(Status.FAIL);
        assertThat(check(listed, "peer-urls-https").status()).isEqualTo(Status.FAIL);

        pod.flag("name", "$(POD_NAME)").flag("initial-cluster", "$(POD_NAME)=http://$(POD_NAME).etcd:2380");
        pod.env = "env:\n- name: POD_NAME\n  valueFrom: {fieldRef: {fieldPath: metadata.name}}\n";
        // $(POD_NAME) is the pod's own name (<name>-0 for the first pod): each pod lists only itself, so the three
        // pods are three unconnected single-member etcds
        Result templated = peerTls(pod);
        assertThat(check(templated, "cluster-membership").status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(check(templated, "independent-members").status()).isEqualTo(Status.WARN);
        assertThat(templated.status()).isEqualTo(Status.NOT_APPLICABLE);

        // a value this scan cannot know (the pod's IP) keeps the member judged as a cluster member
        pod.flag("initial-cluster", "$(POD_NAME)=http://$(POD_IP):2380,b=http://b:2380");
        pod.env = "env:\n- name: POD_NAME\n  valueFrom: {fieldRef: {fieldPath: metadata.name}}\n"
                + "- name: POD_IP\n  valueFrom: {fieldRef: {fieldPath: status.podIP}}\n";
        Result unknown = peerTls(pod);
        assertThat(check(unknown, "cluster-membership").status()).isEqualTo(Status.PASS);
        assertThat(unknown.status()).isEqualTo(Status.FAIL);
    }

    @Test
    void anInitialClusterFromASecretIsNotProofOfALoneMember() throws IOException {
        Pod pod = new Pod().flag("initial-cluster", null).flag("listen-peer-urls", "http://10.0.0.11:2380");
        pod.env = "env:\n- name: ETCD_INITIAL_CLUSTER\n  valueFrom: {secretKeyRef: {name: etcd-peers, key: peers}}\n";
        Result r = peerTls(pod);
        CheckResult membership = check(r, "cluster-membership");
        assertThat(membership.status()).isEqualTo(Status.PASS);
        assertThat(membership.message()).contains("initial-cluster is unknown to this scan");
        assertThat(check(r, "peer-urls-https").status()).isEqualTo(Status.FAIL);
        assertThat(r.status()).isEqualTo(Status.FAIL);
    }

    @Test
    void certificatesOutsideEveryVolumeMountWarn() throws IOException {
        Pod pod = new Pod();
        pod.volumeMounts = "";
        pod.volumes = "";
        Result r = peerTls(pod);
        CheckResult files = check(r, "peer-files-readable");
        assertThat(files.status()).isEqualTo(Status.WARN);
        assertThat(files.message()).contains("/etc/kubernetes/pki/etcd/peer.crt").contains("not inside any volumeMount");
        assertThat(r.status()).isEqualTo(Status.WARN);
    }

    @Test
    void certificatesInAHostPathWithoutANodeRootAreNotApplicable() throws IOException {
        Result r = peerTls(new Pod());
        assertThat(check(r, "peer-files-readable").status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(check(r, "peer-files-readable").message()).contains("--node-root");
        for (String id : FILE_CHECKS) {
            assertThat(check(r, id).status()).as(id).isEqualTo(Status.NOT_APPLICABLE);
        }
        assertThat(check(r, "peer-cert-key-set").status()).isEqualTo(Status.PASS);
        assertThat(check(r, "peer-urls-https").status()).isEqualTo(Status.PASS);
        assertThat(r.status()).as("decided by the settings").isEqualTo(Status.PASS);
    }

    // ---------------------------------------------------------------- certificate files under a node root

    @Test
    void withANodeRootEveryCheckPasses() throws IOException {
        Path root = nodeRoot(LeafSpec.peer("cp1", "10.0.0.11"));
        Result r = peerTls(root, write("etcd.yaml", new Pod().yaml()));
        assertThat(r.checks()).as("%s", r.checks()).extracting(CheckResult::status).containsOnly(Status.PASS);
        assertThat(r.status()).isEqualTo(Status.PASS);
        assertThat(r.checks()).extracting(CheckResult::id).containsAll(FILE_CHECKS);
        // evidence names the files as the container names them
        assertThat(check(r, "peer-cert-san").evidence()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
                Evidence.File.class, f -> assertThat(f.path()).isEqualTo("/etc/kubernetes/pki/etcd/peer.crt")));
    }

    @Test
    void withANodeRootAServerAuthOnlyCertificateFailsOnlyTheEkuCheck() throws IOException {
        Path root = nodeRoot(LeafSpec.peer("cp1", "10.0.0.11").withUsages("serverAuth"));
        Result r = peerTls(root, write("etcd.yaml", new Pod().yaml()));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.checks()).filteredOn(c -> c.status() != Status.PASS).extracting(CheckResult::id)
                .containsExactly("peer-cert-eku");
        assertThat(check(r, "peer-cert-eku").message()).contains("lacks clientAuth");
    }

    @Test
    void withANodeRootMissingFilesFail() throws IOException {
        Path root = Files.createDirectories(dir.resolve("empty-node"));
        Result r = peerTls(root, write("etcd.yaml", new Pod().yaml()));
        assertThat(check(r, "peer-files-readable").status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-files-readable").message()).contains("/etc/kubernetes/pki/etcd/peer.crt does not exist");
        assertThat(r.status()).isEqualTo(Status.FAIL);
    }

    // ---------------------------------------------------------------- config file in a ConfigMap

    private static final String CONFIG_MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: etcd-config
              namespace: kube-system
            data:
              etcd.conf.yml: |
                name: cp1
                listen-peer-urls: https://10.0.0.11:2380
                initial-advertise-peer-urls: https://10.0.0.11:2380
                initial-cluster: cp1=https://10.0.0.11:2380,cp2=https://10.0.0.12:2380
                peer-transport-security:
                  cert-file: /etc/kubernetes/pki/etcd/peer.crt
                  key-file: /etc/kubernetes/pki/etcd/peer.key
                  trusted-ca-file: /etc/kubernetes/pki/etcd/ca.crt
                  client-cert-auth: true
            """;

    private static Pod configFilePod() {
        Pod pod = new Pod();
        pod.flags.clear();
        pod.flag("config-file", "/etc/etcd/etcd.conf.yml");
        pod.volumeMounts += """
                - name: config
                  mountPath: /etc/etcd
                """;
        pod.volumes += """
                - name: config
                  configMap: {name: etcd-config}
                """;
        return pod;
    }

    @Test
    void configFileFromAConfigMapInAnotherFile() throws IOException {
        Path cm = write("config.yaml", CONFIG_MAP);
        Result r = peerTls(null, write("etcd.yaml", configFilePod().yaml()), cm);
        assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
        assertThat(check(r, "peer-urls-https").status()).isEqualTo(Status.PASS);
        CheckResult set = check(r, "peer-cert-key-set");
        assertThat(set.status()).isEqualTo(Status.PASS);
        Resolved cert = ((Evidence.Setting) set.evidence().get(0)).resolved();
        assertThat(cert.value()).isEqualTo("/etc/kubernetes/pki/etcd/peer.crt");
        assertThat(cert.provenance()).isInstanceOfSatisfying(Provenance.ConfigFile.class, p -> {
            assertThat(p.keyPath()).isEqualTo("peer-transport-security.cert-file");
            assertThat(p.location().file()).isEqualTo(cm.toString());
            assertThat(p.location().line()).isEqualTo(lineOf(CONFIG_MAP, "cert-file: /etc/kubernetes"));
        });
    }

    @Test
    void configFileFromAConfigMapWithCertificatesUnderANodeRoot() throws IOException {
        Path root = nodeRoot(LeafSpec.peer("cp1", "10.0.0.11"));
        Result r = peerTls(root, write("etcd.yaml", configFilePod().yaml()), write("config.yaml", CONFIG_MAP));
        assertThat(r.checks()).as("%s", r.checks()).extracting(CheckResult::status).containsOnly(Status.PASS);
    }

    @Test
    void configFileInAConfigMapThatIsNotScannedIsAnError() throws IOException {
        Result r = peerTls(configFilePod());
        assertThat(r.status()).isEqualTo(Status.ERROR);
        CheckResult readable = check(r, "evidence-readable");
        assertThat(readable.status()).isEqualTo(Status.ERROR);
        assertThat(readable.message()).contains("/etc/etcd/etcd.conf.yml").contains("kube-system/etcd-config")
                .contains("not among the scanned files");
    }

    private static int lineOf(String text, String needle) {
        int i = text.indexOf(needle);
        assertThat(i).isNotNegative();
        return (int) text.substring(0, i).chars().filter(c -> c == '\n').count() + 1;
    }

    // ---------------------------------------------------------------- kubeadm

    private static final String KUBEADM = """
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: InitConfiguration
            localAPIEndpoint: {advertiseAddress: 10.0.0.11}
            nodeRegistration: {name: cp1}
            ---
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: ClusterConfiguration
            controlPlaneEndpoint: k8s.example.com:6443
            etcd:
              local:
                dataDir: /var/lib/etcd
            """;

    @Test
    void kubeadmDefaultsPass() throws IOException {
        Result r = peerTls(null, write("kubeadm.yaml", KUBEADM));
        assertThat(check(r, "cluster-membership").message()).contains("controlPlaneEndpoint");
        assertThat(check(r, "peer-cert-key-set").status()).isEqualTo(Status.PASS);
        assertThat(check(r, "peer-urls-https").status()).isEqualTo(Status.PASS);
        assertThat(check(r, "peer-files-readable").status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(r.status()).isEqualTo(Status.PASS);
    }

    @Test
    void kubeadmDefaultsWithTheNodesPkiPassEveryCheck() throws IOException {
        Path root = nodeRoot(LeafSpec.peer("cp1", "10.0.0.11"));
        Result r = peerTls(root, write("kubeadm.yaml", KUBEADM));
        assertThat(r.checks()).as("%s", r.checks()).extracting(CheckResult::status).containsOnly(Status.PASS);
    }

    @Test
    void kubeadmExtraArgsWithHttpFail() throws IOException {
        String text = KUBEADM + """
                    extraArgs:
                      listen-peer-urls: http://10.0.0.11:2380
                """;
        Result r = peerTls(null, write("kubeadm.yaml", text));
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-urls-https").message()).contains("listen-peer-urls is http://10.0.0.11:2380");
        assertThat(check(r, "peer-cert-key-set").status()).isEqualTo(Status.PASS);
    }

    @Test
    void kubeadmAloneIsNotApplicable() throws IOException {
        Result r = peerTls(null, write("kubeadm.yaml", KUBEADM.replace("controlPlaneEndpoint: k8s.example.com:6443\n", "")));
        assertThat(r.status()).isEqualTo(Status.NOT_APPLICABLE);
    }

    // ---------------------------------------------------------------- incomplete evidence

    @Test
    void aCertificatePathFromASecretIsIncompleteEvidence() throws IOException {
        Pod pod = new Pod().flag("peer-cert-file", null);
        pod.env = """
                env:
                - name: ETCD_PEER_CERT_FILE
                  valueFrom:
                    secretKeyRef: {name: etcd-paths, key: cert}
                """;
        Result r = peerTls(pod);
        CheckResult complete = check(r, "evidence-complete");
        assertThat(complete.status()).isEqualTo(Status.WARN);
        assertThat(complete.message()).contains("ETCD_PEER_CERT_FILE").contains("secretKeyRef etcd-paths/cert");
        // without its value, the certificate is not set as far as anyone can tell
        assertThat(check(r, "peer-cert-key-set").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void environmentFromAConfigMapIsResolved() throws IOException {
        Pod pod = new Pod().flag("peer-cert-file", null).flag("peer-key-file", null);
        pod.env = """
                envFrom:
                - configMapRef: {name: etcd-env}
                """;
        Path cm = write("env.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: etcd-env, namespace: kube-system}
                data:
                  ETCD_PEER_CERT_FILE: /etc/kubernetes/pki/etcd/peer.crt
                  ETCD_PEER_KEY_FILE: /etc/kubernetes/pki/etcd/peer.key
                """);
        Result r = peerTls(null, write("etcd.yaml", pod.yaml()), cm);
        assertThat(r.status()).isEqualTo(Status.PASS);
        Resolved cert = ((Evidence.Setting) check(r, "peer-cert-key-set").evidence().get(0)).resolved();
        assertThat(cert.provenance()).isInstanceOfSatisfying(Provenance.Env.class,
                p -> assertThat(p.location().file()).isEqualTo(cm.toString()));
    }

    // ---------------------------------------------------------------- findings about the input

    @Test
    void findingsBecomeResults() throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        String pod = new Pod().yaml();
        write("manifests/etcd.yaml", pod);
        write("manifests/etcd.yaml.bak", pod);
        Path bad = write("bad.yaml", "kind: [\n");
        Path external = write("external.yaml", """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                etcd:
                  external: {endpoints: [https://10.0.0.50:2379]}
                """);
        ManifestCollector.Output out = new ManifestCollector(new ManifestCollector.Options(null,
                ManifestCollector.DEFAULT_MAX_FILE_BYTES)).collect(List.of(bad.toString(), external.toString()), List.of(manifests));
        List<Result> results = new ArrayList<>();
        for (SourceFinding f : out.findings()) {
            results.addAll(SourceFindings.toResults(f, rules));
        }
        assertThat(results).extracting(r -> r.rule().id() + " " + r.status()).containsExactlyInAnyOrder(
                "input-readable ERROR", "etcd-static-pod-unique FAIL",
                // an external etcd: every member rule is not applicable to this cluster's configuration
                "etcd-client-tls NOT_APPLICABLE", "etcd-client-cert-auth NOT_APPLICABLE", "etcd-auto-tls-off NOT_APPLICABLE",
                "etcd-peer-tls NOT_APPLICABLE", "etcd-peer-client-cert-auth NOT_APPLICABLE",
                "etcd-peer-auto-tls-off NOT_APPLICABLE", "etcd-data-dir-permissions NOT_APPLICABLE",
                "etcd-data-dir-ownership NOT_APPLICABLE", "etcd-unique-ca NOT_APPLICABLE",
                "etcd-pod-spec-permissions NOT_APPLICABLE", "etcd-pod-spec-ownership NOT_APPLICABLE",
                "etcd-peer-tls-hardening NOT_APPLICABLE", "etcd-client-tls-hardening NOT_APPLICABLE");
        Result dup = results.stream().filter(r -> r.rule().id().equals("etcd-static-pod-unique")).findFirst().orElseThrow();
        assertThat(dup.target()).isEqualTo(Target.Manifest.file(manifests.resolve("etcd.yaml.bak").toString()));
        Result input = results.stream().filter(r -> r.rule().id().equals("input-readable")).findFirst().orElseThrow();
        assertThat(input.checks()).singleElement().satisfies(c -> assertThat(c.message()).contains("not valid YAML"));
        // both static pods are still evaluated as members (and the external etcd's kube-apiserver is evaluated)
        assertThat(out.invocations()).extracting(Invocation::component)
                .containsExactlyInAnyOrder(Component.ETCD, Component.ETCD, Component.KUBE_APISERVER);
    }
}
