package dev.etcdguard.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Files written by issuance are checked with the real openssl tool. */
class IssuanceOpenSslTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsOpenSsl() {
        Assumptions.assumeTrue(OpenSsl.available(), "openssl not installed");
    }

    @Test
    void caCertificateIsAnOpenSslReadableCa() throws Exception {
        Path file = dir.resolve("ca.crt");
        TestPki.CA.writeCertificate(file);

        OpenSsl.Result text = OpenSsl.run("x509", "-in", file.toString(), "-noout", "-text");

        assertThat(text.exitCode()).as(text.output()).isZero();
        assertThat(text.output()).contains("CA:TRUE").contains("Certificate Sign, CRL Sign")
                .contains("Subject: CN = etcdguard-test-ca");
    }

    @Test
    void leafCertificateShowsItsExtensionsToOpenSsl() throws Exception {
        IssuedCertificate leaf = TestPki.CA.issue(LeafSpec.peer("m1", "10.0.0.5", "fd00::5"));
        Path file = dir.resolve("m1.crt");
        leaf.writeCertificate(file);

        OpenSsl.Result text = OpenSsl.run("x509", "-in", file.toString(), "-noout", "-text");

        assertThat(text.exitCode()).as(text.output()).isZero();
        assertThat(text.output()).contains("TLS Web Server Authentication, TLS Web Client Authentication")
                .contains("DNS:m1, DNS:localhost, IP Address:10.0.0.5, IP Address:FD00:0:0:0:0:0:0:5, IP Address:127.0.0.1")
                .contains("CA:FALSE");
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
        "RSA_2048, PKCS8", "EC_P256, PKCS8", "ED25519, PKCS8", "RSA_2048, PKCS1_RSA", "EC_P256, SEC1_EC",
        "EC_P384, SEC1_EC", "RSA_1024, PKCS1_RSA",
    })
    void keyFilesAreOwnerOnlyAndOpenSslReadable(KeyType type, KeyFormat format) throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1").withKeyType(type));
        Path key = dir.resolve("m1.key");
        Path cert = dir.resolve("m1.crt");
        issued.writePrivateKey(key, format);
        issued.writeCertificate(cert);

        OpenSsl.Result check = OpenSsl.run("pkey", "-in", key.toString(), "-noout");
        OpenSsl.Result keyPublic = OpenSsl.run("pkey", "-in", key.toString(), "-pubout");
        OpenSsl.Result certPublic = OpenSsl.run("x509", "-in", cert.toString(), "-noout", "-pubkey");

        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(keyPublic.output()).isEqualTo(certPublic.output()).contains("BEGIN PUBLIC KEY");
        String header = Files.readString(key).lines().findFirst().orElseThrow();
        assertThat(header).isEqualTo(switch (format) {
            case PKCS8 -> "-----BEGIN PRIVATE KEY-----";
            case PKCS1_RSA -> "-----BEGIN RSA PRIVATE KEY-----";
            case SEC1_EC -> "-----BEGIN EC PRIVATE KEY-----";
            case ENCRYPTED_PKCS8 -> "-----BEGIN ENCRYPTED PRIVATE KEY-----";
        });
    }

    @Test
    void encryptedKeyOpensOnlyWithTheTestPassword() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));
        Path key = dir.resolve("m1.key");
        issued.writePrivateKey(key, KeyFormat.ENCRYPTED_PKCS8);

        OpenSsl.Result right = OpenSsl.run("pkey", "-in", key.toString(), "-passin",
                "pass:" + IssuedCertificate.TEST_KEY_PASSWORD, "-noout");
        OpenSsl.Result wrong = OpenSsl.run("pkey", "-in", key.toString(), "-passin", "pass:nope", "-noout");
        OpenSsl.Result structure = OpenSsl.run("asn1parse", "-in", key.toString());

        assertThat(right.exitCode()).as(right.output()).isZero();
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(structure.output()).contains("PBES2").contains("PBKDF2").contains("hmacWithSHA256")
                .contains("aes-256-cbc");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void rewritingAKeyKeepsItOwnerOnly() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));
        Path key = dir.resolve("m1.key");
        Files.writeString(key, "old");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        issued.writePrivateKey(key, KeyFormat.PKCS8);

        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Pem.readPrivateKey(Files.readAllBytes(key))).isInstanceOf(PrivateKeyRead.Parsed.class);
        try (var siblings = Files.list(dir)) {
            assertThat(siblings).containsExactly(key);
        }
    }

    @Test
    void wrongKeyFormatForTheKeyTypeIsRefused() {
        IssuedCertificate ec = TestPki.CA.issue(LeafSpec.peer("m1"));
        IssuedCertificate rsa = TestPki.CA.issue(LeafSpec.peer("m1").withKeyType(KeyType.RSA_2048));

        assertThatThrownBy(() -> ec.writePrivateKey(dir.resolve("a.key"), KeyFormat.PKCS1_RSA))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKCS#1 needs an RSA key");
        assertThatThrownBy(() -> rsa.writePrivateKey(dir.resolve("b.key"), KeyFormat.SEC1_EC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SEC1 needs an EC key");
    }

    @Test
    void rsaSignatureNeedsAnRsaCa() {
        assertThatThrownBy(() -> TestPki.CA.issue(LeafSpec.peer("m1").withSignatureAlgorithm("SHA1withRSA")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHA1withRSA");
    }

    @Test
    void chainVerdictAgreesWithOpenSslVerify() throws Exception {
        CertificateAuthority intermediate = TestPki.CA.intermediate("etcd-intermediate");
        IssuedCertificate leaf = intermediate.issue(LeafSpec.peer("m1"));
        CertificateAuthority other = CertificateAuthority.create("other-ca");
        Path ca = dir.resolve("ca.crt");
        Path otherCa = dir.resolve("other.crt");
        Path inter = dir.resolve("intermediate.crt");
        Path leafFile = dir.resolve("leaf.crt");
        TestPki.CA.writeCertificate(ca);
        other.writeCertificate(otherCa);
        intermediate.writeCertificate(inter);
        leaf.writeCertificate(leafFile);

        OpenSsl.Result good = OpenSsl.run("verify", "-CAfile", ca.toString(), "-untrusted", inter.toString(),
                leafFile.toString());
        OpenSsl.Result missingIntermediate = OpenSsl.run("verify", "-CAfile", ca.toString(), leafFile.toString());
        OpenSsl.Result wrongCa = OpenSsl.run("verify", "-CAfile", otherCa.toString(), "-untrusted", inter.toString(),
                leafFile.toString());

        List<X509Certificate> chain = List.of(leaf.certificate(), intermediate.certificate());
        assertThat(good.exitCode()).as(good.output()).isZero();
        assertThat(CertificateFacts.chainProblem(chain, List.of(TestPki.CA.certificate()))).isEmpty();
        assertThat(missingIntermediate.exitCode()).isNotZero();
        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate()), List.of(TestPki.CA.certificate())))
                .isPresent();
        assertThat(wrongCa.exitCode()).isNotZero();
        assertThat(CertificateFacts.chainProblem(chain, List.of(other.certificate()))).isPresent();
    }

    @Test
    void fingerprintEqualsOpenSsls() throws Exception {
        IssuedCertificate leaf = TestPki.CA.issue(LeafSpec.peer("m1"));
        Path file = dir.resolve("m1.crt");
        leaf.writeCertificate(file);

        OpenSsl.Result result = OpenSsl.run("x509", "-in", file.toString(), "-noout", "-fingerprint", "-sha256");

        assertThat(result.exitCode()).isZero();
        String openSsl = result.output().strip().substring(result.output().indexOf('=') + 1);
        assertThat(CertificateFacts.sha256Fingerprint(leaf.certificate())).isEqualTo(openSsl);
    }

    @Test
    void weakSignatureIsWhatOpenSslSees() throws Exception {
        CertificateAuthority rsaCa = CertificateAuthority.create("rsa-ca", KeyType.RSA_2048);
        IssuedCertificate sha1 = rsaCa.issue(LeafSpec.peer("m1").withSignatureAlgorithm("SHA1withRSA"));
        Path file = dir.resolve("sha1.crt");
        sha1.writeCertificate(file);

        OpenSsl.Result text = OpenSsl.run("x509", "-in", file.toString(), "-noout", "-text");

        assertThat(text.output()).contains("Signature Algorithm: sha1WithRSAEncryption");
        assertThat(CertificateFacts.weakSignature(sha1.certificate())).isTrue();
    }
}
