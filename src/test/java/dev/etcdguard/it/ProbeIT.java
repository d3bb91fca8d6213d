package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.probe.Endpoint;
import dev.etcdguard.probe.ProbeOptions;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.ProbeResult.Plaintext;
import dev.etcdguard.probe.ProbeResult.Tls;
import dev.etcdguard.probe.ProbeTargets;
import dev.etcdguard.probe.TlsProbe;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.Status;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The active probe against real etcd members (Debian's etcd-server) on 127.0.0.1: what each peer
 * configuration shows on the wire, and the verdicts of rules 2.4 and 2.5 with that evidence. Every cluster
 * is killed by pid at the end of its test.
 */
class ProbeIT {

    @TempDir
    Path dir;

    private static final ProbeOptions OPTIONS = ProbeOptions.defaults();

    private LocalCluster.Builder cluster(String name, PeerTls tls) {
        return LocalCluster.builder(dir.resolve(name)).members(3).peerTls(tls);
    }

    /** Scans the cluster's processes with probe evidence, as 'scan --probe' does: result by rule id, per member. */
    private static Map<String, List<Result>> scanWithProbe(LocalCluster cluster) throws IOException {
        Set<Long> pids = new HashSet<>();
        cluster.members().forEach(m -> pids.add(m.pid()));
        List<ResolvedInvocation> invocations = ResolvedInvocation.all(new ProcCollector(Path.of("/proc")).collect(pids));
        ProbeTargets targets = ProbeTargets.of(invocations);
        assertThat(targets.endpoints()).extracting(Endpoint::url)
                .containsExactlyInAnyOrderElementsOf(cluster.members().stream().map(LocalCluster.Member::peerUrl).toList());
        Map<String, ProbeResult> byAddress = new LinkedHashMap<>();
        TlsProbe.probeAll(targets.endpoints(), OPTIONS).forEach(p -> byAddress.put(p.endpoint().address(), p));
        Evaluator evaluator = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults().withProbes(byAddress));
        Map<String, List<Result>> byRule = new LinkedHashMap<>();
        for (ResolvedInvocation inv : invocations) {
            for (Result r : evaluator.evaluate(inv)) {
                byRule.computeIfAbsent(r.rule().id(), k -> new ArrayList<>()).add(r);
            }
        }
        return byRule;
    }

    private static CheckResult check(Result r, String id) {
        return r.checks().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + id + " in " + r.checks()));
    }

    private static ProbeResult probe(LocalCluster.Member m) {
        return TlsProbe.probe(Endpoint.parse(m.peerUrl()), OPTIONS);
    }

    @Test
    void tlsWithClientCertAuthAndStrongSuitesPassesOnTheWire() throws IOException {
        try (LocalCluster c = cluster("strong", PeerTls.TLS).strongCipherSuites(true).start()) {
            LocalCluster.Member m1 = c.members().get(0);
            ProbeResult p = probe(m1);
            Tls.Established tls = (Tls.Established) p.tls();
            assertThat(tls.protocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(tls.clientCertRequested()).isTrue();
            assertThat(tls.clientCertRequired()).isTrue();
            assertThat(tls.chain().get(0).ipAddresses()).contains("127.0.0.1");
            assertThat(tls.chain().get(0).extendedKeyUsages()).contains("serverAuth", "clientAuth");
            assertThat(p.legacyProtocols()).isEmpty();
            assertThat(p.weakCipherSuites()).isEmpty();
            assertThat(p.plaintext()).isNotInstanceOf(Plaintext.Answered.class);

            Map<String, List<Result>> results = scanWithProbe(c);
            for (Result r : results.get("etcd-peer-tls")) {
                assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
                assertThat(check(r, "wire-tls-spoken").status()).isEqualTo(Status.PASS);
                assertThat(check(r, "wire-cert-matches-config").status()).isEqualTo(Status.PASS);
            }
            for (Result r : results.get("etcd-peer-client-cert-auth")) {
                assertThat(check(r, "wire-client-cert-required").status()).isEqualTo(Status.PASS);
            }
            for (Result r : results.get("etcd-peer-tls-hardening")) {
                assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
                assertThat(check(r, "wire-cipher-suites").status()).isEqualTo(Status.PASS);
            }
        }
    }

    @Test
    void aDefaultKubeadmLikeEtcdPasses24AndShowsGoDefaultSuitesUnderEg3() throws IOException {
        // kubeadm's peer TLS: certificate, key, trusted CA, peer-client-cert-auth; no --cipher-suites
        try (LocalCluster c = cluster("defaults", PeerTls.TLS).start()) {
            ProbeResult p = probe(c.members().get(0));
            // etcd sets a TLS 1.2 minimum itself; without --cipher-suites it takes Go's defaults, CBC suites included
            assertThat(p.legacyProtocols()).isEmpty();
            assertThat(p.weakCipherSuites()).contains("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
            // plaintext on etcd's TLS peer listener: the connection is closed without an HTTP answer
            assertThat(p.plaintext()).isInstanceOf(Plaintext.NoAnswer.class);
            Map<String, List<Result>> results = scanWithProbe(c);
            // CIS 2.4 asks whether peer traffic is TLS-encrypted with the configured certificate: it is
            for (Result r : results.get("etcd-peer-tls")) {
                assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
                assertThat(check(r, "wire-tls-spoken").status()).isEqualTo(Status.PASS);
                assertThat(check(r, "wire-plaintext-refused").status()).isEqualTo(Status.PASS);
                assertThat(r.checks()).extracting(CheckResult::id).doesNotContain("wire-cipher-suites", "wire-tls-versions");
            }
            // the weak suites are a finding of their own
            for (Result r : results.get("etcd-peer-tls-hardening")) {
                assertThat(r.rule().number()).isEqualTo("EG-3");
                assertThat(r.rule().controls()).contains("nist-sp-800-53:SC-8", "nist-sp-800-53:SC-13")
                        .noneMatch(ctl -> ctl.startsWith("cis-kubernetes"));
                assertThat(check(r, "wire-tls-versions").status()).isEqualTo(Status.PASS);
                assertThat(check(r, "wire-cipher-suites").status()).isEqualTo(Status.WARN);
                assertThat(check(r, "wire-cipher-suites").message()).contains("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
                assertThat(r.status()).isEqualTo(Status.WARN);
            }
        }
    }

    @Test
    void sha1SignedPeerCertificatesAreRejectedByEtcdAndFail24() throws Exception {
        try (LocalCluster c = cluster("sha1", PeerTls.TLS).strongCipherSuites(true)
                .peerCertificate(n -> dev.etcdguard.pki.LeafSpec.peer(n, "127.0.0.1").withSignatureAlgorithm("SHA1withECDSA"))
                .start()) {
            // etcd (Go 1.18+) rejects the SHA-1 signature: members refuse each other's connections
            String log = "";
            for (int i = 0; i < 100 && !log.contains("bad certificate"); i++) {
                Thread.sleep(100);
                log = c.logTail(c.members().get(0).name());
            }
            assertThat(log).contains("rejected connection", "bad certificate");
            Result r = scanWithProbe(c).get("etcd-peer-tls").get(0);
            assertThat(r.status()).isEqualTo(Status.FAIL);
            assertThat(check(r, "peer-cert-signature").message()).contains("SHA1withECDSA");
        }
    }

    @Test
    void tlsWithoutClientCertAuthFails25OnTheWire() throws IOException {
        try (LocalCluster c = cluster("noauth", PeerTls.TLS).peerClientCertAuth(false).peerTrustedCa(false)
                .strongCipherSuites(true).start()) {
            Tls.Established tls = (Tls.Established) probe(c.members().get(0)).tls();
            assertThat(tls.clientCertRequested()).isFalse();
            assertThat(tls.clientCertRequired()).isFalse();
            Result r = scanWithProbe(c).get("etcd-peer-client-cert-auth").get(0);
            assertThat(r.status()).isEqualTo(Status.FAIL);
            assertThat(check(r, "wire-client-cert-required").message()).contains("accepts peers without a client certificate");
        }
    }

    @Test
    void aTrustedCaAloneMakesEtcdRequireClientCertificates() throws IOException {
        try (LocalCluster c = cluster("ca-only", PeerTls.TLS).peerClientCertAuth(false).strongCipherSuites(true).start()) {
            Tls.Established tls = (Tls.Established) probe(c.members().get(0)).tls();
            assertThat(tls.clientCertRequired()).isTrue();
            Result r = scanWithProbe(c).get("etcd-peer-client-cert-auth").get(0);
            assertThat(check(r, "wire-client-cert-required").status()).isEqualTo(Status.PASS);
            CheckResult flag = check(r, "peer-client-cert-auth-enforced");
            assertThat(flag.status()).as("the benchmark asks for the flag").isEqualTo(Status.FAIL);
            assertThat(flag.message()).contains("etcd still requires client certificates on its https listeners because"
                    + " peer-trusted-ca-file is set");
        }
    }

    @Test
    void autoTlsServesASelfSignedCertificateAndDropsClientCertAuth() throws IOException {
        try (LocalCluster c = cluster("auto", PeerTls.AUTO_TLS).start()) {
            Tls.Established tls = (Tls.Established) probe(c.members().get(0)).tls();
            assertThat(tls.chain().get(0).subject()).isEqualTo(tls.chain().get(0).issuer());
            assertThat(tls.clientCertRequired()).as("etcd drops peer-client-cert-auth under auto-TLS").isFalse();
            Map<String, List<Result>> results = scanWithProbe(c);
            assertThat(check(results.get("etcd-peer-client-cert-auth").get(0), "wire-client-cert-required").status())
                    .isEqualTo(Status.FAIL);
            assertThat(results.get("etcd-peer-tls").get(0).status()).isEqualTo(Status.FAIL);
        }
    }

    @Test
    void plaintextPeersAnswerPlainHttp() throws IOException {
        try (LocalCluster c = cluster("plain", PeerTls.PLAINTEXT).start()) {
            ProbeResult p = probe(c.members().get(0));
            assertThat(p.tls()).isInstanceOf(Tls.NotSpoken.class);
            assertThat(((Plaintext.Answered) p.plaintext()).statusLine()).startsWith("HTTP/1.1 ");
            Result r = scanWithProbe(c).get("etcd-peer-tls").get(0);
            assertThat(check(r, "wire-tls-spoken").status()).isEqualTo(Status.FAIL);
            assertThat(check(r, "wire-plaintext-refused").status()).isEqualTo(Status.FAIL);
        }
    }

    @Test
    void certificateFlagsOnHttpPeerUrlsServePlaintextOnTheWire() throws IOException {
        try (LocalCluster c = cluster("certs-on-http", PeerTls.CERTS_ON_HTTP).start()) {
            Result r = scanWithProbe(c).get("etcd-peer-tls").get(0);
            assertThat(check(r, "peer-cert-key-set").status()).as("the flags a presence check reads").isEqualTo(Status.PASS);
            assertThat(check(r, "wire-plaintext-refused").status()).isEqualTo(Status.FAIL);
            assertThat(check(r, "wire-plaintext-refused").message()).contains("answers plaintext HTTP");
        }
    }

    @Test
    void mutualTlsProbeReadsTheMemberListFromThePeerApi() throws IOException {
        try (LocalCluster c = cluster("mtls", PeerTls.TLS).strongCipherSuites(true).start()) {
            Path cert = dir.resolve("probe.crt");
            Path key = dir.resolve("probe.key");
            var client = c.certificateAuthority().issue(dev.etcdguard.pki.LeafSpec.peer("etcdguard-probe", "127.0.0.1"));
            client.writeCertificate(cert);
            client.writePrivateKey(key, dev.etcdguard.pki.KeyFormat.PKCS8);
            ProbeResult p = TlsProbe.probe(Endpoint.parse(c.members().get(0).peerUrl()),
                    new ProbeOptions(ProbeOptions.DEFAULT_CONNECT_TIMEOUT, ProbeOptions.DEFAULT_HANDSHAKE_TIMEOUT, cert, key));
            assertThat(p.members()).isNotNull();
            assertThat(p.members().names()).containsExactlyInAnyOrder("m1", "m2", "m3");
            assertThat(p.members().peerUrls()).containsExactlyInAnyOrderElementsOf(
                    c.members().stream().map(LocalCluster.Member::peerUrl).toList());
            assertThat(((Tls.Established) p.tls()).clientCertRequired()).as("judged without the certificate").isTrue();
            Result r = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()
                    .withProbes(Map.of(p.endpoint().address(), p)))
                    .evaluate(new ProcCollector(Path.of("/proc")).collect(Set.of(c.members().get(0).pid())).get(0)).stream()
                    .filter(x -> x.rule().id().equals("etcd-peer-tls")).findFirst().orElseThrow();
            assertThat(check(r, "cluster-membership").message()).isEqualTo("member of a 3-member cluster, as its peer API lists");
        }
    }

    @Test
    @Timeout(30)
    void aListenerThatNeverAnswersCostsOneTimeoutAndIsAnError() throws Exception {
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(blackHole.accept()); // accept, never answer
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            int closedPort = closed.getLocalPort();
            closed.close();
            ProbeOptions quick = new ProbeOptions(Duration.ofMillis(500), Duration.ofMillis(500), null, null);
            List<ProbeResult> results = TlsProbe.probeAll(List.of(
                    Endpoint.parse("https://127.0.0.1:" + blackHole.getLocalPort()),
                    Endpoint.parse("https://127.0.0.1:" + closedPort)), quick);
            assertThat(((Tls.NotSpoken) results.get(0).tls()).timedOut()).isTrue();
            assertThat(results.get(0).plaintext()).isInstanceOf(Plaintext.NoAnswer.class);
            assertThat(results.get(1).connect()).isInstanceOf(ProbeResult.Connect.Failed.class);
            List<Result> verdicts = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()
                    .withProbes(Map.of(results.get(0).endpoint().address(), results.get(0))))
                    .evaluate(results.get(0));
            Result peer = verdicts.stream().filter(r -> r.rule().id().equals("etcd-peer-tls")).findFirst().orElseThrow();
            assertThat(peer.status()).isEqualTo(Status.ERROR);
            acceptor.interrupt();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void probeCommandReportsTheWireInJson() throws Exception {
        try (LocalCluster c = cluster("cli", PeerTls.CERTS_ON_HTTP).members(1).start();
             ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String closedUrl = "https://127.0.0.1:" + closed.getLocalPort();
            closed.close();
            Launcher.Run run = Launcher.run(Map.of(), "probe", c.members().get(0).peerUrl(), closedUrl, "--format", "json",
                    "--probe-connect-timeout", "500", "--probe-timeout", "500");
            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
            JsonNode root = JsonMapper.builder().build().readTree(run.stdout());
            List<JsonNode> peer = new ArrayList<>();
            root.path("results").forEach(r -> {
                if (r.path("rule").asString().equals("etcd-peer-tls")) {
                    peer.add(r);
                }
            });
            assertThat(peer).hasSize(2);
            assertThat(peer.get(0).path("target").path("kind").asString()).isEqualTo("endpoint");
            assertThat(peer.get(0).path("status").asString()).isEqualTo("FAIL");
            assertThat(peer.get(0).toString()).contains("\"endpoint\":\"" + c.members().get(0).peerUrl() + "\"",
                    "plaintext GET /version: HTTP/1.1 ");
            assertThat(peer.get(1).path("status").asString()).isEqualTo("NOT_APPLICABLE");

            Launcher.Run bad = Launcher.run(Map.of(), "probe", "10.0.0.0/8");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.stderr()).contains("only http:// and https:// endpoints can be probed").doesNotContain("Exception");
        }
    }

    @Test
    void scanWithProbeThroughTheLauncher() throws Exception {
        try (LocalCluster c = cluster("scan", PeerTls.PLAINTEXT).start()) {
            List<String> args = new ArrayList<>(List.of("scan", "--probe", "--format", "sarif"));
            c.members().forEach(m -> args.addAll(List.of("--pid", Long.toString(m.pid()))));
            Launcher.Run run = Launcher.run(Map.of(), args.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
            JsonNode sarif = JsonMapper.builder().build().readTree(run.stdout());
            List<String> wire = new ArrayList<>();
            sarif.path("runs").get(0).path("results").forEach(r -> r.path("properties").path("checks").forEach(ch ->
                    ch.path("wire").forEach(w -> wire.add(w.path("endpoint").asString() + " " + w.path("facts").asString()))));
            assertThat(wire).contains(c.members().get(0).peerUrl() + " plaintext GET /version: HTTP/1.1 200 OK");
            assertThat(sarif.path("runs").get(0).path("invocations").toString()).contains("probed 3 peer endpoint(s)");
        }
    }
}
