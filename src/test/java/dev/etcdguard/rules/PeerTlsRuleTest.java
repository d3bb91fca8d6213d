package dev.etcdguard.rules;

import static dev.etcdguard.rules.MemberFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.etcd.Target;
import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.KeyType;
import dev.etcdguard.pki.LeafSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd-peer-tls rule on certificate files etcd would refuse (or that need no running etcd): each
 * defect must fail the right sub-check. Real etcd members are scanned in {@code HostScanIT}.
 */
class PeerTlsRuleTest {

    private static final String HARDENING = "etcd-peer-tls-hardening";

    @TempDir
    Path dir;

    @Test
    void correctPeerTlsPasses() throws IOException {
        Result r = MemberFixture.tlsMember(dir).evaluate();
        assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
        assertThat(r.checks()).extracting(CheckResult::status).containsOnly(Status.PASS);
        assertThat(r.target()).isEqualTo(new Target.Process(4242, "/usr/bin/etcd", "m1"));
        assertThat(r.rule().controls()).contains("cis-kubernetes-1.5.1:2.4", "cis-kubernetes-1.12:2.4",
                "cis-kubernetes-1.4.1:1.5.4", "disa-stig-kubernetes:V-242432", "disa-stig-kubernetes:V-242433");
    }

    @Test
    void certificateFlagsWithHttpPeerUrlsFail() throws IOException {
        Result r = MemberFixture.tlsMember(dir).flag("listen-peer-urls", "http://127.0.0.1:12380").evaluate();
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-cert-key-set").status()).isEqualTo(Status.PASS);
        CheckResult urls = check(r, "peer-urls-https");
        assertThat(urls.status()).isEqualTo(Status.FAIL);
        assertThat(urls.message()).contains("listen-peer-urls is http://127.0.0.1:12380")
                .contains("ignores the certificate on an http listener");
    }

    @Test
    void defaultPeerUrlsArePlaintext() throws IOException {
        Result r = MemberFixture.tlsMember(dir).flag("listen-peer-urls", null).evaluate();
        assertThat(check(r, "peer-urls-https").message())
                .contains("listen-peer-urls is not set, so etcd uses its default http://localhost:2380");
    }

    @Test
    void httpEntryForThisMemberInInitialCluster() throws IOException {
        Result r = MemberFixture.tlsMember(dir)
                .flag("initial-cluster", "m1=http://127.0.0.1:12380,m2=https://127.0.0.1:22380").evaluate();
        assertThat(check(r, "peer-urls-https").message()).contains("initial-cluster entry m1=http://127.0.0.1:12380");
    }

    @Test
    void nameMissingFromInitialClusterJudgesEveryEntry() throws IOException {
        // e.g. a StatefulSet template's --name=$(POD_NAME): this member's own entry cannot be found
        MemberFixture m = MemberFixture.tlsMember(dir).flag("name", "$(POD_NAME)");
        assertThat(check(m.evaluate(), "peer-urls-https").status()).isEqualTo(Status.PASS);
        m.flag("initial-cluster", "m1=https://127.0.0.1:12380,m2=http://127.0.0.1:22380");
        CheckResult urls = check(m.evaluate(), "peer-urls-https");
        assertThat(urls.status()).isEqualTo(Status.FAIL);
        assertThat(urls.message()).contains("initial-cluster entry m2=http://127.0.0.1:22380")
                .contains("'$(POD_NAME)' is not listed").doesNotContain("m1=https");
    }

    @Test
    void missingCertificateFlagsFail() throws IOException {
        Result r = MemberFixture.tlsMember(dir).flag("peer-cert-file", null).flag("peer-key-file", null).evaluate();
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-cert-key-set").message()).isEqualTo("peer-cert-file and peer-key-file are not set");
        assertThat(check(r, "peer-cert-parses").status()).isEqualTo(Status.NOT_APPLICABLE);
    }

