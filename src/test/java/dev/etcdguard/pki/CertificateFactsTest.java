package dev.etcdguard.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateFactsTest {

    private static final CertificateAuthority CA = TestPki.CA;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void keyMatchesItsOwnCertificateOnly(KeyType type) {
        IssuedCertificate one = CA.issue(LeafSpec.peer("m1").withKeyType(type));
        IssuedCertificate other = CA.issue(LeafSpec.peer("m1").withKeyType(type));

        assertThat(CertificateFacts.keyMatches(one.certificate(), one.privateKey())).isTrue();
        assertThat(CertificateFacts.keyMatches(one.certificate(), other.privateKey())).isFalse();
        assertThat(CertificateFacts.keyMatches(other.certificate(), one.privateKey())).isFalse();
    }

    @Test
    void keyOfAnotherTypeNeverMatches() {
        IssuedCertificate rsa = CA.issue(LeafSpec.peer("m1").withKeyType(KeyType.RSA_2048));
        IssuedCertificate p256 = CA.issue(LeafSpec.peer("m1").withKeyType(KeyType.EC_P256));
        IssuedCertificate p384 = CA.issue(LeafSpec.peer("m1").withKeyType(KeyType.EC_P384));
        IssuedCertificate ed = CA.issue(LeafSpec.peer("m1").withKeyType(KeyType.ED25519));

        assertThat(CertificateFacts.keyMatches(rsa.certificate(), p256.privateKey())).isFalse();
        assertThat(CertificateFacts.keyMatches(p256.certificate(), rsa.privateKey())).isFalse();
        assertThat(CertificateFacts.keyMatches(p256.certificate(), p384.privateKey())).isFalse();
        assertThat(CertificateFacts.keyMatches(ed.certificate(), p256.privateKey())).isFalse();
        assertThat(CertificateFacts.keyMatches(p256.certificate(), ed.privateKey())).isFalse();
    }

    @Test
    void peerCertificateHasServerAndClientAuth() {
        IssuedCertificate peer = CA.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.extendedKeyUsages(peer.certificate())).containsExactly("serverAuth", "clientAuth");
        assertThat(CertificateFacts.allowsUsage(peer.certificate(), "clientAuth")).isTrue();
        assertThat(CertificateFacts.allowsUsage(peer.certificate(), "serverAuth")).isTrue();
    }

    @Test
    void serverAuthOnlyCertificateCannotBeAClient() {
        IssuedCertificate server = CA.issue(LeafSpec.peer("m1").withUsages("serverAuth"));

        assertThat(CertificateFacts.extendedKeyUsages(server.certificate())).containsExactly("serverAuth");
        assertThat(CertificateFacts.allowsUsage(server.certificate(), "serverAuth")).isTrue();
        assertThat(CertificateFacts.allowsUsage(server.certificate(), "clientAuth")).isFalse();
        assertThat(CertificateFacts.allowsUsage(server.certificate(), "1.3.6.1.5.5.7.3.2")).isFalse();
    }

    @Test
    void withoutTheExtensionEveryUsageIsAllowed() {
        IssuedCertificate any = CA.issue(LeafSpec.peer("m1").withUsages());

        assertThat(CertificateFacts.extendedKeyUsages(any.certificate())).isEmpty();
        assertThat(CertificateFacts.allowsUsage(any.certificate(), "clientAuth")).isTrue();
        assertThat(CertificateFacts.allowsUsage(any.certificate(), "serverAuth")).isTrue();
    }

    @Test
    void anyExtendedKeyUsageAllowsEverythingAndOtherUsagesAreOids() {
        IssuedCertificate anyUsage = CA.issue(LeafSpec.peer("m1").withUsages("anyExtendedKeyUsage"));
        IssuedCertificate codeSigning = CA.issue(LeafSpec.peer("m1").withUsages("1.3.6.1.5.5.7.3.3"));

        assertThat(CertificateFacts.allowsUsage(anyUsage.certificate(), "clientAuth")).isTrue();
        assertThat(CertificateFacts.extendedKeyUsages(codeSigning.certificate())).containsExactly("1.3.6.1.5.5.7.3.3");
        assertThat(CertificateFacts.allowsUsage(codeSigning.certificate(), "clientAuth")).isFalse();
        assertThat(CertificateFacts.allowsUsage(codeSigning.certificate(), "1.3.6.1.5.5.7.3.3")).isTrue();
    }

    @Test
    void namesAreListedInCanonicalForm() {
        IssuedCertificate cert = CA.issue(LeafSpec.peer("m1", "10.0.0.5", "FD00:0:0:0:0:0:0:5", "2001:db8:0:0:1:0:0:1")
                .withDnsNames("m1.etcd.local", "localhost"));

        assertThat(CertificateFacts.dnsNames(cert.certificate())).containsExactly("m1.etcd.local", "localhost");
        assertThat(CertificateFacts.ipAddresses(cert.certificate()))
                .containsExactly("10.0.0.5", "fd00::5", "2001:db8::1:0:0:1", "127.0.0.1");
    }

    @Test
    void coversHostByIpAddress() {
        IssuedCertificate cert = CA.issue(LeafSpec.peer("m1", "10.0.0.5", "fd00::5"));

        assertThat(CertificateFacts.coversHost(cert.certificate(), "10.0.0.5")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "127.0.0.1")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "fd00::5")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "[fd00::5]")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "FD00:0:0::5")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "::ffff:10.0.0.5")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "10.0.0.6")).isFalse();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "fd00::6")).isFalse();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "::1")).isFalse();
    }

    @Test
    void ipLiteralIsNotMatchedAgainstDnsNames() {
        // Go: an IP host is only compared with IP SANs, even when a DNS SAN spells the same text
        IssuedCertificate cert = CA.issue(LeafSpec.peer("m1").withIpAddresses().withDnsNames("10.0.0.9"));

        assertThat(CertificateFacts.coversHost(cert.certificate(), "10.0.0.9")).isFalse();
    }

    @Test
    void coversHostByDnsNameCaseInsensitively() {
        IssuedCertificate cert = CA.issue(LeafSpec.peer("m1").withDnsNames("etcd-0.etcd.kube-system.svc", "localhost"));

        assertThat(CertificateFacts.coversHost(cert.certificate(), "etcd-0.etcd.kube-system.svc")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "ETCD-0.Etcd.Kube-System.svc")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "etcd-0.etcd.kube-system.svc.")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "localhost")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "etcd-1.etcd.kube-system.svc")).isFalse();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "m1")).isFalse();
    }

    @Test
    void wildcardCoversExactlyOneLeftLabel() {
        IssuedCertificate cert = CA.issue(LeafSpec.peer("m1").withDnsNames("*.etcd.example.com"));

        assertThat(CertificateFacts.coversHost(cert.certificate(), "m1.etcd.example.com")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "M2.ETCD.example.com")).isTrue();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "a.b.etcd.example.com")).isFalse();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "etcd.example.com")).isFalse();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "m1.other.example.com")).isFalse();
    }

    @Test
    void commonNameIsNotAHostName() {
        IssuedCertificate cert = CA.issue(LeafSpec.peer("cn-only.example.com").withDnsNames().withIpAddresses());

        assertThat(CertificateFacts.dnsNames(cert.certificate())).isEmpty();
        assertThat(CertificateFacts.ipAddresses(cert.certificate())).isEmpty();
        assertThat(CertificateFacts.coversHost(cert.certificate(), "cn-only.example.com")).isFalse();
    }

    @Test
    void keyStrengthPerKeyType() {
        assertThat(strength(KeyType.RSA_2048)).isEqualTo(new CertificateFacts.KeyStrength("RSA", 2048));
        assertThat(strength(KeyType.RSA_1024)).isEqualTo(new CertificateFacts.KeyStrength("RSA", 1024));
        assertThat(strength(KeyType.EC_P256)).isEqualTo(new CertificateFacts.KeyStrength("EC", 256));
        assertThat(strength(KeyType.EC_P384)).isEqualTo(new CertificateFacts.KeyStrength("EC", 384));
        assertThat(strength(KeyType.ED25519)).isEqualTo(new CertificateFacts.KeyStrength("Ed25519", 256));
    }

    @Test
    void sha1AndMd5SignaturesAreWeak() {
        CertificateAuthority rsaCa = CertificateAuthority.create("rsa-ca", KeyType.RSA_2048);
        IssuedCertificate sha1 = rsaCa.issue(LeafSpec.peer("m1").withSignatureAlgorithm("SHA1withRSA"));
        IssuedCertificate md5 = rsaCa.issue(LeafSpec.peer("m1").withSignatureAlgorithm("MD5withRSA"));
        IssuedCertificate sha256 = rsaCa.issue(LeafSpec.peer("m1"));
        IssuedCertificate ecdsaSha1 = CA.issue(LeafSpec.peer("m1").withSignatureAlgorithm("SHA1withECDSA"));

        assertThat(sha1.certificate().getSigAlgName()).isEqualTo("SHA1withRSA");
        assertThat(CertificateFacts.weakSignature(sha1.certificate())).isTrue();
        assertThat(CertificateFacts.weakSignature(md5.certificate())).isTrue();
        assertThat(CertificateFacts.weakSignature(ecdsaSha1.certificate())).isTrue();
        assertThat(CertificateFacts.weakSignature(sha256.certificate())).isFalse();
        assertThat(CertificateFacts.weakSignature(CA.issue(LeafSpec.peer("m1")).certificate())).isFalse();
        assertThat(CertificateFacts.weakSignature(rsaCa.certificate())).isFalse();
    }

    @Test
    void fingerprintIsStableAndDistinct() {
        IssuedCertificate one = CA.issue(LeafSpec.peer("m1"));
        IssuedCertificate two = CA.issue(LeafSpec.peer("m1"));

        String fingerprint = CertificateFacts.sha256Fingerprint(one.certificate());

        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(CertificateFacts.sha256Fingerprint(one.certificate())).isEqualTo(fingerprint);
        assertThat(CertificateFacts.sha256Fingerprint(two.certificate())).isNotEqualTo(fingerprint);
    }

    @Test
    void describeNamesSubjectIssuerAndExpiry() {
        Instant notAfter = Instant.parse("2031-02-03T04:05:06Z");
        IssuedCertificate cert = CA.issue(LeafSpec.peer("m1").withValidity(notAfter.minus(Duration.ofDays(2)), notAfter));

        assertThat(CertificateFacts.describe(cert.certificate()))
                .isEqualTo("subject=CN=m1, issuer=CN=etcdguard-test-ca, notAfter=2031-02-03T04:05:06Z");
    }

    @Test
    void expiredCertificateIsIssuedAsAsked() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        IssuedCertificate expired = CA.issue(LeafSpec.peer("m1").withValidity(now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1))));

        assertThat(expired.certificate().getNotAfter().toInstant()).isEqualTo(now.minus(Duration.ofDays(1)));
        assertThat(CertificateFacts.chainProblem(List.of(expired.certificate()), List.of(CA.certificate()))).isEmpty();
    }

    private static CertificateFacts.KeyStrength strength(KeyType type) {
        return CertificateFacts.keyStrength(CA.issue(LeafSpec.peer("m1").withKeyType(type)).certificate());
    }
}
