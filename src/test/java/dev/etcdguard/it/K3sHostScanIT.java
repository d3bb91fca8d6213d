package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.probe.ProbeOptions;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.ProbeTargets;
import dev.etcdguard.probe.TlsProbe;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.Status;
import dev.etcdguard.sandbox.FakeProcfs;
import dev.etcdguard.sandbox.LocalCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A k3s HA control plane's embedded etcd, scanned from the host. The k3s binary is not available here, so
 * each {@code k3s server} process is a fake procfs entry (its argv, environment and exe link as k3s has
 * them), while etcd itself is real: three real etcd members (Debian's etcd 3.4) on 127.0.0.0/8, each
 * started with {@code etcd --config-file=FILE} from a file of exactly the shape k3s writes at
 * {@code DATA_DIR/server/db/etcd/config} (k3s's {@code executor.ETCDConfig} marshalled by sigs.k8s.io/yaml:
 * keys sorted, k3s's server/tls/etcd certificate layout with separate server and peer CAs, peer URLs on
 * loopback and on the node address), in a k3s data directory given with {@code --data-dir}. The members are
 * killed by pid after each test.
 */
class K3sHostScanIT {

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** One k3s server node: its data dir, member name, node address (127.0.0.1x), ports. */
    record Node(String name, Path dataDir, String address, int client, int peer, int metrics, int clientHttp) {
        String peerUrl() {
            return "https://" + address + ":" + peer;
        }

        Path tls() {
            return dataDir.resolve("server/tls/etcd");
        }

        Path configFile() {
            return dataDir.resolve("server/db/etcd/config");
        }
    }

    @Test
    void embeddedEtcdOfThreeK3sServersIsJudgedFromTheConfigFileK3sWrites() throws Exception {
        CertificateAuthority serverCa = CertificateAuthority.create("etcd-server-ca@1700000000");
        CertificateAuthority peerCa = CertificateAuthority.create("etcd-peer-ca@1700000000");
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String address = "127.0.0.1" + i;
            int[] ports = freePorts(address, 4);
            nodes.add(new Node("k3s-server-" + i + "-" + "0a1b2c3" + i, dir.resolve("node" + i + "/k3s"), address,
                    ports[0], ports[1], ports[2], ports[3]));
        }
        String initialCluster = nodes.stream().map(n -> n.name() + "=" + n.peerUrl()).collect(Collectors.joining(","));
        for (Node n : nodes) {
            writePki(n, serverCa, peerCa);
            createDbDir(n);
            Files.writeString(n.configFile(), k3sConfig(n, initialCluster));
        }
        FakeProcfs proc = new FakeProcfs(dir.resolve("proc"));
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            started.add(startEtcd(n));
            List<String> argv = i == 0
                    ? List.of("/usr/local/bin/k3s", "server", "--cluster-init", "--data-dir", n.dataDir().toString())
                    : List.of("/usr/local/bin/k3s", "server", "--server", "https://" + nodes.get(0).address() + ":6443",
                            "--data-dir=" + n.dataDir());
            proc.addProcess(7001 + i, n.dataDir() + "/data/7f3e9a/bin/k3s", argv,
                    Map.of("K3S_TOKEN", "secret-token", "K3S_DATA_DIR", n.dataDir() + "/data/7f3e9a"), 0);
        }
        for (int i = 0; i < nodes.size(); i++) {
            awaitReady(nodes.get(i), started.get(i));
        }

        ProcCollector.Output out = new ProcCollector(proc.root()).scan(Set.of());
        assertThat(out.findings()).isEmpty();
        assertThat(out.invocations()).hasSize(3);
        List<ResolvedInvocation> invocations = ResolvedInvocation.all(out.invocations());

        // on the wire: the peer ports the k3s files name, as 'scan --probe' dials them
        ProbeTargets targets = ProbeTargets.of(invocations);
        assertThat(targets.endpoints()).hasSize(6); // each member's loopback and node-address peer listeners
        Map<String, ProbeResult> byAddress = new LinkedHashMap<>();
        TlsProbe.probeAll(targets.endpoints(), ProbeOptions.defaults()).forEach(p -> byAddress.put(p.endpoint().address(), p));
        // the Kubernetes cluster CA k3s's kube-apiserver trusts (server/tls/client-ca.crt), for rule 2.7
        for (Node n : nodes) {
            CertificateAuthority.create("k3s-client-ca@1700000000").writeCertificate(n.dataDir().resolve("server/tls/client-ca.crt"));
        }
        // as 'scan --host' finds it: the first k3s server's client CA, read through its root
        Path clusterCa = dev.etcdguard.collect.ClusterCa.fromApiServer(invocations).orElseThrow();
        assertThat(clusterCa).isEqualTo(proc.root().resolve("7001/root").resolve(
                Path.of("/").relativize(nodes.get(0).dataDir().resolve("server/tls/client-ca.crt"))));
        Evaluator evaluator = new Evaluator(RuleLoader.builtIn(),
                new EvaluationOptions(java.time.Instant.now(), 30, clusterCa).withProbes(byAddress));

        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            ResolvedInvocation inv = invocations.get(i);
            Target.Process target = (Target.Process) inv.invocation().target();
            assertThat(target.pid()).isEqualTo(7001 + i);
            assertThat(target.exe()).startsWith(n.dataDir() + "/data/7f3e9a/bin/k3s (")
                    .contains("embedded etcd").contains(n.configFile().toString());
            Map<String, Result> byRule = evaluator.evaluate(inv).stream()
                    .collect(Collectors.toMap(r -> r.rule().id(), r -> r));
            assertThat(byRule.get("etcd-peer-tls").target().member()).isEqualTo(n.name());

            Result peerTls = byRule.get("etcd-peer-tls");
            // every check of 2.4, on the file and on the wire, passes; k3s sets no cipher-suites for etcd: the peer port
            // accepts Go's default CBC suites, a hardening WARN of EG-3, not a CIS 2.4 finding
            assertThat(peerTls.status()).as("%s", peerTls.checks()).isEqualTo(Status.PASS);
            Result hardening = byRule.get("etcd-peer-tls-hardening");
            assertThat(hardening.status()).as("%s", hardening.checks()).isEqualTo(Status.WARN);
            assertThat(hardening.checks()).filteredOn(c -> c.status() != Status.PASS).extracting(CheckResult::id)
                    .containsExactly("wire-cipher-suites");
            assertThat(check(peerTls, "wire-tls-spoken").message()).contains(n.address() + ":" + n.peer() + " speaks TLS");
            assertThat(check(peerTls, "config-consistent").evidence()).as("socket-options and log-outputs are etcd's")
                    .isEmpty();
            Evidence.Setting cert = (Evidence.Setting) check(peerTls, "peer-cert-key-set").evidence().get(0);
            assertThat(cert.resolved().provenance().source()).isEqualTo("config-file");
            assertThat(cert.resolved().provenance().location().file()).isEqualTo(n.configFile().toString());
            assertThat(cert.resolved().value()).isEqualTo(n.tls().resolve("peer-server-client.crt").toString());
            // the evidence is the file's own line: the value sits on the line the provenance names
            List<String> lines = Files.readAllLines(n.configFile(), StandardCharsets.UTF_8);
            assertThat(lines.get(cert.resolved().provenance().location().line() - 1))
                    .isEqualTo("  cert-file: " + n.tls().resolve("peer-server-client.crt"));

            for (String rule : List.of("etcd-peer-client-cert-auth", "etcd-peer-auto-tls-off", "etcd-client-tls",
                    "etcd-client-cert-auth", "etcd-auto-tls-off", "etcd-data-dir-permissions")) {
                assertThat(byRule.get(rule).status()).as("%s %s", rule, byRule.get(rule).checks()).isEqualTo(Status.PASS);
            }
            // k3s's etcd CAs are their own, one for peers and one for clients
            assertThat(byRule.get("etcd-unique-ca").status()).as("%s", byRule.get("etcd-unique-ca").checks())
                    .isEqualTo(Status.PASS);
            // no kubelet static pod runs it: the pod spec file rules do not apply
            assertThat(byRule.get("etcd-pod-spec-permissions").status()).isEqualTo(Status.NOT_APPLICABLE);
        }
    }

    @Test
    void aK3sServerWhoseEtcdConfigTurnsPeerTlsOffFails() throws Exception {
        // k3s writes '--etcd-arg' values as top-level keys of the same file: listen-peer-urls=http://... overrides
        // its https peer listener, and real etcd then serves plaintext on it
        CertificateAuthority serverCa = CertificateAuthority.create("etcd-server-ca@1700000000");
        CertificateAuthority peerCa = CertificateAuthority.create("etcd-peer-ca@1700000000");
        int[] ports = freePorts("127.0.0.21", 4);
        Node n = new Node("k3s-solo-0a1b2c3d", dir.resolve("solo/k3s"), "127.0.0.21", ports[0], ports[1], ports[2], ports[3]);
        writePki(n, serverCa, peerCa);
        createDbDir(n);
        String text = k3sConfig(n, n.name() + "=" + n.peerUrl())
                .replace("initial-advertise-peer-urls: https://", "initial-advertise-peer-urls: http://")
                .replace("initial-cluster: " + n.name() + "=https://", "initial-cluster: " + n.name() + "=http://")
                .replace("listen-peer-urls: https://127.0.0.1:" + n.peer() + ",https://127.0.0.21:" + n.peer(),
                        "listen-peer-urls: http://127.0.0.21:" + n.peer());
        assertThat(text).contains("listen-peer-urls: http://127.0.0.21:" + n.peer() + "\n");
        Files.writeString(n.configFile(), text);
        started.add(startEtcd(n));
        awaitReady(n, started.get(0));
        FakeProcfs proc = new FakeProcfs(dir.resolve("proc"));
        proc.addProcess(7100, "/var/lib/rancher/k3s/data/7f3e9a/bin/k3s",
                List.of("/usr/local/bin/k3s", "server", "--cluster-init", "-d", n.dataDir().toString()), Map.of(), 0);

        ProcCollector.Output out = new ProcCollector(proc.root()).scan(Set.of());
        ResolvedInvocation inv = ResolvedInvocation.all(out.invocations()).get(0);
        Map<String, ProbeResult> byAddress = new LinkedHashMap<>();
        TlsProbe.probeAll(ProbeTargets.of(List.of(inv)).endpoints(), ProbeOptions.defaults())
                .forEach(p -> byAddress.put(p.endpoint().address(), p));
        Result peerTls = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults().withProbes(byAddress))
                .evaluate(inv).stream().filter(r -> r.rule().id().equals("etcd-peer-tls")).findFirst().orElseThrow();
        // one member in its file, but a k3s server on etcd is there to be joined: evaluated as a cluster member
        assertThat(check(peerTls, "cluster-membership").status()).isEqualTo(Status.PASS);
        assertThat(peerTls.status()).isEqualTo(Status.FAIL);
        CheckResult urls = check(peerTls, "peer-urls-https");
        assertThat(urls.status()).isEqualTo(Status.FAIL);
        assertThat(urls.message()).contains("listen-peer-urls is http://127.0.0.21:" + n.peer());
        Evidence.Setting listen = (Evidence.Setting) urls.evidence().get(0);
        assertThat(listen.resolved().provenance().location().file()).isEqualTo(n.configFile().toString());
    }

    /** k3s creates its etcd data directory with mode 0700 (ToConfigFile, and Start chmods it). */
    private static void createDbDir(Node n) throws IOException {
        Files.createDirectories(n.configFile().getParent());
        Files.setPosixFilePermissions(n.configFile().getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void scanHostReportsAK3sServerOnSqliteAndGivesRke2sEtcdItsStaticPodFile() throws Exception {
        // one fake node holding both (no k3s or RKE2 binary here): init's root is the node's file tree, where
        // RKE2's kubelet directory agent/pod-manifests holds the etcd pod RKE2 writes (command etcd, args
        // --config-file=DATA_DIR/server/db/etcd/config, that directory a hostPath), and a k3s server keeps SQLite
        Path node = Files.createDirectories(dir.resolve("node"));
        Path rke2Db = Files.createDirectories(node.resolve("var/lib/rancher/rke2/server/db/etcd"));
        Files.writeString(rke2Db.resolve("config"), "name: rke2-server-1-4d2c9e1a\n"
                + "listen-peer-urls: https://10.0.0.21:2380\ninitial-cluster: rke2-server-1-4d2c9e1a=https://10.0.0.21:2380\n");
        Path manifests = Files.createDirectories(node.resolve("var/lib/rancher/rke2/agent/pod-manifests"));
        Files.writeString(manifests.resolve("etcd.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: etcd, namespace: kube-system, labels: {component: etcd, tier: control-plane}}
                spec:
                  hostNetwork: true
                  containers:
                  - name: etcd
                    image: index.docker.io/rancher/hardened-etcd:v3.5.21-k3s1-build20250612
                    command: [etcd]
                    args: [--config-file=/var/lib/rancher/rke2/server/db/etcd/config]
                    volumeMounts:
                    - {name: dir0, mountPath: /var/lib/rancher/rke2/server/db/etcd}
                  volumes:
                  - name: dir0
                    hostPath: {path: /var/lib/rancher/rke2/server/db/etcd, type: DirectoryOrCreate}
                """);
        Files.setPosixFilePermissions(manifests.resolve("etcd.yaml"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(node.resolve("var/lib/rancher/k3s/server/db"));
        Files.writeString(node.resolve("var/lib/rancher/k3s/server/db/state.db"), "SQLite format 3");
        FakeProcfs proc = new FakeProcfs(dir.resolve("proc"));
        for (long pid : List.of(1L, 3000L, 3001L)) {
            Path p = pid == 1 ? proc.addProcess(1, "/usr/lib/systemd/systemd", List.of("/sbin/init"), Map.of(), 0)
                    : pid == 3000 ? proc.addProcess(3000, "/usr/local/bin/etcd",
                            List.of("etcd", "--config-file=/var/lib/rancher/rke2/server/db/etcd/config"), Map.of(), 0)
                    : proc.addProcess(3001, "/var/lib/rancher/k3s/data/7f3e9a/bin/k3s",
                            List.of("/usr/local/bin/k3s", "server"), Map.of(), 0);
            Files.delete(p.resolve("root"));
            Files.createSymbolicLink(p.resolve("root"), node);
        }
        Launcher.Run run = Launcher.run(Map.of(), "scan", "--host", "--proc-root", proc.root().toString(), "-f", "json");
        assertThat(run.exitCode()).as(run.stderr()).isIn(0, 1, 2);
        tools.jackson.databind.JsonNode all = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(run.stdout()).path("results");
        Map<Long, Map<String, tools.jackson.databind.JsonNode>> byPid = new LinkedHashMap<>();
        all.forEach(r -> byPid.computeIfAbsent(r.path("target").path("pid").asLong(), k -> new LinkedHashMap<>())
                .put(r.path("rule").asString(), r));
        assertThat(byPid).containsOnlyKeys(3000L, 3001L);

        tools.jackson.databind.JsonNode podSpec = byPid.get(3000L).get("etcd-pod-spec-permissions");
        assertThat(podSpec.path("status").asString()).as("%s", podSpec).isEqualTo("PASS");
        assertThat(podSpec.toString()).contains(proc.root().resolve("1/root/var/lib/rancher/rke2/agent/pod-manifests/etcd.yaml")
                .toString());
        assertThat(byPid.get(3000L).get("etcd-peer-tls").path("target").path("member").asString())
                .isEqualTo("rke2-server-1-4d2c9e1a");

        Map<String, tools.jackson.databind.JsonNode> k3s = byPid.get(3001L);
        assertThat(k3s).containsKeys("etcd-peer-tls", "etcd-peer-client-cert-auth", "etcd-data-dir-permissions");
        k3s.values().forEach(r -> {
            assertThat(r.path("status").asString()).isEqualTo("NOT_APPLICABLE");
            assertThat(r.path("checks").get(0).path("message").asString())
                    .contains("uses SQLite through kine (/var/lib/rancher/k3s/server/db/state.db;");
        });
        assertThat(k3s.get("etcd-peer-tls").path("target").path("exe").asString())
                .isEqualTo("/var/lib/rancher/k3s/data/7f3e9a/bin/k3s (k3s server)");
    }

    private static CheckResult check(Result r, String id) {
        return r.checks().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + id + " in " + r.checks()));
    }

    /**
     * The file k3s writes (pkg/daemons/executor/executor.go {@code ETCDConfig}, filled by pkg/etcd/etcd.go
     * {@code cluster()}; sigs.k8s.io/yaml sorts the keys): loopback and node-address listeners, peer and client
     * TLS with client-cert-auth, the 3.5 keys socket-options and listen-client-http-urls that etcd 3.4 ignores.
     */
    private static String k3sConfig(Node n, String initialCluster) {
        Path tls = n.tls();
        return """
                advertise-client-urls: https://%1$s:%2$d
                client-transport-security:
                  cert-file: %5$s/server-client.crt
                  client-cert-auth: true
                  key-file: %5$s/server-client.key
                  trusted-ca-file: %5$s/server-ca.crt
                data-dir: %6$s
                election-timeout: 5000
                experimental-initial-corrupt-check: true
                experimental-watch-progress-notify-interval: 5000000000
                heartbeat-interval: 500
                initial-advertise-peer-urls: https://%1$s:%3$d
                initial-cluster: %7$s
                initial-cluster-state: new
                listen-client-http-urls: https://127.0.0.1:%8$d
                listen-client-urls: https://127.0.0.1:%2$d,https://%1$s:%2$d
                listen-metrics-urls: http://127.0.0.1:%4$d
                listen-peer-urls: https://127.0.0.1:%3$d,https://%1$s:%3$d
                log-outputs:
                - stderr
                logger: zap
                name: %9$s
                peer-transport-security:
                  cert-file: %5$s/peer-server-client.crt
                  client-cert-auth: true
                  key-file: %5$s/peer-server-client.key
                  trusted-ca-file: %5$s/peer-ca.crt
                snapshot-count: 10000
                socket-options: {}
                """.formatted(n.address(), n.client(), n.peer(), n.metrics(), tls, n.configFile().getParent(),
                initialCluster, n.clientHttp(), n.name());
    }

    /** k3s's server/tls/etcd layout: server-ca and peer-ca, server-client and peer-server-client leaves (0600 keys). */
    private static void writePki(Node n, CertificateAuthority serverCa, CertificateAuthority peerCa) throws IOException {
        Path tls = Files.createDirectories(n.tls());
        serverCa.writeCertificate(tls.resolve("server-ca.crt"));
        peerCa.writeCertificate(tls.resolve("peer-ca.crt"));
        IssuedCertificate server = serverCa.issue(LeafSpec.peer("etcd-server", n.address()));
        server.writeCertificate(tls.resolve("server-client.crt"));
        server.writePrivateKey(tls.resolve("server-client.key"), KeyFormat.PKCS8);
        IssuedCertificate peer = peerCa.issue(LeafSpec.peer("etcd-peer", n.address()));
        peer.writeCertificate(tls.resolve("peer-server-client.crt"));
        peer.writePrivateKey(tls.resolve("peer-server-client.key"), KeyFormat.PKCS8);
    }

    private Process startEtcd(Node n) throws IOException {
        Path etcd = LocalCluster.findEtcdBinary().orElseThrow(() -> new IllegalStateException("no etcd binary"));
        Path log = n.dataDir().resolve("etcd.log");
        return new ProcessBuilder(etcd.toString(), "--config-file=" + n.configFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until etcd serves clients (it needs a quorum for that), or fails with its log. */
    private static void awaitReady(Node n, Process p) throws IOException, InterruptedException {
        Path log = n.dataDir().resolve("etcd.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains("serving client traffic")) { // etcd 3.4's zap logger, once the member joined its cluster
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("etcd " + n.name() + " exited: " + text);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("etcd " + n.name() + " not ready: " + Files.readString(log));
    }

    /** Free TCP ports on a loopback address. */
    private static int[] freePorts(String address, int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address));
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }
}
