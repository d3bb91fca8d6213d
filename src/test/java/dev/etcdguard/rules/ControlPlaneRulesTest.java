package dev.etcdguard.rules;

import static dev.etcdguard.rules.MemberFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.collect.ClusterCa;
import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.collect.StaticPodFiles;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.sandbox.FakeProcfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-apiserver's etcd rules (client certificate, CA, https, encryption at rest) and the etcd pod spec file
 * rules 1.1.7/1.1.8: PASS, FAIL and NOT_APPLICABLE on processes and on manifests.
 *
 * <p>No kube-apiserver can run here (Debian has no package for it), so its process is a {@link FakeProcfs}
 * entry that the real collector reads; its certificate and encryption files are real files.
 */
class ControlPlaneRulesTest {

    private static final List<String> APISERVER_RULES = List.of("apiserver-etcd-client-tls", "apiserver-etcd-ca",
            "apiserver-etcd-servers-https", "apiserver-etcd-tls-hardening", "apiserver-encryption-config", "apiserver-encryption-providers");
    private static final String KEY = Base64.getEncoder().encodeToString(filled(32));
    private static final String THE_KEY_AS_TEXT = KEY.substring(0, 12);

    @TempDir
    Path dir;

    private Path cert;
    private Path key;
    private Path ca;
    private Path encryption;
    private int scans;

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 7);
        return b;
    }

    private static String encryptionConfig(String first) {
        return """
                apiVersion: apiserver.config.k8s.io/v1
                kind: EncryptionConfiguration
                resources:
                  - resources: [secrets]
                    providers:
                """ + first + """
                      - identity: {}
                """;
    }

    private static final String AESCBC = """
                  - aescbc:
                      keys:
                        - name: key1
                          secret: %s
            """.formatted(KEY);

    @BeforeEach
    void pki() throws IOException {
        cert = dir.resolve("apiserver-etcd-client.crt");
        key = dir.resolve("apiserver-etcd-client.key");
        ca = dir.resolve("etcd-ca.crt");
        encryption = dir.resolve("encryption.yaml");
        clientCertificate("clientAuth");
        MemberFixture.CA.writeCertificate(ca);
        Files.writeString(encryption, encryptionConfig(AESCBC));
    }

    private void clientCertificate(String... usages) {
        var issued = MemberFixture.CA.issue(LeafSpec.peer("kube-apiserver-etcd-client").withUsages(usages));
        issued.writeCertificate(cert);
        issued.writePrivateKey(key, KeyFormat.PKCS8);
    }

    private List<String> argv(String... replacing) {
        List<String> argv = new ArrayList<>(List.of("kube-apiserver", "--advertise-address=10.0.0.1",
                "--allow-privileged=true", "--authorization-mode", "Node,RBAC",
                "--etcd-servers=https://127.0.0.1:2379", "--etcd-certfile=" + cert, "--etcd-keyfile=" + key,
                "--etcd-cafile=" + ca, "--encryption-provider-config=" + encryption, "--secure-port", "6443"));
        for (String r : replacing) {
            String name = r.substring(0, r.indexOf('=') + 1);
            argv.removeIf(a -> a.startsWith(name));
            if (!r.endsWith("=")) {
                argv.add(r);
            }
        }
        return argv;
    }

    /** A kube-apiserver process in a fresh fake procfs, read by the real collector. */
    private Invocation apiServer(List<String> argv) throws IOException {
        FakeProcfs proc = new FakeProcfs(dir.resolve("proc" + ++scans));
        proc.addProcess(77, "/usr/local/bin/kube-apiserver", argv, Map.of("ETCD_CERT_FILE", "/not/read"), 0);
        return new ProcCollector(proc.root()).collect(Set.of()).get(0);
    }

    private static List<Result> evaluate(Invocation inv) {
        return new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()).evaluate(inv);
    }

    private static Result result(List<Result> results, String id) {
        return results.stream().filter(r -> r.rule().id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no result of " + id));
    }

    private Result evaluate(String ruleId, String... replacing) throws IOException {
        return result(evaluate(apiServer(argv(replacing))), ruleId);
    }

    @Test
    void aSoundApiServerPassesEveryApiServerRuleAndGetsNoEtcdRule() throws IOException {
        List<Result> results = evaluate(apiServer(argv()));
        assertThat(results).extracting(r -> r.rule().id()).containsExactlyElementsOf(APISERVER_RULES);
        for (Result r : results) {
            assertThat(r.status()).as(r.rule().id() + " " + r.checks()).isEqualTo(Status.PASS);
            assertThat(r.target().member()).isNull();
        }
        assertThat(check(result(results, "apiserver-encryption-providers"), "secrets-encrypted").message())
                .isEqualTo("Secrets are encrypted with aescbc");
    }

    @Test
    void etcdClientCertificate() throws IOException {
        Result unset = evaluate("apiserver-etcd-client-tls", "--etcd-certfile=", "--etcd-keyfile=");
        assertThat(unset.status()).isEqualTo(Status.FAIL);
        assertThat(check(unset, "etcd-client-cert-key-set").message()).isEqualTo("etcd-certfile and etcd-keyfile are not set");
        clientCertificate("serverAuth");
        Result serverOnly = evaluate("apiserver-etcd-client-tls");
        assertThat(serverOnly.status()).isEqualTo(Status.FAIL);
        assertThat(check(serverOnly, "etcd-client-cert-eku").message()).contains("etcd-certfile lacks clientAuth");
        clientCertificate("clientAuth");
        Files.writeString(key, "not a key");
        assertThat(check(evaluate("apiserver-etcd-client-tls"), "etcd-client-key-parses").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void etcdCa() throws IOException {
        Result unset = evaluate("apiserver-etcd-ca", "--etcd-cafile=");
        assertThat(unset.status()).isEqualTo(Status.FAIL);
        assertThat(check(unset, "etcd-cafile-set").message()).isEqualTo("etcd-cafile is not set");
        Files.writeString(ca, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Result garbage = evaluate("apiserver-etcd-ca");
        assertThat(garbage.status()).isEqualTo(Status.FAIL);
        assertThat(check(garbage, "etcd-cafile-parses").message()).contains("is not a usable CA bundle");
    }

    @Test
    void everyEtcdServerMustBeHttpsAndRepeatedFlagsAccumulate() throws IOException {
        List<String> argv = argv();
        argv.add("--etcd-servers=http://10.0.0.2:2379");
        Result r = result(evaluate(apiServer(argv)), "apiserver-etcd-servers-https");
        assertThat(r.status()).isEqualTo(Status.FAIL);
        CheckResult https = check(r, "etcd-servers-https");
        assertThat(https.message()).isEqualTo("etcd-servers is http://10.0.0.2:2379: kube-apiserver sends every object,"
                + " Secrets included, to etcd in plaintext");
        assertThat(((Evidence.Setting) https.evidence().get(0)).resolved().value())
                .isEqualTo("https://127.0.0.1:2379,http://10.0.0.2:2379");
        Result unset = evaluate("apiserver-etcd-servers-https", "--etcd-servers=");
        assertThat(check(unset, "etcd-servers-set").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void encryptionAtRest() throws IOException {
        Result noConfig = evaluate("apiserver-encryption-config", "--encryption-provider-config=");
        assertThat(noConfig.status()).isEqualTo(Status.FAIL);
        Result noProviders = evaluate("apiserver-encryption-providers", "--encryption-provider-config=");
        assertThat(check(noProviders, "secrets-encrypted").message()).contains("Secrets are written to etcd in plaintext");

        Files.writeString(encryption, encryptionConfig("      - identity: {}\n" + AESCBC));
        Result identity = evaluate("apiserver-encryption-providers");
        assertThat(identity.status()).isEqualTo(Status.FAIL);
        CheckResult first = check(identity, "secrets-encrypted");
        assertThat(first.message()).contains("the first provider for secrets is identity");
        assertThat(first.evidence()).anySatisfy(e -> assertThat(e).isEqualTo(
                new Evidence.File(encryption.toString(), "line 6: first provider for secrets: identity")));
        assertThat(first.toString()).doesNotContain(THE_KEY_AS_TEXT);

        Files.writeString(encryption, encryptionConfig(AESCBC.replace("aescbc", "aesgcm")));
        assertThat(evaluate("apiserver-encryption-providers").status()).isEqualTo(Status.WARN);

        Files.writeString(encryption, "kind: EncryptionConfiguration\napiVersion: apiserver.config.k8s.io/v1\nresources: [\n");
        Result broken = evaluate("apiserver-encryption-providers");
        assertThat(broken.status()).isEqualTo(Status.FAIL);
        assertThat(check(broken, "secrets-encrypted").message()).contains("kube-apiserver accepts (it refuses to start)");
    }

    @Test
    void singleDashFlagsStopKubeApiserverAndAreNotTakenAsSet() throws IOException {
        Result r = evaluate("apiserver-etcd-ca", "--etcd-cafile=", "-etcd-cafile=" + ca);
        assertThat(check(r, "etcd-cafile-set").status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "etcd-cafile-set").evidence()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
                Evidence.Issue.class, i -> assertThat(i.issue().message()).contains("write --etcd-cafile=")));
        Result refused = evaluate("apiserver-etcd-client-tls", "-etcd-cafile=" + ca);
        assertThat(check(refused, "config-consistent").status()).isEqualTo(Status.WARN);
        assertThat(check(refused, "config-consistent").message()).startsWith("kube-apiserver refuses to start with this"
                + " configuration: '-etcd-cafile=");
    }

    // ---------------------------------------------------------------- manifests

    private Path apiServerPod(Path manifests) throws IOException {
        Path node = dir.resolve("node");
        for (Path f : List.of(cert, key, ca, encryption)) {
            Path onNode = node.resolve("etc/kubernetes/pki").resolve(f.getFileName());
            Files.createDirectories(onNode.getParent());
            Files.copy(f, onNode);
        }
        Files.setPosixFilePermissions(node.resolve("etc/kubernetes/pki").resolve(key.getFileName()),
                PosixFilePermissions.fromString("rw-------"));
        Files.writeString(Files.createDirectories(manifests).resolve("kube-apiserver.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: kube-apiserver, namespace: kube-system}
                spec:
                  containers:
                  - name: kube-apiserver
                    command:
                    - kube-apiserver
                    - --etcd-servers=https://127.0.0.1:2379
                    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
                    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
                    - --etcd-cafile=/etc/kubernetes/pki/etcd-ca.crt
                    - --encryption-provider-config=/etc/kubernetes/pki/encryption.yaml
                    volumeMounts: [{name: pki, mountPath: /etc/kubernetes/pki, readOnly: true}]
                  volumes:
                  - {name: pki, hostPath: {path: /etc/kubernetes/pki}}
                """);
        return node;
    }

    private static List<Result> scanManifests(Path nodeRoot, List<String> paths, List<Path> staticPodDirs) {
        Evaluator evaluator = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults());
        return new ManifestCollector(new ManifestCollector.Options(nodeRoot, ManifestCollector.DEFAULT_MAX_FILE_BYTES))
                .collect(paths, staticPodDirs).invocations().stream().flatMap(i -> evaluator.evaluate(i).stream()).toList();
    }

    @Test
    void aKubeApiserverManifestItRefusesToStartWithFailsEveryRule() throws IOException {
        Path manifests = dir.resolve("manifests");
        Path node = apiServerPod(manifests);
        Path pod = manifests.resolve("kube-apiserver.yaml");
        Files.writeString(pod, Files.readString(pod).replace("- --etcd-cafile=", "- -etcd-cafile="));
        List<Result> results = scanManifests(node, List.of(), List.of(manifests));
        assertThat(results).extracting(r -> r.rule().id()).containsExactlyElementsOf(APISERVER_RULES);
        assertThat(results).allSatisfy(r -> assertThat(r.status()).as(r.rule().id()).isEqualTo(Status.FAIL));
        assertThat(check(result(results, "apiserver-etcd-client-tls"), "config-consistent").message())
                .startsWith("kube-apiserver refuses to start with this configuration: '-etcd-cafile=")
                .contains("the container would crash-loop");
        assertThat(check(result(results, "apiserver-etcd-servers-https"), "starts").message())
                .contains("-etcd-cafile=", "crash-loop");
    }

    @Test
    void apiServerStaticPodOnANodeRootPassesAndWithoutItTheFilesAreNotEvaluated() throws IOException {
        Path manifests = dir.resolve("manifests");
        Path node = apiServerPod(manifests);
        List<Result> onNode = scanManifests(node, List.of(), List.of(manifests));
        assertThat(onNode).extracting(r -> r.rule().id()).containsExactlyElementsOf(APISERVER_RULES);
        assertThat(onNode).allSatisfy(r -> assertThat(r.status()).as(r.rule().id() + " " + r.checks()).isEqualTo(Status.PASS));

        List<Result> shiftLeft = scanManifests(null, List.of(manifests.toString()), List.of());
        assertThat(result(shiftLeft, "apiserver-encryption-providers").status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(check(result(shiftLeft, "apiserver-etcd-client-tls"), "etcd-client-cert-parses").status())
                .isEqualTo(Status.NOT_APPLICABLE);
        assertThat(result(shiftLeft, "apiserver-etcd-servers-https").status()).isEqualTo(Status.PASS);
    }

    // ---------------------------------------------------------------- kubeadm

    @Test
    void kubeadmConfigurationGivesTheKubeApiserverKubeadmWrites() throws IOException {
        Path node = dir.resolve("kubeadm-node");
        Path pki = Files.createDirectories(node.resolve("etc/kubernetes/pki/etcd"));
        Files.copy(cert, pki.resolveSibling("apiserver-etcd-client.crt"));
        Files.copy(key, pki.resolveSibling("apiserver-etcd-client.key"));
        Files.setPosixFilePermissions(pki.resolveSibling("apiserver-etcd-client.key"), PosixFilePermissions.fromString("rw-------"));
        Files.copy(ca, pki.resolve("ca.crt"));
        Files.copy(encryption, Files.createDirectories(node.resolve("etc/kubernetes/enc")).resolve("config.yaml"));
        Path kubeadm = Files.writeString(dir.resolve("kubeadm.yaml"), """
                apiVersion: kubeadm.k8s.io/v1beta4
                kind: ClusterConfiguration
                apiServer:
                  extraArgs:
                  - {name: encryption-provider-config, value: /etc/kubernetes/enc/config.yaml}
                  extraVolumes:
                  - {name: enc, hostPath: /etc/kubernetes/enc, mountPath: /etc/kubernetes/enc, readOnly: true}
                """);
        List<Result> results = scanManifests(node, List.of(kubeadm.toString()), List.of());
        for (String id : APISERVER_RULES) {
            Result r = result(results, id);
            assertThat(r.status()).as(id + " " + r.checks()).isEqualTo(Status.PASS);
            assertThat(((dev.etcdguard.etcd.Target.Manifest) r.target()).container()).isEqualTo("kube-apiserver");
        }
        // without the extra arguments: kubeadm sets no encryption at rest
        Files.writeString(kubeadm, "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n");
        List<Result> plain = scanManifests(node, List.of(kubeadm.toString()), List.of());
        assertThat(result(plain, "apiserver-encryption-config").status()).isEqualTo(Status.FAIL);
        assertThat(result(plain, "apiserver-etcd-client-tls").status()).isEqualTo(Status.PASS);
        // an external etcd over http, as etcd.external gives it
        Files.writeString(kubeadm, """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                etcd:
                  external:
                    endpoints: [http://10.0.0.50:2379]
                """);
        List<Result> external = scanManifests(node, List.of(kubeadm.toString()), List.of());
        assertThat(check(result(external, "apiserver-etcd-servers-https"), "etcd-servers-https").message())
                .startsWith("etcd-servers is http://10.0.0.50:2379");
        assertThat(check(result(external, "apiserver-etcd-client-tls"), "etcd-client-cert-key-set").status())
                .isEqualTo(Status.FAIL);
    }

    // ---------------------------------------------------------------- etcd pod spec file (1.1.7, 1.1.8)

    private static String etcdPod(String name) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: etcd, namespace: kube-system}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd, --name=%s]
                """.formatted(name);
    }

    @Test
    void podSpecFileModeAndOwnerInAStaticPodDirectory() throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("static"));
        Path pod = Files.writeString(manifests.resolve("etcd.yaml"), etcdPod("cp1"));
        Files.setPosixFilePermissions(pod, PosixFilePermissions.fromString("rw-------"));
        List<Result> strict = scanManifests(null, List.of(), List.of(manifests));
        assertThat(result(strict, "etcd-pod-spec-permissions").status()).isEqualTo(Status.PASS);
        assertThat(result(strict, "etcd-pod-spec-ownership").status()).isEqualTo(Status.PASS);

        Files.setPosixFilePermissions(pod, PosixFilePermissions.fromString("rw-r--r--"));
        var users = pod.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(pod, users.lookupPrincipalByName("nobody"));
        Files.getFileAttributeView(pod, PosixFileAttributeView.class).setGroup(users.lookupPrincipalByGroupName("nogroup"));
        List<Result> loose = scanManifests(null, List.of(), List.of(manifests));
        assertThat(check(result(loose, "etcd-pod-spec-permissions"), "pod-spec-mode").message())
                .isEqualTo("static-pod file " + pod + " has mode 0644, wider than 0600");
        assertThat(check(result(loose, "etcd-pod-spec-ownership"), "pod-spec-owner").message())
                .startsWith("static-pod file " + pod + " is owned by nobody:nogroup, not root:root");

        // the same file given as a path (a Git checkout, say) has no mode kubelet would use
        List<Result> shiftLeft = scanManifests(null, List.of(pod.toString()), List.of());
        assertThat(result(shiftLeft, "etcd-pod-spec-permissions").status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(result(shiftLeft, "etcd-pod-spec-ownership").status()).isEqualTo(Status.NOT_APPLICABLE);
    }

    @Test
    void theBenchmarkVersionDecidesThePodSpecFileModeLimit() throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("static"));
        Path pod = Files.writeString(manifests.resolve("etcd.yaml"), etcdPod("cp1"));
        Files.setPosixFilePermissions(pod, PosixFilePermissions.fromString("rw-r--r--"));
        List<Invocation> invocations = new ManifestCollector(new ManifestCollector.Options(null,
                ManifestCollector.DEFAULT_MAX_FILE_BYTES)).collect(List.of(), List.of(manifests)).invocations();
        // CIS 1.20 asks for 644 or more restrictive, CIS 1.12 for 600 (kube-bench cfg/cis-1.20, cfg/cis-1.12)
        Result old = result(new Evaluator(RuleLoader.load(null, "cis-1.20"), EvaluationOptions.defaults())
                .evaluate(invocations.get(0)), "etcd-pod-spec-permissions");
        assertThat(old.status()).isEqualTo(Status.PASS);
        assertThat(old.rule().title()).endsWith("644 or more restrictive");
        assertThat(check(old, "pod-spec-mode").message()).isEqualTo("static-pod file " + pod + " has mode 0644");
        Result current = result(new Evaluator(RuleLoader.load(null, "cis-1.12"), EvaluationOptions.defaults())
                .evaluate(invocations.get(0)), "etcd-pod-spec-permissions");
        assertThat(current.status()).isEqualTo(Status.FAIL);
        assertThat(current.rule().title()).endsWith("600 or more restrictive");
        assertThat(check(current, "pod-spec-mode").message()).endsWith("has mode 0644, wider than 0600");
        // a group-writable file is wider than either limit
        Files.setPosixFilePermissions(pod, PosixFilePermissions.fromString("rw-rw-r--"));
        assertThat(result(new Evaluator(RuleLoader.load(null, "cis-1.20"), EvaluationOptions.defaults())
                .evaluate(invocations.get(0)), "etcd-pod-spec-permissions").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void aProcessGetsTheStaticPodFileThatRunsItByMemberName() throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("static"));
        Path pod = Files.writeString(manifests.resolve("etcd.yaml"), etcdPod("m1"));
        Files.setPosixFilePermissions(pod, PosixFilePermissions.fromString("rw-rw-rw-"));
        List<ResolvedInvocation> staticPods = ResolvedInvocation.all(new ManifestCollector(new ManifestCollector.Options(
                null, ManifestCollector.DEFAULT_MAX_FILE_BYTES)).collect(List.of(), List.of(manifests)).invocations());
        MemberFixture m1 = MemberFixture.tlsMember(Files.createDirectories(dir.resolve("m1")));
        ResolvedInvocation linked = StaticPodFiles.link(List.of(ResolvedInvocation.of(m1.invocation())), staticPods).get(0);
        assertThat(linked.invocation().podSpecFile()).isEqualTo(pod);
        List<Result> results = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()).evaluate(linked);
        assertThat(result(results, "etcd-pod-spec-permissions").status()).isEqualTo(Status.FAIL);
        assertThat(result(results, "etcd-pod-spec-ownership").status()).isEqualTo(Status.PASS);

        ResolvedInvocation other = StaticPodFiles.link(List.of(ResolvedInvocation.of(m1.flag("name", "m2").invocation())),
                staticPods).get(0);
        assertThat(other.invocation().podSpecFile()).isNull();
        Result none = result(new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()).evaluate(other),
                "etcd-pod-spec-permissions");
        assertThat(none.status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(check(none, "pod-spec-mode").message()).startsWith("no kubelet static-pod file runs this etcd here");
    }

    // ---------------------------------------------------------------- 2.7 with kube-apiserver's cluster CA

    @Test
    void theClusterCaComesFromKubeApiserversClientCaFile() throws IOException {
        List<String> argv = argv();
        argv.add("--client-ca-file=" + ca); // the cluster CA is etcd's CA: 2.7 must fail
        Invocation api = apiServer(argv);
        assertThat(ClusterCa.fromApiServer(List.of(ResolvedInvocation.of(api)))).isPresent();
        MemberFixture etcd = MemberFixture.tlsMember(Files.createDirectories(dir.resolve("etcd"))).withClientTls();
        Path clusterCa = ClusterCa.fromApiServer(ResolvedInvocation.all(List.of(etcd.invocation(), api))).orElseThrow();
        Result shared = etcd.evaluate(new EvaluationOptions(Instant.now(), 30, clusterCa), "etcd-unique-ca");
        assertThat(shared.status()).isEqualTo(Status.FAIL);
        assertThat(ClusterCa.fromApiServer(List.of(ResolvedInvocation.of(apiServer(argv()))))).isEmpty();
    }
}
