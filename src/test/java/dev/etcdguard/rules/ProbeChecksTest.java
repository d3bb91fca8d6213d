package dev.etcdguard.rules;

import static dev.etcdguard.rules.MemberFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.probe.Endpoint;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.ProbeResult.Connect;
import dev.etcdguard.probe.ProbeResult.Plaintext;
import dev.etcdguard.probe.ProbeResult.ServedCertificate;
import dev.etcdguard.probe.ProbeResult.Tls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the probe's evidence feeds rules 2.4 and 2.5 (the probe itself is tested in TlsProbeTest and ProbeIT). */
class ProbeChecksTest {

    private static final String PEER = "https://127.0.0.1:12380";

    @TempDir
    Path dir;

    private MemberFixture m1;
    private String configuredSha256;

    @BeforeEach
    void member() throws IOException {
        m1 = MemberFixture.tlsMember(dir); // peer URLs https://127.0.0.1:12380, cert with serverAuth+clientAuth
        configuredSha256 = CertificateFacts.sha256Fingerprint(
                ((CertificatesRead.Parsed) Pem.readCertificates(Files.readAllBytes(m1.cert))).chain().get(0));
    }

    private static ServedCertificate served(String sha256, String... ekus) {
        return new ServedCertificate(sha256, "CN=m1", "CN=etcd-ca", List.of(), List.of("127.0.0.1"), List.of(ekus),
                Instant.EPOCH, Instant.now().plusSeconds(86400));
    }

    private ProbeResult wire(Tls tls, List<String> legacy, List<String> weak, Plaintext plaintext, ProbeResult.Members members) {
        return new ProbeResult(Endpoint.parse(PEER), new Connect.Connected(), tls, legacy, true, weak, plaintext, members, 5);
    }

    private ProbeResult sound() {
        return wire(new Tls.Established("TLSv1.3", "TLS_AES_128_GCM_SHA256",
                List.of(served(configuredSha256, "serverAuth", "clientAuth")), true, true), List.of(), List.of(),
                new Plaintext.RefusedByTls("HTTP/1.0 400 Bad Request"), null);
    }

    private Result evaluate(String rule, ProbeResult probe) throws IOException {
        return m1.evaluate(EvaluationOptions.defaults().withProbes(Map.of(probe.endpoint().address(), probe)), rule);
    }

    @Test
    void withoutProbeTheWireChecksAreLeftOut() throws IOException {
        assertThat(m1.evaluate("etcd-peer-tls").checks()).noneMatch(c -> c.id().startsWith("wire-"));
        Result unprobed = m1.evaluate(EvaluationOptions.defaults().withProbes(Map.of()), "etcd-peer-tls");
        assertThat(check(unprobed, "wire-tls-spoken").status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(unprobed.status()).isEqualTo(Status.PASS);
    }

    @Test
    void aSoundPeerPortPasses() throws IOException {
        Result r = evaluate("etcd-peer-tls", sound());
        assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
        assertThat(check(r, "wire-tls-spoken").evidence()).containsExactly(
                new Evidence.Wire(PEER, "TLSv1.3, TLS_AES_128_GCM_SHA256"));
        assertThat(check(evaluate("etcd-peer-client-cert-auth", sound()), "wire-client-cert-required").status())
                .isEqualTo(Status.PASS);
    }

    @Test
    void plaintextAnswerFailsWhateverTheFlagsSay() throws IOException {
        ProbeResult plain = wire(new Tls.NotSpoken("not a TLS record", false), List.of(), List.of(),
                new Plaintext.Answered("HTTP/1.1 404 Not Found", ""), null);
        Result r = evaluate("etcd-peer-tls", plain);
        assertThat(check(r, "peer-cert-key-set").status()).isEqualTo(Status.PASS);
        assertThat(check(r, "wire-tls-spoken").status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "wire-plaintext-refused").message())
                .isEqualTo("127.0.0.1:12380 answers plaintext HTTP (HTTP/1.1 404 Not Found): peer traffic is not encrypted");
        assertThat(r.status()).isEqualTo(Status.FAIL);
    }

    @Test
    void legacyProtocolsFailAndWeakSuitesWarn() throws IOException {
        Tls.Established tls = (Tls.Established) sound().tls();
        Result legacy = evaluate("etcd-peer-tls-hardening", wire(tls, List.of("TLSv1.1", "TLSv1"), List.of(),
                new Plaintext.NoAnswer("closed"), null));
        assertThat(check(legacy, "wire-tls-versions").status()).isEqualTo(Status.FAIL);
        assertThat(check(legacy, "wire-tls-versions").message()).startsWith("127.0.0.1:12380 accepts TLSv1.1 and TLSv1");
        ProbeResult weakSuites = wire(tls, List.of(), List.of("TLS_RSA_WITH_AES_128_CBC_SHA"),
                new Plaintext.NoAnswer("closed"), null);
        Result weak = evaluate("etcd-peer-tls-hardening", weakSuites);
        assertThat(check(weak, "wire-cipher-suites").status()).isEqualTo(Status.WARN);
        assertThat(weak.status()).isEqualTo(Status.WARN);
        // hardening, not what CIS 2.4 asks: the peer traffic is TLS-encrypted
        Result cis = evaluate("etcd-peer-tls", weakSuites);
        assertThat(cis.checks()).extracting(CheckResult::id).doesNotContain("wire-cipher-suites", "wire-tls-versions");
        assertThat(cis.status()).isEqualTo(Status.PASS);
        ProbeResult untested = new ProbeResult(Endpoint.parse(PEER), new Connect.Connected(), tls, List.of(), false,
                List.of(), new Plaintext.NoAnswer("closed"), null, 5);
        assertThat(check(evaluate("etcd-peer-tls-hardening", untested), "wire-tls-versions").status()).isEqualTo(Status.NOT_APPLICABLE);
    }

