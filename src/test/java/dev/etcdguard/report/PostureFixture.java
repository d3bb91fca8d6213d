package dev.etcdguard.report;

import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.Status;
import dev.etcdguard.sandbox.FakeProcfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A realistic scan for the posture page, judged by the real {@link Evaluator} and built-in rules:
 * <ul>
 *   <li>a running member m1 (a {@link FakeProcfs} entry the real collector reads, its root a kubeadm-like node
 *   directory) with real certificate files from a {@link CertificateAuthority}: its peer listener is plain http (a FAIL of etcd-peer-tls), its peer certificate
 *   expires in 5 days, its client certificate in a year;</li>
 *   <li>a manifest whose flag values carry HTML ({@link #INJECTION}): the page must show it as text.</li>
 * </ul>
 */
final class PostureFixture {

    /** Markup in manifest content: a page that renders it as markup is injectable. */
    static final String INJECTION = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>";
    static final String PEER_CN = "m1-peer-expiring";
    static final String CLIENT_CN = "m1-client";

    final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    final Path dir;
    final ScanReport report;
    final IssuedCertificate peer;

    PostureFixture(Path dir) throws IOException {
        this.dir = dir;
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca");
        // kubeadm's layout under the member's root (what /proc/PID/root shows of a static pod's container)
        Path node = dir.resolve("node");
        Path pki = Files.createDirectories(node.resolve("etc/kubernetes/pki/etcd"));
        ca.writeCertificate(pki.resolve("ca.crt"));
        peer = ca.issue(LeafSpec.peer(PEER_CN, "127.0.0.1")
                .withValidity(now.minus(Duration.ofDays(360)), now.plus(Duration.ofDays(5)).plus(Duration.ofHours(2))));
        peer.writeCertificate(pki.resolve("peer.crt"));
        peer.writePrivateKey(pki.resolve("peer.key"), KeyFormat.PKCS8);
        IssuedCertificate server = ca.issue(LeafSpec.peer(CLIENT_CN, "127.0.0.1"));
        server.writeCertificate(pki.resolve("server.crt"));
        server.writePrivateKey(pki.resolve("server.key"), KeyFormat.PKCS8);
        Files.createDirectories(node.resolve("var/lib/etcd"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));

        FakeProcfs proc = new FakeProcfs(dir.resolve("proc"));
        String etc = "/etc/kubernetes/pki/etcd/";
        Path pid = proc.addProcess(4242, "/usr/bin/etcd", List.of("etcd", "--name=m1", "--data-dir=/var/lib/etcd",
                "--listen-peer-urls=http://127.0.0.1:12380",
                "--initial-advertise-peer-urls=https://127.0.0.1:12380",
                "--initial-cluster=m1=https://127.0.0.1:12380,m2=https://127.0.0.1:22380,m3=https://127.0.0.1:32380",
                "--peer-cert-file=" + etc + "peer.crt", "--peer-key-file=" + etc + "peer.key",
                "--peer-trusted-ca-file=" + etc + "ca.crt", "--peer-client-cert-auth=true",
                "--cert-file=" + etc + "server.crt", "--key-file=" + etc + "server.key",
                "--trusted-ca-file=" + etc + "ca.crt", "--client-cert-auth=true",
                "--listen-client-urls=https://127.0.0.1:12379", "--advertise-client-urls=https://127.0.0.1:12379"),
                Map.of(), 0);
        Files.delete(pid.resolve("root"));
        Files.createSymbolicLink(pid.resolve("root"), node);
        List<Invocation> invocations = new ArrayList<>(new ProcCollector(proc.root()).collect(Set.of()));

        Path manifest = Files.createDirectories(dir.resolve("manifests")).resolve("etcd.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata: {name: etcd-cp1, namespace: kube-system}
                spec:
                  containers:
                  - name: etcd
                    image: registry.k8s.io/etcd:3.5.15-0
                    command:
                    - etcd
                    - "--name=cp1%1$s"
                    - --listen-peer-urls=http://10.0.0.11:2380
                    - "--initial-cluster=cp1%1$s=http://10.0.0.11:2380,cp2=http://10.0.0.12:2380"
                """.formatted(INJECTION.replace("\"", "\\\"")));
        ManifestCollector.Output out = new ManifestCollector(new ManifestCollector.Options(null,
                ManifestCollector.DEFAULT_MAX_FILE_BYTES)).collect(List.of(manifest.toString()), List.of());
        invocations.addAll(out.invocations());

        Evaluator evaluator = new Evaluator(RuleLoader.builtIn(), new EvaluationOptions(now, 30));
        List<Result> results = new ArrayList<>();
        invocations.forEach(i -> results.addAll(evaluator.evaluate(i)));
        report = new ScanReport(results, List.of("a note with " + INJECTION));
    }

    /** The etcd-peer-tls result of the running member. */
    Result peerTls() {
        return report.results().stream().filter(r -> r.rule().id().equals("etcd-peer-tls")
                && r.target() instanceof dev.etcdguard.etcd.Target.Process).findFirst().orElseThrow();
    }

    /** Three stored scans and what changed: the peer listener went http (worse), a WARN was fixed. */
    Trend trend() {
        Instant t1 = now.minus(Duration.ofHours(2));
        Instant t2 = now.minus(Duration.ofHours(1));
        return new Trend(List.of(
                new Trend.ScanSummary(now, "cp1", "prod", report.summary()),
                new Trend.ScanSummary(t2, "cp1", "prod", Map.of(Status.PASS, 20, Status.WARN, 2, Status.NOT_APPLICABLE, 4)),
                new Trend.ScanSummary(t1, "cp1", "prod", Map.of(Status.PASS, 19, Status.WARN, 3, Status.NOT_APPLICABLE, 4))),
                List.of(new Trend.Change(now, "etcd-peer-tls", "2.4", "etcd uses TLS encryption for peer connections",
                                "pid 4242 /usr/bin/etcd (member m1)", Status.PASS, Status.FAIL,
                                "listen-peer-urls is http://127.0.0.1:12380 " + INJECTION),
                        new Trend.Change(t2, "etcd-client-tls", "2.1", "etcd client TLS",
                                "pid 4242 /usr/bin/etcd (member m1)", Status.WARN, Status.PASS, null)));
    }
}
