package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.collect.StaticPodFiles;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.Status;
import dev.etcdguard.sandbox.Delivery;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real etcd members (Debian's etcd-server) on 127.0.0.1, scanned through the host collector on this
 * machine's /proc. Every cluster is closed (its processes killed by pid) at the end of its test.
 */
class HostScanIT {

    @TempDir
    Path dir;

    /** Scans the members' pids on the real /proc and returns one etcd-peer-tls result per member. */
    private static List<Result> scan(LocalCluster cluster) throws IOException {
        return scan(cluster, "etcd-peer-tls");
    }

    /** One result of rule {@code ruleId} per member. */
    private static List<Result> scan(LocalCluster cluster, String ruleId) throws IOException {
        Set<Long> pids = new HashSet<>();
        cluster.members().forEach(m -> pids.add(m.pid()));
        Evaluator evaluator = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults());
        List<Result> results = new ProcCollector(Path.of("/proc")).collect(pids).stream()
                .flatMap(inv -> evaluator.evaluate(inv).stream())
                .filter(r -> r.rule().id().equals(ruleId))
                .toList();
        assertThat(results).as("one result per started member").hasSize(cluster.members().size());
        for (Result r : results) {
            Target.Process p = (Target.Process) r.target();
            assertThat(pids).contains(p.pid());
            assertThat(p.exe()).endsWith("/etcd");
            assertThat(p.member()).isEqualTo(cluster.members().stream()
                    .filter(m -> m.pid() == p.pid()).findFirst().orElseThrow().name());
        }
        return results;
    }

    private static CheckResult check(Result r, String id) {
        return r.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    private LocalCluster start(PeerTls tls, Delivery delivery, int members) {
        return LocalCluster.builder(dir.resolve("c")).members(members).peerTls(tls).delivery(delivery).start();
    }

    @Test
    void threeMembersWithPeerTlsPass() throws IOException {
        try (LocalCluster cluster = start(PeerTls.TLS, Delivery.FLAGS, 3)) {
            for (String rule : List.of("etcd-peer-client-cert-auth", "etcd-peer-auto-tls-off", "etcd-auto-tls-off",
                    "etcd-data-dir-permissions")) { // etcd creates its data directory with mode 0700
                assertThat(scan(cluster, rule)).extracting(Result::status).containsOnly(Status.PASS);
            }
            for (Result r : scan(cluster, "etcd-data-dir-ownership")) { // the sandbox runs etcd as root
                assertThat(r.status()).isEqualTo(Status.FAIL);
                assertThat(check(r, "data-dir-owner").message()).contains("is owned by root:root, not etcd:etcd");
            }
            for (Result r : scan(cluster, "etcd-client-tls")) { // the sandbox serves clients on http://127.0.0.1
                assertThat(r.status()).isEqualTo(Status.FAIL);
                assertThat(check(r, "client-urls-https").message()).contains("listen-client-urls is http://127.0.0.1:");
            }
            for (Result r : scan(cluster)) {
                assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
                Evidence.Setting cert = (Evidence.Setting) check(r, "peer-cert-key-set").evidence().get(0);
                assertThat(cert.resolved().provenance().source()).isEqualTo("flag");
                assertThat(cert.resolved().provenance().at()).startsWith("argv[");
            }
        }
    }

    @Test
    void plaintextPeersFail() throws IOException {
        try (LocalCluster cluster = start(PeerTls.PLAINTEXT, Delivery.FLAGS, 3)) {
            for (Result r : scan(cluster)) {
                assertThat(r.status()).isEqualTo(Status.FAIL);
                assertThat(check(r, "peer-cert-key-set").status()).isEqualTo(Status.FAIL);
                assertThat(check(r, "peer-urls-https").status()).isEqualTo(Status.FAIL);
            }
        }
    }

    @Test
    void certificateFlagsWithHttpPeerUrlsFailNamingTheScheme() throws IOException {
        try (LocalCluster cluster = start(PeerTls.CERTS_ON_HTTP, Delivery.FLAGS, 3)) {
            for (Result r : scan(cluster, "etcd-peer-client-cert-auth")) {
                assertThat(check(r, "peer-client-cert-auth-enforced").message())
                        .contains("etcd ignores peer-client-cert-auth on that listener");
            }
            for (Result r : scan(cluster)) {
                assertThat(r.status()).isEqualTo(Status.FAIL);
                assertThat(check(r, "peer-cert-key-set").status()).as("the letter of CIS is met").isEqualTo(Status.PASS);
                CheckResult urls = check(r, "peer-urls-https");
                assertThat(urls.status()).isEqualTo(Status.FAIL);
                assertThat(urls.message()).contains("listen-peer-urls is http://127.0.0.1:")
                        .contains("ignores the certificate on an http listener");
            }
        }
    }

    @Test
    void tlsOnlyThroughEnvironmentPasses() throws IOException {
        try (LocalCluster cluster = start(PeerTls.TLS, Delivery.ENV, 3)) {
            for (Result r : scan(cluster)) {
                assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
                Evidence.Setting cert = (Evidence.Setting) check(r, "peer-cert-key-set").evidence().get(0);
                assertThat(cert.resolved().provenance().source()).isEqualTo("env");
                assertThat(cert.resolved().provenance().at()).startsWith("ETCD_PEER_CERT_FILE in /proc/");
            }
        }
    }

    @Test
    void tlsOnlyThroughConfigFilePasses() throws IOException {
        try (LocalCluster cluster = start(PeerTls.TLS, Delivery.CONFIG_FILE, 3)) {
            for (Result r : scan(cluster)) {
                assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
                Evidence.Setting cert = (Evidence.Setting) check(r, "peer-cert-key-set").evidence().get(0);
                assertThat(cert.resolved().provenance().source()).isEqualTo("config-file");
                assertThat(cert.resolved().provenance().location().line()).isPositive();
            }
        }
    }

    @Test
    void singleMemberIsNotApplicable() throws IOException {
        try (LocalCluster cluster = start(PeerTls.PLAINTEXT, Delivery.FLAGS, 1)) {
            Result r = scan(cluster).get(0);
            assertThat(r.status()).isEqualTo(Status.NOT_APPLICABLE);
            assertThat(check(r, "cluster-membership").message()).contains("alone");
        }
    }

    @Test
    void serverAuthOnlyCertificateRunsButFailsTheEkuCheck() throws IOException {
        try (LocalCluster cluster = LocalCluster.builder(dir.resolve("eku")).members(3).peerTls(PeerTls.TLS)
                .peerCertificate(name -> LeafSpec.peer(name, "127.0.0.1").withUsages("serverAuth")).start()) {
            for (Result r : scan(cluster)) {
                assertThat(r.status()).isEqualTo(Status.FAIL);
                assertThat(r.checks()).filteredOn(c -> c.status() == Status.FAIL).extracting(CheckResult::id)
                        .containsExactly("peer-cert-eku");
            }
        }
    }

    @Test
    void autoTlsFails() throws IOException {
        try (LocalCluster cluster = start(PeerTls.AUTO_TLS, Delivery.FLAGS, 3)) {
            assertThat(scan(cluster, "etcd-peer-auto-tls-off")).extracting(Result::status).containsOnly(Status.FAIL);
            for (Result r : scan(cluster, "etcd-peer-client-cert-auth")) {
                assertThat(r.status()).isEqualTo(Status.FAIL);
                assertThat(check(r, "peer-client-cert-auth-enforced").message())
                        .contains("true but not enforced").contains("peer-auto-tls provides the certificate");
            }
            for (Result r : scan(cluster)) {
                assertThat(r.status()).isEqualTo(Status.FAIL);
                assertThat(check(r, "peer-auto-tls").status()).isEqualTo(Status.FAIL);
            }
        }
    }

    @Test
    void theStaticPodFileThatRunsARealMemberGetsThePodSpecChecks() throws IOException {
        try (LocalCluster cluster = start(PeerTls.PLAINTEXT, Delivery.FLAGS, 1)) {
            LocalCluster.Member member = cluster.members().get(0);
            Path manifests = java.nio.file.Files.createDirectories(dir.resolve("manifests"));
            Path pod = java.nio.file.Files.writeString(manifests.resolve("etcd.yaml"), """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: etcd, namespace: kube-system}
                    spec:
                      containers:
                      - name: etcd
                        command: [etcd, --name=%s]
                    """.formatted(member.name()));
            java.nio.file.Files.setPosixFilePermissions(pod, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            List<ResolvedInvocation> staticPods = ResolvedInvocation.all(new ManifestCollector(new ManifestCollector.Options(
                    null, ManifestCollector.DEFAULT_MAX_FILE_BYTES)).collect(List.of(), List.of(manifests)).invocations());
            List<ResolvedInvocation> processes = StaticPodFiles.link(ResolvedInvocation.all(
                    new ProcCollector(Path.of("/proc")).collect(Set.of(member.pid()))), staticPods);
            assertThat(processes).singleElement().satisfies(p -> assertThat(p.invocation().podSpecFile()).isEqualTo(pod));
            List<Result> results = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()).evaluate(processes.get(0));
            Result mode = results.stream().filter(r -> r.rule().id().equals("etcd-pod-spec-permissions")).findFirst().orElseThrow();
            assertThat(mode.status()).isEqualTo(Status.FAIL);
            assertThat(check(mode, "pod-spec-mode").message()).contains("has mode 0644, wider than 0600");
            assertThat(results.stream().filter(r -> r.rule().id().equals("etcd-pod-spec-ownership")).findFirst().orElseThrow()
                    .status()).isEqualTo(Status.PASS);
        }
    }
}
