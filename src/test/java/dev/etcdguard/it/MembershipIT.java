package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.collect.DataDirMembers;
import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.Status;
import dev.etcdguard.sandbox.EtcdGateway;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership is not the bootstrap list: a real one-member etcd cluster (peer TLS, 127.0.0.1) grown to two
 * members with {@code member add} (etcd's v3 HTTP gateway) and a second member started with
 * {@code --initial-cluster-state=existing}, as kubeadm grows its first control-plane node. The FIRST member's
 * flags still list one member; its data dir lists both, and the host scan must say so.
 */
class MembershipIT {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsEtcd() {
        Assumptions.assumeTrue(LocalCluster.etcdAvailable(), "etcd binary not found: install Debian package etcd-server");
    }

    /** The host scan's steps for one pid: /proc, resolution, the data dir's member list, the rules. */
    private static List<Result> scan(long pid, boolean membership) throws IOException {
        List<ResolvedInvocation> invocations = ResolvedInvocation.all(new ProcCollector(Path.of("/proc")).collect(Set.of(pid)));
        if (membership) {
            invocations = DataDirMembers.attach(invocations);
        }
        assertThat(invocations).hasSize(1);
        return new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()).evaluate(invocations.get(0));
    }

    private static Result rule(List<Result> results, String id) {
        return results.stream().filter(r -> r.rule().id().equals(id)).findFirst().orElseThrow();
    }

    private static CheckResult check(Result r, String id) {
        return r.checks().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + id + " in " + r.checks()));
    }

    private static Evidence.File dataDirEvidence(CheckResult membership) {
        return membership.evidence().stream().filter(Evidence.File.class::isInstance).map(Evidence.File.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no data dir evidence in " + membership));
    }

    @Test
    void aClusterGrownWithMemberAddIsAClusterForTheFirstMember() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder(dir.resolve("c")).members(1).namePrefix("cp").start()) {
            LocalCluster.Member first = cluster.member("cp1");
            assertThat(rule(scan(first.pid(), false), "etcd-peer-tls").status())
                    .as("by its flags alone the first member looks alone").isEqualTo(Status.NOT_APPLICABLE);

            EtcdGateway etcd = new EtcdGateway(first.clientUrl());
            int[] ports = freePorts(2);
            String peerUrl = "https://127.0.0.1:" + ports[0];
            String id = etcd.addMember(peerUrl, false);
            Process second = startJoining(cluster, "cp2", peerUrl, "http://127.0.0.1:" + ports[1]);
            try {
                awaitStarted(etcd, id, second, cluster.workDir().resolve("cp2.log"));
                awaitMembers(first, 2, "cp2"); // the backend commits every 100 ms: cp2's name lands a little later

                List<Result> results = scan(first.pid(), true);
                Result peerTls = rule(results, "etcd-peer-tls");
                assertThat(peerTls.status()).as("%s", peerTls.checks()).isEqualTo(Status.PASS);
                CheckResult membership = check(peerTls, "cluster-membership");
                assertThat(membership.status()).isEqualTo(Status.PASS);
                assertThat(membership.message()).contains("member of a 2-member cluster, as its data dir lists");
                Evidence.File db = dataDirEvidence(membership);
                assertThat(db.path()).isEqualTo(first.dataDir().resolve("member/snap/db").toString());
                assertThat(db.facts()).contains("holds 2 member(s): ", "cp1", "cp2", "read through /proc/" + first.pid() + "/root");
                for (String other : List.of("etcd-peer-client-cert-auth", "etcd-peer-auto-tls-off")) {
                    assertThat(rule(results, other).status()).as(other).isEqualTo(Status.PASS);
                }
                // the first member's own configuration still lists one member: etcd read it once, at first start
                Evidence.Setting initial = (Evidence.Setting) membership.evidence().get(0);
                assertThat(initial.resolved().value()).isEqualTo("cp1=" + first.peerUrl());

                Launcher.Run run = Launcher.run(java.util.Map.of(), "scan", "--host", "--pid", Long.toString(first.pid()),
                        "-v", "--no-color"); // the command's own pipeline
                assertThat(run.stdout()).as(run.stderr()).contains("[PASS] 2.4",
                        "cluster-membership: member of a 2-member cluster, as its data dir lists ("
                                + first.dataDir().resolve("member/snap/db") + ")");
            } finally {
                stop(second);
            }
        }
    }

    @Test
    void aOneMemberClusterStaysNotApplicableFromItsDataDir() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder(dir.resolve("c")).members(1).peerTls(PeerTls.PLAINTEXT)
                .namePrefix("solo").start()) {
            LocalCluster.Member solo = cluster.member("solo1");
            awaitBackend(solo);
            Result peerTls = rule(scan(solo.pid(), true), "etcd-peer-tls");
            assertThat(peerTls.status()).isEqualTo(Status.NOT_APPLICABLE);
            CheckResult membership = check(peerTls, "cluster-membership");
            assertThat(membership.message()).contains("is alone: its data dir lists one member");
            assertThat(dataDirEvidence(membership).facts()).contains("holds 1 member(s): solo1",
                    "read through /proc/" + solo.pid() + "/root");
        }
    }

    @Test
    void aMemberAddedButNotStartedIsAlreadyAPeer() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder(dir.resolve("c")).members(1).peerTls(PeerTls.PLAINTEXT)
                .namePrefix("lone").start()) {
            LocalCluster.Member first = cluster.member("lone1");
            awaitBackend(first);
            String id = new EtcdGateway(first.clientUrl()).addMember("http://127.0.0.1:" + freePorts(1)[0], false);
            Result peerTls = awaitMembers(first, 2, "");
            assertThat(peerTls.status()).as("plaintext peers of a 2-member cluster").isEqualTo(Status.FAIL);
            assertThat(dataDirEvidence(check(peerTls, "cluster-membership")).facts())
                    .contains("lone1", "unstarted " + id);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Waits (bounded) until etcd has committed its member list to the backend (every 100 ms). */
    private static void awaitBackend(LocalCluster.Member m) throws Exception {
        awaitMembers(m, 1, "");
    }

    private static Result awaitMembers(LocalCluster.Member m, int n, String name) throws Exception {
        Result r = null;
        for (int i = 0; i < 100; i++) {
            r = rule(scan(m.pid(), true), "etcd-peer-tls");
            if (check(r, "cluster-membership").evidence().stream().anyMatch(e -> e instanceof Evidence.File f
                    && f.facts().contains("holds " + n + " member(s)") && f.facts().contains(name))) {
                return r;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the data dir never listed " + n + " member(s): " + r.checks());
    }

    /** Starts {@code name} as a member joining the cluster ({@code --initial-cluster-state=existing}). */
    private static Process startJoining(LocalCluster cluster, String name, String peerUrl, String clientUrl)
            throws IOException {
        Path pki = cluster.workDir().resolve("pki");
        IssuedCertificate cert = cluster.certificateAuthority().issue(LeafSpec.peer(name, "127.0.0.1"));
        cert.writeCertificate(pki.resolve(name + ".crt"));
        cert.writePrivateKey(pki.resolve(name + ".key"), KeyFormat.PKCS8);
        LocalCluster.Member first = cluster.members().get(0);
        List<String> command = new ArrayList<>(List.of(LocalCluster.findEtcdBinary().orElseThrow().toString(),
                "--name=" + name, "--data-dir=" + cluster.workDir().resolve(name),
                "--listen-peer-urls=" + peerUrl, "--initial-advertise-peer-urls=" + peerUrl,
                "--listen-client-urls=" + clientUrl, "--advertise-client-urls=" + clientUrl,
                "--initial-cluster=" + first.name() + "=" + first.peerUrl() + "," + name + "=" + peerUrl,
                "--initial-cluster-state=existing", "--initial-cluster-token=etcdguard-sandbox",
                "--peer-cert-file=" + pki.resolve(name + ".crt"), "--peer-key-file=" + pki.resolve(name + ".key"),
                "--peer-trusted-ca-file=" + cluster.caFile(), "--peer-client-cert-auth=true"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cluster.workDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true)
                .redirectOutput(cluster.workDir().resolve(name + ".log").toFile());
        builder.environment().keySet().removeIf(v -> v.startsWith("ETCD_"));
        return builder.start();
    }

    /** Waits (bounded) until the member list shows member {@code id} with its name: it has started and published. */
    private static void awaitStarted(EtcdGateway etcd, String id, Process process, Path log) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (!process.isAlive()) {
                throw new AssertionError("the joining member exited: " + Files.readString(log));
            }
            try {
                if (etcd.members().stream().anyMatch(m -> m.id().equals(id) && !m.name().isEmpty())) {
                    return;
                }
            } catch (IOException e) {
                // no leader while the new member is not up yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the joining member never started: " + Files.readString(log));
    }

    /** SIGTERM, then SIGKILL after 5 s, by pid. */
    private static void stop(Process process) throws InterruptedException {
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            handle.destroyForcibly();
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                open.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
        return ports;
    }
}