    @Test
    void expiredCertificateFails() throws IOException {
        Instant now = Instant.now();
        MemberFixture m = MemberFixture.tlsMember(dir);
        m.certificate(LeafSpec.peer("m1", "127.0.0.1").withValidity(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1))));
        Result r = m.evaluate();
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-cert-validity").status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-cert-validity").message()).contains("expired on");
        assertThat(r.checks()).filteredOn(c -> c.status() == Status.FAIL).extracting(CheckResult::id)
                .containsExactly("peer-cert-validity");
    }

    @Test
    void notYetValidFailsAndExpiringSoonWarns() throws IOException {
        Instant now = Instant.now();
        MemberFixture m = MemberFixture.tlsMember(dir);
        m.certificate(LeafSpec.peer("m1", "127.0.0.1").withValidity(now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(300))));
        assertThat(check(m.evaluate(), "peer-cert-validity").message()).contains("not valid before");
        m.certificate(LeafSpec.peer("m1", "127.0.0.1").withValidity(now.minus(Duration.ofDays(2)), now.plus(Duration.ofDays(10))));
        Result soon = m.evaluate();
        assertThat(soon.status()).isEqualTo(Status.WARN);
        assertThat(check(soon, "peer-cert-validity").message()).contains("expires in");
        Result relaxed = m.evaluate(new EvaluationOptions(Instant.now(), 5));
        assertThat(relaxed.status()).isEqualTo(Status.PASS);
    }

    @Test
    void keyThatDoesNotMatchFails() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        var other = MemberFixture.CA.issue(LeafSpec.peer("m1", "127.0.0.1"));
        other.writePrivateKey(m.key, KeyFormat.PKCS8);
        Result r = m.evaluate();
        assertThat(check(r, "peer-key-matches-cert").status()).isEqualTo(Status.FAIL);
        assertThat(r.checks()).filteredOn(c -> c.status() == Status.FAIL).extracting(CheckResult::id)
                .containsExactly("peer-key-matches-cert");
    }

    @Test
    void sanThatDoesNotCoverTheAdvertisedHostFails() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        m.certificate(LeafSpec.peer("m1", "10.9.9.9").withIpAddresses("10.9.9.9").withDnsNames("m1"));
        Result r = m.evaluate();
        assertThat(check(r, "peer-cert-san").status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-cert-san").message()).contains("do not cover 127.0.0.1");
    }

    @Test
    void serverAuthOnlyCertificateFailsTheEkuCheck() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        m.certificate(LeafSpec.peer("m1", "127.0.0.1").withUsages("serverAuth"));
        Result r = m.evaluate();
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-cert-eku").status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-cert-eku").message()).contains("lacks clientAuth");
        assertThat(r.checks()).filteredOn(c -> c.status() == Status.FAIL).extracting(CheckResult::id)
                .containsExactly("peer-cert-eku");
    }

    @Test
    void certificateWithoutEkuExtensionAllowsEveryUsage() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        m.certificate(LeafSpec.peer("m1", "127.0.0.1").withUsages());
        assertThat(check(m.evaluate(), "peer-cert-eku").status()).isEqualTo(Status.PASS);
    }

    @Test
    void encryptedKeyFailsAndOtherKeyFormatsPass() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        var issued = MemberFixture.CA.issue(LeafSpec.peer("m1", "127.0.0.1"));
        m.certificate(issued, KeyFormat.ENCRYPTED_PKCS8);
        CheckResult encrypted = check(m.evaluate(), "peer-key-parses");
        assertThat(encrypted.status()).isEqualTo(Status.FAIL);
        assertThat(encrypted.message()).contains("encrypted");
        m.certificate(issued, KeyFormat.SEC1_EC);
        assertThat(m.evaluate().status()).isEqualTo(Status.PASS);
        m.certificate(MemberFixture.CA.issue(LeafSpec.peer("m1", "127.0.0.1").withKeyType(KeyType.RSA_2048)), KeyFormat.PKCS1_RSA);
        assertThat(m.evaluate().status()).isEqualTo(Status.PASS);
        m.certificate(MemberFixture.CA.issue(LeafSpec.peer("m1", "127.0.0.1").withKeyType(KeyType.ED25519)), KeyFormat.PKCS8);
        assertThat(m.evaluate().status()).isEqualTo(Status.PASS);
    }

    @Test
    void garbageFilesFail() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        Files.writeString(m.cert, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        Files.writeString(m.key, "hello");
        Result r = m.evaluate();
        assertThat(check(r, "peer-cert-parses").status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-key-parses").status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-key-matches-cert").status()).isEqualTo(Status.NOT_APPLICABLE);
    }

    @Test
    void weakKeysAndSignaturesFail() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        m.certificate(LeafSpec.peer("m1", "127.0.0.1").withKeyType(KeyType.RSA_1024));
        assertThat(check(m.evaluate(HARDENING), "peer-key-strength").message()).contains("RSA key of 1024 bits");
        assertThat(m.evaluate(HARDENING).status()).isEqualTo(Status.FAIL);
        // peer traffic is still TLS-encrypted with the configured certificate: CIS 2.4 holds
        assertThat(m.evaluate().status()).isEqualTo(Status.PASS);
        assertThat(check(m.evaluate(), "peer-cert-signature").status()).isEqualTo(Status.PASS);
        CertificateAuthority rsaCa = CertificateAuthority.create("rsa-ca", KeyType.RSA_2048);
        rsaCa.writeCertificate(m.caFile);
        m.certificate(rsaCa.issue(LeafSpec.peer("m1", "127.0.0.1").withKeyType(KeyType.RSA_2048)
                .withSignatureAlgorithm("SHA1withRSA")), KeyFormat.PKCS8);
        CheckResult sha1 = check(m.evaluate(HARDENING), "peer-key-strength");
        assertThat(sha1.status()).isEqualTo(Status.FAIL);
        assertThat(sha1.message()).contains("SHA1");
        // a SHA-1 signature is more than weak: etcd built with Go 1.18+ rejects it, so peers reject each other (2.4)
        Result cis = m.evaluate();
        assertThat(cis.status()).isEqualTo(Status.FAIL);
        assertThat(check(cis, "peer-cert-signature").message()).contains("is signed with SHA1withRSA",
                "members built with Go 1.18 or later");
    }

    @Test
    void wideKeyFileModeOrForeignOwnerWarns() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        Files.setPosixFilePermissions(m.key, PosixFilePermissions.fromString("rw-r--r--"));
        Result r = m.evaluate(HARDENING);
        assertThat(r.status()).isEqualTo(Status.WARN);
        assertThat(check(r, "peer-key-file-permissions").status()).isEqualTo(Status.WARN);
        assertThat(check(r, "peer-key-file-permissions").message()).contains("mode 0644 is wider than 0600");
        assertThat(m.evaluate().status()).as("CIS 2.4 does not ask about the file mode").isEqualTo(Status.PASS);
        Files.setPosixFilePermissions(m.key, PosixFilePermissions.fromString("rw-------"));
        m.uid = 0;
        assertThat(m.evaluate(HARDENING).status()).isEqualTo(Status.PASS);
    }

    @Test
    void certificateFromAnotherCaFailsTheChainCheck() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        CertificateAuthority.create("other-ca").writeCertificate(m.caFile);
        Result r = m.evaluate();
        assertThat(check(r, "peer-cert-chain").status()).isEqualTo(Status.FAIL);
        assertThat(r.checks()).filteredOn(c -> c.status() == Status.FAIL).extracting(CheckResult::id)
                .containsExactly("peer-cert-chain");
        m.flag("peer-trusted-ca-file", null);
        assertThat(check(m.evaluate(), "peer-cert-chain").status()).isEqualTo(Status.NOT_APPLICABLE);
    }

    @Test
    void intermediateChainPasses() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        CertificateAuthority intermediate = MemberFixture.CA.intermediate("etcd-intermediate");
        var leaf = intermediate.issue(LeafSpec.peer("m1", "127.0.0.1"));
        leaf.writeCertificateChain(m.cert, intermediate.certificate());
        leaf.writePrivateKey(m.key, KeyFormat.PKCS8);
        Result r = m.evaluate();
        assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
        assertThat(check(r, "peer-cert-parses").message()).contains("chain of 2 certificates");
    }

    @Test
    void autoTlsInsteadOfCertificatesFails() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir).flag("peer-cert-file", null).flag("peer-key-file", null)
                .flag("peer-auto-tls", "true");
        Result r = m.evaluate();
        assertThat(check(r, "peer-auto-tls").status()).isEqualTo(Status.FAIL);
        assertThat(check(r, "peer-auto-tls").message()).contains("self-signed").contains("peer-client-cert-auth");
        MemberFixture both = MemberFixture.tlsMember(dir.resolve("x").toFile().mkdirs() ? dir.resolve("x") : dir)
                .flag("peer-auto-tls", "true");
        assertThat(check(both.evaluate(), "peer-auto-tls").status()).isEqualTo(Status.PASS);
    }

    @Test
    void missingOrNonRegularFilesFail() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir).flag("peer-cert-file", dir.resolve("nope.crt").toString());
        CheckResult missing = check(m.evaluate(), "peer-files-readable");
        assertThat(missing.status()).isEqualTo(Status.FAIL);
        assertThat(missing.message()).contains("nope.crt does not exist");
        m.flag("peer-cert-file", dir.toString());
        assertThat(check(m.evaluate(), "peer-files-readable").message()).contains("is not a regular file");
    }

    @Test
    void singleMemberIsNotApplicableButDiscoveryIsACluster() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir).flag("initial-cluster", "m1=http://127.0.0.1:12380")
                .flag("listen-peer-urls", "http://127.0.0.1:12380");
        Result alone = m.evaluate();
        assertThat(alone.status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(alone.checks()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo("cluster-membership");
            assertThat(c.message()).contains("alone");
        });
        m.flag("discovery-srv", "example.test");
        assertThat(m.evaluate().status()).isEqualTo(Status.FAIL);
    }

    @Test
    void unreadableEnvironmentIsAnErrorNotAPass() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        m.environReadable = false;
        Result r = m.evaluate();
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(check(r, "evidence-readable").message()).contains("environ");
    }

    @Test
    void flagAndEnvironmentConflictWarns() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        m.env.put("ETCD_PEER_CERT_FILE", "/elsewhere.crt");
        Result r = m.evaluate();
        assertThat(r.status()).isEqualTo(Status.WARN);
        assertThat(check(r, "config-consistent").message()).contains("refuses to start").contains("ETCD_PEER_CERT_FILE")
                .contains("it started, so the etcd version running tolerated it").doesNotContain("crash-loop");
        // a running process started: its other rules are not failed for it
        assertThat(m.evaluateAll()).allSatisfy(x -> assertThat(x.checks()).noneMatch(c -> c.id().equals("starts")));
    }

    @Test
    void tlsOnlyThroughEnvironmentPasses() throws IOException {
        MemberFixture m = new MemberFixture(dir).certificate(LeafSpec.peer("m1", "127.0.0.1"));
        m.argv.add("/usr/bin/etcd");
        m.env.put("ETCD_NAME", "m1");
        m.env.put("ETCD_LISTEN_PEER_URLS", "https://127.0.0.1:12380");
        m.env.put("ETCD_INITIAL_ADVERTISE_PEER_URLS", "https://127.0.0.1:12380");
        m.env.put("ETCD_INITIAL_CLUSTER", "m1=https://127.0.0.1:12380,m2=https://127.0.0.1:22380");
        m.env.put("ETCD_PEER_CERT_FILE", m.cert.toString());
        m.env.put("ETCD_PEER_KEY_FILE", m.key.toString());
        Result r = m.evaluate();
        assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
        var evidence = (Evidence.Setting) check(r, "peer-cert-key-set").evidence().get(0);
        assertThat(evidence.resolved().provenance().source()).isEqualTo("env");
    }

    @Test
    void misplacedKeyInConfigFileFailsWithTheReason() throws IOException {
        MemberFixture m = new MemberFixture(dir).certificate(LeafSpec.peer("m1", "127.0.0.1"));
        Path config = dir.resolve("etcd.yml");
        Files.writeString(config, """
                name: m1
                listen-peer-urls: https://127.0.0.1:12380
                initial-advertise-peer-urls: https://127.0.0.1:12380
                initial-cluster: m1=https://127.0.0.1:12380,m2=https://127.0.0.1:22380
                peer-cert-file: %s
                peer-key-file: %s
                """.formatted(m.cert, m.key));
        m.argv.addAll(java.util.List.of("etcd", "--config-file", config.toString(), "--peer-cert-file=" + m.cert));
        Result r = m.evaluate();
        assertThat(r.status()).isEqualTo(Status.FAIL);
        CheckResult set = check(r, "peer-cert-key-set");
        assertThat(set.message()).contains("not set in the config file");
        assertThat(set.evidence()).filteredOn(e -> e instanceof Evidence.Issue).hasSize(3);
    }
}