    @Test
    void servedCertificateWithoutClientAuthFailsAndAnotherCertificateWarns() throws IOException {
        Result serverOnly = evaluate("etcd-peer-tls", wire(new Tls.Established("TLSv1.3", "TLS_AES_128_GCM_SHA256",
                List.of(served(configuredSha256, "serverAuth")), true, true), List.of(), List.of(),
                new Plaintext.NoAnswer("closed"), null));
        assertThat(check(serverOnly, "wire-cert-eku").status()).isEqualTo(Status.FAIL);
        Result other = evaluate("etcd-peer-tls", wire(new Tls.Established("TLSv1.3", "TLS_AES_128_GCM_SHA256",
                List.of(served("ab:cd", "serverAuth", "clientAuth")), true, true), List.of(), List.of(),
                new Plaintext.NoAnswer("closed"), null));
        assertThat(check(other, "wire-cert-matches-config").status()).isEqualTo(Status.WARN);
        assertThat(check(other, "wire-cert-matches-config").message()).contains("the running configuration differs from disk");
    }

    @Test
    void noClientCertificateRequiredFails25() throws IOException {
        ProbeResult open = wire(new Tls.Established("TLSv1.3", "TLS_AES_128_GCM_SHA256",
                List.of(served(configuredSha256, "serverAuth", "clientAuth")), true, false), List.of(), List.of(),
                new Plaintext.NoAnswer("closed"), null);
        CheckResult c = check(evaluate("etcd-peer-client-cert-auth", open), "wire-client-cert-required");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.message()).isEqualTo("127.0.0.1:12380 accepts peers without a client certificate"
                + " (it asks for one but does not require it)");
    }

    @Test
    void aHandshakeTimeoutIsAnErrorAndAnUnreachablePortIsNotApplicable() throws IOException {
        ProbeResult silent = wire(new Tls.NotSpoken("read timed out", true), List.of(), List.of(),
                new Plaintext.NoAnswer("read timed out"), null);
        assertThat(evaluate("etcd-peer-tls", silent).status()).isEqualTo(Status.ERROR);
        ProbeResult dead = new ProbeResult(Endpoint.parse(PEER), new Connect.Failed("Connection refused", false),
                new Tls.NotTried(), List.of(), false, List.of(), new Plaintext.NotTried(), null, 1);
        Result r = evaluate("etcd-peer-tls", dead);
        assertThat(check(r, "wire-tls-spoken").status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(r.status()).isEqualTo(Status.PASS);
    }

    @Test
    void thePeerApisMemberListDecidesApplicability() throws IOException {
        Tls.Established tls = (Tls.Established) sound().tls();
        ProbeResult alone = wire(tls, List.of(), List.of(), new Plaintext.NoAnswer("closed"),
                new ProbeResult.Members(List.of("m1"), List.of(PEER)));
        Result r = evaluate("etcd-peer-tls", alone);
        assertThat(r.status()).as("initial-cluster lists 3, the wire says 1").isEqualTo(Status.NOT_APPLICABLE);
        assertThat(check(r, "cluster-membership").message()).contains("its peer API lists one member");
        ProbeResult three = wire(tls, List.of(), List.of(), new Plaintext.NoAnswer("closed"),
                new ProbeResult.Members(List.of("m1", "m2", "m3"), List.of(PEER, "https://127.0.0.1:22380", "https://127.0.0.1:32380")));
        assertThat(check(evaluate("etcd-peer-tls", three), "cluster-membership").message())
                .isEqualTo("member of a 3-member cluster, as its peer API lists");
    }

    @Test
    void anEndpointGivenToProbeIsJudgedByTheWireAlone() {
        List<Result> results = new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()
                .withProbes(Map.of("127.0.0.1:12380", sound()))).evaluate(sound());
        assertThat(results).extracting(r -> r.rule().id()).containsExactly("etcd-peer-tls", "etcd-peer-client-cert-auth",
                "etcd-peer-tls-hardening");
        Result peer = results.get(0);
        assertThat(peer.target()).isEqualTo(new dev.etcdguard.etcd.Target.Endpoint(PEER, null));
        assertThat(peer.checks()).allMatch(c -> c.id().startsWith("wire-"));
        assertThat(check(peer, "wire-cert-matches-config").status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(peer.status()).isEqualTo(Status.PASS);
    }
}
