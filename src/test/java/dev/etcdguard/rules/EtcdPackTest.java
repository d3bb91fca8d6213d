package dev.etcdguard.rules;

import static dev.etcdguard.rules.MemberFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.etcd.SourceFinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd rules 2.1, 2.2, 2.3, 2.5 and 2.6: PASS, FAIL and NOT_APPLICABLE on a (fake-procfs) process,
 * and on manifests. Real etcd members are checked in HostScanIT.
 */
class EtcdPackTest {

    @TempDir
    Path dir;

    private int members;

    /** A member with correct peer and client TLS, in a directory of its own. */
    private MemberFixture member() throws IOException {
        return MemberFixture.tlsMember(Files.createDirectories(dir.resolve("member" + ++members))).withClientTls();
    }

    @Test
    void aFullyConfiguredMemberPassesEveryRule() throws IOException {
        MemberFixture m = member();
        for (String rule : List.of("etcd-client-tls", "etcd-client-cert-auth", "etcd-auto-tls-off", "etcd-peer-tls",
                "etcd-peer-client-cert-auth", "etcd-peer-auto-tls-off")) {
            Result r = m.evaluate(rule);
            assertThat(r.status()).as(rule + " " + r.checks()).isEqualTo(Status.PASS);
        }
    }

    @Test
    void clientTls21() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir); // peer TLS only
        Result none = m.evaluate("etcd-client-tls");
        assertThat(none.status()).isEqualTo(Status.FAIL);
        assertThat(check(none, "client-cert-key-set").message()).isEqualTo("cert-file and key-file are not set");
        assertThat(check(none, "client-urls-https").message())
                .contains("listen-client-urls is not set, so etcd uses its default http://localhost:2379");
        m.withClientTls().flag("listen-client-urls", "http://127.0.0.1:12379");
        Result http = m.evaluate("etcd-client-tls");
        assertThat(check(http, "client-cert-key-set").status()).isEqualTo(Status.PASS);
        assertThat(check(http, "client-urls-https").message()).contains("ignores the certificate on an http listener");
        m.flag("listen-client-urls", "https://127.0.0.1:12379").flag("advertise-client-urls", "https://10.7.7.7:2379");
        Result san = m.evaluate("etcd-client-tls");
        assertThat(check(san, "client-cert-san").status()).isEqualTo(Status.FAIL);
        assertThat(check(san, "client-cert-san").message()).contains("do not cover 10.7.7.7");
    }

    @Test
    void clientCertificateNeedsOnlyServerAuth() throws IOException {
        MemberFixture m = member();
        m.certificate(dev.etcdguard.pki.LeafSpec.peer("m1", "127.0.0.1").withUsages("serverAuth"));
        assertThat(check(m.evaluate("etcd-client-tls"), "client-cert-eku").status()).isEqualTo(Status.PASS);
        assertThat(check(m.evaluate("etcd-peer-tls"), "peer-cert-eku").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void clientCertAuth22() throws IOException {
        MemberFixture m = member().flag("client-cert-auth", null);
        CheckResult off = check(m.evaluate("etcd-client-cert-auth"), "client-cert-auth-enforced");
        assertThat(off.status()).isEqualTo(Status.FAIL);
        assertThat(off.message()).contains("client-cert-auth is not set")
                .contains("etcd still requires client certificates on its https listeners because trusted-ca-file is set")
                .doesNotContain("--probe"); // the probe asks peer ports only
        m.flag("trusted-ca-file", null);
        assertThat(check(m.evaluate("etcd-client-cert-auth"), "client-cert-auth-enforced").message())
                .contains("anyone who reaches the port is accepted");
        m.flag("trusted-ca-file", m.caFile.toString());
        m.flag("client-cert-auth", "true").flag("listen-client-urls", "https://127.0.0.1:12379,http://127.0.0.1:22379");
        CheckResult http = check(m.evaluate("etcd-client-cert-auth"), "client-cert-auth-enforced");
        assertThat(http.status()).isEqualTo(Status.FAIL);
        assertThat(http.message()).contains("true but not enforced").contains("http://127.0.0.1:22379");
        MemberFixture auto = new MemberFixture(Files.createDirectories(dir.resolve("auto")));
        auto.argv.addAll(List.of("etcd", "--auto-tls", "--client-cert-auth", "--listen-client-urls=https://127.0.0.1:2379"));
        CheckResult dropped = check(auto.evaluate("etcd-client-cert-auth"), "client-cert-auth-enforced");
        assertThat(dropped.status()).isEqualTo(Status.FAIL);
        assertThat(dropped.message()).contains("auto-tls provides the certificate");
    }

    @Test
    void autoTls23FromFlagEnvAndConfigFile() throws IOException {
        assertThat(member().evaluate("etcd-auto-tls-off").status()).isEqualTo(Status.PASS);
        assertThat(member().flag("auto-tls", "true").evaluate("etcd-auto-tls-off").status()).isEqualTo(Status.FAIL);
        MemberFixture env = new MemberFixture(Files.createDirectories(dir.resolve("env")));
        env.argv.add("etcd");
        env.env.put("ETCD_AUTO_TLS", "true");
        Result r = env.evaluate("etcd-auto-tls-off");
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(((Evidence.Setting) check(r, "auto-tls-off").evidence().get(0)).resolved().provenance().source())
                .isEqualTo("env");
        MemberFixture file = new MemberFixture(Files.createDirectories(dir.resolve("file")));
        Path config = dir.resolve("etcd.yml");
        Files.writeString(config, "name: m1\nclient-transport-security:\n  auto-tls: true\n");
        file.argv.addAll(List.of("etcd", "--config-file=" + config, "--auto-tls=false"));
        assertThat(file.evaluate("etcd-auto-tls-off").status()).as("the config file wins over the flag")
                .isEqualTo(Status.FAIL);
    }

    @Test
    void peerClientCertAuth25() throws IOException {
        MemberFixture m = member().flag("peer-client-cert-auth", null);
        assertThat(m.evaluate("etcd-peer-client-cert-auth").status()).isEqualTo(Status.FAIL);
        m.flag("peer-client-cert-auth", "true").flag("listen-peer-urls", "http://127.0.0.1:12380");
        CheckResult http = check(m.evaluate("etcd-peer-client-cert-auth"), "peer-client-cert-auth-enforced");
        assertThat(http.message()).contains("etcd ignores peer-client-cert-auth on that listener");
        m.flag("listen-peer-urls", "https://127.0.0.1:12380").flag("peer-cert-file", null).flag("peer-key-file", null)
                .flag("peer-auto-tls", "true");
        CheckResult auto = check(m.evaluate("etcd-peer-client-cert-auth"), "peer-client-cert-auth-enforced");
        assertThat(auto.status()).isEqualTo(Status.FAIL);
        assertThat(auto.message()).contains("peer-auto-tls provides the certificate");
        m.flag("initial-cluster", "m1=https://127.0.0.1:12380");
        assertThat(m.evaluate("etcd-peer-client-cert-auth").status()).isEqualTo(Status.NOT_APPLICABLE);
    }

    @Test
    void peerAutoTls26() throws IOException {
        MemberFixture m = member();
        assertThat(m.evaluate("etcd-peer-auto-tls-off").status()).isEqualTo(Status.PASS);
        m.flag("peer-auto-tls", "1");
        assertThat(m.evaluate("etcd-peer-auto-tls-off").status()).isEqualTo(Status.FAIL);
        m.flag("initial-cluster", "m1=https://127.0.0.1:12380");
        assertThat(m.evaluate("etcd-peer-auto-tls-off").status()).isEqualTo(Status.NOT_APPLICABLE);
    }

    @Test
    void dataDirPermissions1111() throws IOException {
        MemberFixture m = member();
        Path data = Files.createDirectories(m.dir.resolve("data"));
        m.flag("data-dir", data.toString());
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(m.evaluate("etcd-data-dir-permissions").status()).isEqualTo(Status.PASS);
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        CheckResult wide = check(m.evaluate("etcd-data-dir-permissions"), "data-dir-mode");
        assertThat(wide.status()).isEqualTo(Status.FAIL);
        assertThat(wide.message()).contains("has mode 0755, wider than 0700");
        m.flag("data-dir", null); // etcd's default: <name>.etcd in its working directory (/ in the fake procfs)
        CheckResult missing = check(m.evaluate("etcd-data-dir-permissions"), "data-dir-mode");
        assertThat(missing.message()).isEqualTo("data-dir m1.etcd does not exist");
    }

    @Test
    void dataDirOwnership1112() throws IOException {
        MemberFixture m = member();
        Path data = Files.createDirectories(m.dir.resolve("data"));
        m.flag("data-dir", data.toString());
        CheckResult root = check(m.evaluate("etcd-data-dir-ownership"), "data-dir-owner");
        assertThat(root.status()).isEqualTo(Status.FAIL);
        assertThat(root.message()).contains("is owned by root:root, not etcd:etcd");
        var users = data.getFileSystem().getUserPrincipalLookupService();
        // the etcd account comes with Debian's etcd-server package, which the test set-up installs
        Files.setOwner(data, users.lookupPrincipalByName("etcd"));
        Files.getFileAttributeView(data, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(users.lookupPrincipalByGroupName("etcd"));
        Result owned = m.evaluate("etcd-data-dir-ownership");
        assertThat(owned.status()).as("%s", owned.checks()).isEqualTo(Status.PASS);
        assertThat(((Evidence.File) check(owned, "data-dir-owner").evidence().get(1)).facts()).startsWith("owner etcd:etcd (uid ");
    }

    @Test
    void dataDirOnANodeRootIsNamedByTheNodesAccounts() throws IOException {
        Path node = dir.resolve("node");
        Path data = Files.createDirectories(node.resolve("var/lib/etcd"));
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(node.resolve("etc"));
        // on this node, id 0 is called etcd: the names must come from the node, not from this machine
        Files.writeString(node.resolve("etc/passwd"), "etcd:x:0:0::/var/lib/etcd:/usr/sbin/nologin\n");
        Files.writeString(node.resolve("etc/group"), "etcd:x:0:\n");
        Path pod = dir.resolve("etcd.yaml");
        Files.writeString(pod, """
                apiVersion: v1
                kind: Pod
                metadata: {name: etcd, namespace: kube-system}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd, --data-dir=/var/lib/etcd]
                    volumeMounts: [{name: data, mountPath: /var/lib/etcd}]
                  volumes:
                  - {name: data, hostPath: {path: /var/lib/etcd}}
                """);
        Evaluator evaluator = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults());
        var withRoot = new ManifestCollector(new ManifestCollector.Options(node, ManifestCollector.DEFAULT_MAX_FILE_BYTES))
                .collect(List.of(pod.toString()), List.of()).invocations().get(0);
        List<Result> results = evaluator.evaluate(withRoot);
        assertThat(results).filteredOn(r -> r.rule().id().startsWith("etcd-data-dir")).extracting(Result::status)
                .containsOnly(Status.PASS);
        var withoutRoot = new ManifestCollector(new ManifestCollector.Options(null, ManifestCollector.DEFAULT_MAX_FILE_BYTES))
                .collect(List.of(pod.toString()), List.of()).invocations().get(0);
        assertThat(evaluator.evaluate(withoutRoot)).filteredOn(r -> r.rule().id().startsWith("etcd-data-dir"))
                .extracting(Result::status).containsOnly(Status.NOT_APPLICABLE);
    }

    @Test
    void uniqueCa27ComparesCertificatesNotPaths() throws IOException {
        MemberFixture m = member();
        Path clusterCa = dir.resolve("kubernetes-ca.crt");
        dev.etcdguard.pki.CertificateAuthority.create("kubernetes").writeCertificate(clusterCa);
        EvaluationOptions withCluster = new EvaluationOptions(java.time.Instant.now(), 30, clusterCa);
        Result distinct = m.evaluate(withCluster, "etcd-unique-ca");
        assertThat(distinct.status()).as("%s", distinct.checks()).isEqualTo(Status.PASS);
        // the same CA under another name: a path comparison would miss it
        Path copy = dir.resolve("copy-of-etcd-ca.pem");
        Files.copy(m.caFile, copy);
        CheckResult shared = check(m.evaluate(new EvaluationOptions(java.time.Instant.now(), 30, copy), "etcd-unique-ca"),
                "ca-distinct");
        assertThat(shared.status()).isEqualTo(Status.FAIL);
        assertThat(shared.message()).contains("holds the Kubernetes cluster CA").contains("same key");
        assertThat(m.evaluate("etcd-unique-ca").status()).as("cluster CA unknown").isEqualTo(Status.NOT_APPLICABLE);
        m.flag("trusted-ca-file", null).flag("peer-trusted-ca-file", null);
        CheckResult none = check(m.evaluate(withCluster, "etcd-unique-ca"), "ca-distinct");
        assertThat(none.status()).isEqualTo(Status.FAIL);
        assertThat(none.message()).contains("trusted-ca-file and peer-trusted-ca-file are not set");
    }

    @Test
    void uniqueCa27ComparesPathsWhenOnlyThePathOfTheClusterCaIsKnown() throws IOException {
        MemberFixture m = member();
        EvaluationOptions none = EvaluationOptions.defaults();
        // kube-apiserver names its own CA: a path etcd does not use
        KubernetesCa elsewhere = new KubernetesCa("/etc/kubernetes/pki/ca.crt", "kube-apiserver's --client-ca-file"
                + " (kube-apiserver.yaml:20:7)", null, null);
        CheckResult distinct = check(m.evaluate(none.withKubernetesCa(elsewhere), "etcd-unique-ca"), "ca-distinct");
        assertThat(distinct.status()).isEqualTo(Status.PASS);
        assertThat(distinct.message()).contains("differ from the Kubernetes cluster CA path /etc/kubernetes/pki/ca.crt",
                "contents not compared", "--node-root");
        // kube-apiserver names etcd's CA file as the cluster CA: the same file, whatever it holds
        KubernetesCa same = new KubernetesCa(m.caFile.toString(), "kube-apiserver's --client-ca-file"
                + " (kube-apiserver.yaml:20:7)", null, null);
        CheckResult shared = check(m.evaluate(none.withKubernetesCa(same), "etcd-unique-ca"), "ca-distinct");
        assertThat(shared.status()).isEqualTo(Status.FAIL);
        assertThat(shared.message()).contains("trusted-ca-file " + m.caFile + " (flag at argv[")
                .contains("the file kube-apiserver's --client-ca-file (kube-apiserver.yaml:20:7) names as the"
                        + " Kubernetes cluster CA");
        // the same path through "..": still the same file
        KubernetesCa dotted = new KubernetesCa(m.caFile.getParent().resolve("x/../" + m.caFile.getFileName()).toString(),
                "--client-ca-file", null, null);
        assertThat(m.evaluate(none.withKubernetesCa(dotted), "etcd-unique-ca").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void noSubstringMatchingOfFlagNames() throws IOException {
        // --peer-cert-file, --peer-client-cert-auth and --peer-auto-tls must not count for 2.1, 2.2 and 2.3
        MemberFixture m = MemberFixture.tlsMember(dir).flag("peer-auto-tls", "true");
        assertThat(check(m.evaluate("etcd-client-tls"), "client-cert-key-set").status()).isEqualTo(Status.FAIL);
        assertThat(m.evaluate("etcd-client-cert-auth").status()).isEqualTo(Status.FAIL);
        assertThat(m.evaluate("etcd-auto-tls-off").status()).isEqualTo(Status.PASS);
    }

    @Test
    void rulesOnManifests() throws IOException {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: etcd, namespace: db}
                spec:
                  replicas: 3
                  template:
                    spec:
                      containers:
                      - name: etcd
                        command: [etcd, --peer-client-cert-auth, --client-cert-auth=true, --auto-tls=false]
                        args: [--listen-client-urls=https://0.0.0.0:2379, --listen-peer-urls=https://0.0.0.0:2380,
                               --name=etcd-0, "--initial-cluster=etcd-0=https://etcd-0.etcd:2380,etcd-1=https://etcd-1.etcd:2380,etcd-2=https://etcd-2.etcd:2380"]
                """);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: v1
                kind: Pod
                metadata: {name: etcd, namespace: db}
                spec:
                  containers:
                  - name: etcd
                    command: [/usr/local/bin/etcd, --auto-tls, --peer-auto-tls]
                """);
        Path external = dir.resolve("external.yaml");
        Files.writeString(external, """
                apiVersion: kubeadm.k8s.io/v1beta4
                kind: ClusterConfiguration
                etcd:
                  external: {endpoints: [https://10.0.0.50:2379]}
                """);
        ManifestCollector.Output out = new ManifestCollector(new ManifestCollector.Options(null,
                ManifestCollector.DEFAULT_MAX_FILE_BYTES)).collect(List.of(good.toString(), bad.toString(), external.toString()),
                List.of());
        Evaluator evaluator = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults());
        List<String> verdicts = new ArrayList<>();
        out.invocations().forEach(inv -> evaluator.evaluate(inv).forEach(r -> verdicts.add(
                ((dev.etcdguard.etcd.Target.Manifest) r.target()).file().replaceAll(".*/", "") + " " + r.rule().number()
                        + " " + r.status())));
        for (SourceFinding f : out.findings()) {
            SourceFindings.toResults(f, RuleLoader.builtIn()).forEach(r -> verdicts.add("external.yaml "
                    + r.rule().number() + " " + r.status()));
        }
        assertThat(verdicts).contains("good.yaml 1.1.11 NOT_APPLICABLE", "external.yaml 1.1.11 NOT_APPLICABLE",
                "good.yaml 1.1.12 NOT_APPLICABLE",
                "good.yaml 2.2 PASS", "good.yaml 2.3 PASS", "good.yaml 2.5 PASS", "good.yaml 2.6 PASS",
                "bad.yaml 2.2 FAIL", "bad.yaml 2.3 FAIL", "bad.yaml 2.5 NOT_APPLICABLE", "bad.yaml 2.6 NOT_APPLICABLE",
                "external.yaml 2.1 NOT_APPLICABLE", "external.yaml 2.2 NOT_APPLICABLE", "external.yaml 2.3 NOT_APPLICABLE",
                "external.yaml 2.5 NOT_APPLICABLE", "external.yaml 2.6 NOT_APPLICABLE");
    }
}
