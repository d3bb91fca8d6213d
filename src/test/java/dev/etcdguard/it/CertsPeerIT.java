package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.etcdguard.cli.Main;
import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.probe.Endpoint;
import dev.etcdguard.probe.ProbeOptions;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.TlsProbe;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.KeyType;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.Status;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.scan.ScanRequest;
import dev.etcdguard.scan.Scanner;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etcdguard certs peer} issues the peer certificates of three members from one CA (kubeadm's RSA etcd CA
 * layout, ca.crt + ca.key); real etcd processes on 127.0.0.1 then peer over TLS with them, with
 * --peer-client-cert-auth and the CA as --peer-trusted-ca-file, elect a leader, and a host scan of their pids
 * through the scan pipeline gives 2.4 PASS with every certificate sub-check PASS. Every process is killed by pid.
 */
class CertsPeerIT {

    @TempDir
    Path dir;

    @Test
    void threeMembersPeerWithIssuedCertificatesAndPass24() throws Exception {
        assumeTrue(LocalCluster.etcdAvailable(), "etcd binary");
        Path etcd = LocalCluster.findEtcdBinary().orElseThrow();
        Path pki = dir.resolve("pki");
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca", KeyType.RSA_2048);
        ca.writeCertificate(pki.resolve("ca.crt"));
        ca.writePrivateKey(pki.resolve("ca.key"), KeyFormat.PKCS1_RSA);

        List<Integer> ports = freePorts(6);
        Map<String, String> peerUrls = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            peerUrls.put("m" + (i + 1), "https://127.0.0.1:" + ports.get(2 * i));
        }
        for (String name : peerUrls.keySet()) {
            int code = Main.run("certs", "peer", "--ca-cert", pki.resolve("ca.crt").toString(),
                    "--ca-key", pki.resolve("ca.key").toString(),
                    "--out-cert", pki.resolve(name + "/peer.crt").toString(),
                    "--out-key", pki.resolve(name + "/peer.key").toString(),
                    "--node-name", name, "--peer-url", peerUrls.get(name), "--days", "30");
            assertThat(code).as("certs peer for %s", name).isZero();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve(name + "/peer.key"))))
                    .isEqualTo("rw-------");
        }

        List<Process> processes = new ArrayList<>();
        try {
            List<String> clientUrls = startMembers(etcd, pki, peerUrls, ports, processes);
            Set<Long> pids = processes.stream().map(Process::pid).collect(Collectors.toSet());
            ScanRequest request = new ScanRequest(true, List.of(), Path.of("/proc"), pids, List.of(), null, null, false,
                    ManifestCollector.DEFAULT_MAX_FILE_BYTES, null, 7, null);
            List<Result> results = new Scanner(RuleLoader.builtIn()).scan(request).results().stream()
                    .filter(r -> r.rule().id().equals("etcd-peer-tls")).toList();
            assertThat(results).hasSize(3);
            for (Result r : results) {
                assertThat(pids).contains(((Target.Process) r.target()).pid());
                assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
                for (String id : List.of("peer-cert-key-set", "peer-urls-https", "peer-files-readable", "peer-cert-parses",
                        "peer-key-parses", "peer-key-matches-cert", "peer-cert-validity", "peer-cert-signature",
                        "peer-cert-eku", "peer-cert-san", "peer-cert-chain")) {
                    CheckResult check = r.checks().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
                    assertThat(check.status()).as("%s: %s", id, check.message()).isEqualTo(Status.PASS);
                }
            }

            // --pid: the name and advertised peer URLs of a running member, read as the host scan reads them
            long m1 = processes.getFirst().pid();
            String[] fromPid = certsArgs(pki, "from-pid", "--pid", Long.toString(m1));
            String out = captureOut(() -> assertThat(Main.run(fromPid)).isZero());
            assertThat(out).contains("member:      m1 (pid " + m1 + "), advertised peer URLs " + peerUrls.get("m1"))
                    .contains("subject:     CN=m1").contains("DNS SANs:    m1, localhost")
                    .contains("IP SANs:     127.0.0.1, ::1");
            String[] fromHost = certsArgs(pki, "from-host", "--from-host");
            String err = captureErr(() -> assertThat(Main.run(fromHost)).isEqualTo(2));
            assertThat(err).contains("etcd members run here (pids ").contains("pick one with --pid");
            assertThat(pki.resolve("from-host")).doesNotExist();
        } finally {
            stop(processes);
        }
    }

    /**
     * Item 8: a member's peer certificate, due within --expiry-warn-days, is renewed with {@code certs peer --renew}
     * while etcd runs; the probe sees the member serve the new certificate on its peer port without a restart, and
     * the cluster stays healthy.
     */
    @Test
    void renewedPeerCertificateIsServedWithoutRestart() throws Exception {
        assumeTrue(LocalCluster.etcdAvailable(), "etcd binary");
        Path etcd = LocalCluster.findEtcdBinary().orElseThrow();
        Path pki = dir.resolve("pki");
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca");
        ca.writeCertificate(pki.resolve("ca.crt"));
        ca.writePrivateKey(pki.resolve("ca.key"), KeyFormat.SEC1_EC);
        List<Integer> ports = freePorts(6);
        Map<String, String> peerUrls = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            peerUrls.put("m" + (i + 1), "https://127.0.0.1:" + ports.get(2 * i));
        }
        for (String name : peerUrls.keySet()) {
            assertThat(Main.run(certsArgs(pki, name, "--node-name", name, "--peer-url", peerUrls.get(name), "--days", "20")))
                    .isZero();
        }
        List<Process> processes = new ArrayList<>();
        try {
            List<String> clientUrls = startMembers(etcd, pki, peerUrls, ports, processes);
            Endpoint m1 = Endpoint.parse(peerUrls.get("m1"));
            String before = servedFingerprint(m1);
            assertThat(before).isEqualTo(fingerprint(pki.resolve("m1/peer.crt")));

            assertThat(Main.run(certsArgs(pki, "m1", "--renew", "--expiry-warn-days", "10"))).as("not due").isZero();
            assertThat(fingerprint(pki.resolve("m1/peer.crt"))).isEqualTo(before);

            assertThat(Main.run(certsArgs(pki, "m1", "--renew", "--expiry-warn-days", "30"))).isZero();
            String renewed = fingerprint(pki.resolve("m1/peer.crt"));
            assertThat(renewed).isNotEqualTo(before);
            assertThat(servedFingerprint(m1)).as("served after renewal, same process").isEqualTo(renewed);
            assertThat(processes.getFirst().isAlive()).isTrue();
            assertThat(awaitHealthy(clientUrls, Duration.ofSeconds(20))).isTrue();
            try (var files = Files.list(pki.resolve("m1"))) {
                assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".bak")))
                        .hasSize(2).allMatch(f -> f.startsWith("peer.crt.") || f.startsWith("peer.key."));
            }
        } finally {
            stop(processes);
        }
    }

    private static String captureOut(Runnable r) {
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String captureErr(Runnable r) {
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String[] certsArgs(Path pki, String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("certs", "peer", "--ca-cert", pki.resolve("ca.crt").toString(),
                "--ca-key", pki.resolve("ca.key").toString(),
                "--out-cert", pki.resolve(name + "/peer.crt").toString(),
                "--out-key", pki.resolve(name + "/peer.key").toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static String servedFingerprint(Endpoint endpoint) {
        ProbeResult result = TlsProbe.probe(endpoint, ProbeOptions.defaults());
        assertThat(result.tls()).as("%s", result).isInstanceOf(ProbeResult.Tls.Established.class);
        return ((ProbeResult.Tls.Established) result.tls()).chain().getFirst().sha256();
    }

    private static String fingerprint(Path certFile) throws IOException {
        return CertificateFacts.sha256Fingerprint(
                ((CertificatesRead.Parsed) Pem.readCertificates(Files.readAllBytes(certFile))).leaf());
    }

    /** Starts one etcd per entry of {@code peerUrls} with peer TLS from {@code pki/<name>/peer.*}; waits for a leader. */
    private List<String> startMembers(Path etcd, Path pki, Map<String, String> peerUrls, List<Integer> ports,
            List<Process> processes) throws IOException, InterruptedException {
        String initialCluster = peerUrls.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        List<String> clientUrls = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> member : peerUrls.entrySet()) {
            String name = member.getKey();
            String clientUrl = "http://127.0.0.1:" + ports.get(2 * i + 1);
            clientUrls.add(clientUrl);
            processes.add(new ProcessBuilder(etcd.toString(), "--name", name,
                    "--data-dir", dir.resolve(name + ".etcd").toString(),
                    "--listen-peer-urls", member.getValue(), "--initial-advertise-peer-urls", member.getValue(),
                    "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                    "--initial-cluster", initialCluster, "--initial-cluster-token", "certs-peer-it",
                    "--initial-cluster-state", "new",
                    "--peer-cert-file", pki.resolve(name + "/peer.crt").toString(),
                    "--peer-key-file", pki.resolve(name + "/peer.key").toString(),
                    "--peer-trusted-ca-file", pki.resolve("ca.crt").toString(),
                    "--peer-client-cert-auth=true")
                    .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start());
            i++;
        }
        assertThat(awaitHealthy(clientUrls, Duration.ofSeconds(40)))
                .as("a leader is elected; log of m1:%n%s", Files.readString(dir.resolve("m1.log")))
                .isTrue();
        return clientUrls;
    }

    private static void stop(List<Process> processes) throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static boolean awaitHealthy(List<String> clientUrls, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            while (System.nanoTime() < deadline) {
                boolean all = true;
                for (String url : clientUrls) {
                    try {
                        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url + "/health"))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                        all &= response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
                    } catch (IOException e) {
                        all = false;
                    }
                }
                if (all) {
                    return true;
                }
                Thread.sleep(200);
            }
            return false;
        }
    }

    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
