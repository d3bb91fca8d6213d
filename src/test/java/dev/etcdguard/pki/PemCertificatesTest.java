package dev.etcdguard.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void readsASingleCertificate() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));

        CertificatesRead read = Pem.readCertificates(TestPki.certPem(issued, dir));

        assertThat(read).isInstanceOfSatisfying(CertificatesRead.Parsed.class, parsed -> {
            assertThat(parsed.chain()).containsExactly(issued.certificate());
            assertThat(parsed.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=m1");
        });
    }

    @Test
    void readsLeafAndIntermediateInFileOrder() throws Exception {
        CertificateAuthority intermediate = TestPki.CA.intermediate("etcdguard-intermediate");
        IssuedCertificate leaf = intermediate.issue(LeafSpec.peer("m2"));
        Path file = dir.resolve("chain.pem");
        leaf.writeCertificateChain(file, intermediate.certificate());

        CertificatesRead read = Pem.readCertificates(Files.readAllBytes(file));

        assertThat(read).isInstanceOfSatisfying(CertificatesRead.Parsed.class, parsed ->
                assertThat(parsed.chain()).containsExactly(leaf.certificate(), intermediate.certificate()));
    }

    @Test
    void ignoresTextAroundBlocksAndOtherBlockTypes() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));
        String pem = "Bag Attributes\n    friendlyName: m1\n" + new String(TestPki.certPem(issued, dir), StandardCharsets.US_ASCII)
                + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\ntrailing text\n";

        CertificatesRead read = Pem.readCertificates(pem.getBytes(StandardCharsets.US_ASCII));

        assertThat(read).isInstanceOfSatisfying(CertificatesRead.Parsed.class, parsed ->
                assertThat(parsed.chain()).containsExactly(issued.certificate()));
    }

    @Test
    void fileWithoutCertificateIsInvalid() {
        assertThat(Pem.readCertificates("hello world\n".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(new CertificatesRead.Invalid("no PEM CERTIFICATE block found"));
        assertThat(Pem.readCertificates(new byte[0])).isInstanceOf(CertificatesRead.Invalid.class);
    }

    @Test
    void keyFileGivenAsCertificateSaysWhatItFound() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));

        CertificatesRead read = Pem.readCertificates(TestPki.keyPem(issued, KeyFormat.PKCS8, dir));

        assertThat(read).isEqualTo(new CertificatesRead.Invalid("no PEM CERTIFICATE block found (found PRIVATE KEY)"));
    }

    @Test
    void derEncodedCertificateIsNotPem() {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));

        CertificatesRead read = Pem.readCertificates(encoded(issued));

        assertThat(read).isInstanceOf(CertificatesRead.Invalid.class);
    }

    @Test
    void secondBlockThatDoesNotParseNamesItsPosition() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));
        String bogus = Base64.getEncoder().encodeToString("definitely not DER".getBytes(StandardCharsets.US_ASCII));
        String pem = new String(TestPki.certPem(issued, dir), StandardCharsets.US_ASCII)
                + "-----BEGIN CERTIFICATE-----\n" + bogus + "\n-----END CERTIFICATE-----\n";

        CertificatesRead read = Pem.readCertificates(pem.getBytes(StandardCharsets.US_ASCII));

        assertThat(read).isInstanceOfSatisfying(CertificatesRead.Invalid.class, invalid ->
                assertThat(invalid.reason()).startsWith("certificate 2 does not parse: "));
    }

    @Test
    void badBase64AndMissingEndLineAreInvalid() {
        String badBase64 = "-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n";
        String noEnd = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n";

        assertThat(Pem.readCertificates(badBase64.getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(new CertificatesRead.Invalid("certificate 1 is not valid PEM: body is not valid base64"));
        assertThat(Pem.readCertificates(noEnd.getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(new CertificatesRead.Invalid(
                        "certificate 1 is not valid PEM: missing \"-----END CERTIFICATE-----\" line"));
    }

    @Test
    void windowsLineEndingsAreAccepted() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));
        String crlf = new String(TestPki.certPem(issued, dir), StandardCharsets.US_ASCII).replace("\n", "\r\n");

        assertThat(Pem.readCertificates(crlf.getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(new CertificatesRead.Parsed(List.of(issued.certificate())));
    }

    @Test
    void trustedCaFileMustHoldOnlyCertificates() throws Exception {
        String ca = new String(TestPki.certPem(TestPki.CA.issue(LeafSpec.peer("m1")), dir), StandardCharsets.US_ASCII);
        String withKey = ca + new String(TestPki.keyPem(TestPki.CA.issue(LeafSpec.peer("m2")), KeyFormat.PKCS8, dir),
                StandardCharsets.US_ASCII);

        CertificatesRead plain = Pem.readTrustedCertificates(ca.getBytes(StandardCharsets.US_ASCII));
        CertificatesRead mixed = Pem.readTrustedCertificates(withKey.getBytes(StandardCharsets.US_ASCII));

        assertThat(plain).isInstanceOf(CertificatesRead.Parsed.class);
        assertThat(mixed).isInstanceOfSatisfying(CertificatesRead.Invalid.class, invalid ->
                assertThat(invalid.reason()).startsWith("block 2 (PRIVATE KEY) is not a certificate, so etcd refuses"));
        // the lenient reader, like Go's certificate file loading, skips the key block
        assertThat(Pem.readCertificates(withKey.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(CertificatesRead.Parsed.class);
    }

    private static byte[] encoded(IssuedCertificate issued) {
        try {
            return issued.certificate().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
