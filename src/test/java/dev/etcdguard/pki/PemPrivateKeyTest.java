package dev.etcdguard.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PemPrivateKeyTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} key written as {1} reads back as {2}")
    @CsvSource({
        "RSA_2048, PKCS8, PKCS#8",
        "EC_P256, PKCS8, PKCS#8",
        "EC_P384, PKCS8, PKCS#8",
        "ED25519, PKCS8, PKCS#8",
        "RSA_2048, PKCS1_RSA, PKCS#1 RSA",
        "EC_P256, SEC1_EC, SEC1 EC",
        "EC_P384, SEC1_EC, SEC1 EC",
    })
    void readsEachUnencryptedFormat(KeyType keyType, KeyFormat format, String expectedFormat) throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1").withKeyType(keyType));

        PrivateKeyRead read = Pem.readPrivateKey(TestPki.keyPem(issued, format, dir));

        assertThat(read).isInstanceOfSatisfying(PrivateKeyRead.Parsed.class, parsed -> {
            assertThat(parsed.format()).isEqualTo(expectedFormat);
            // compared as a boolean: a failure message must not print key bytes
            assertThat(sameKey(parsed.key(), issued.privateKey())).as("same private key").isTrue();
            assertThat(CertificateFacts.keyMatches(issued.certificate(), parsed.key())).isTrue();
        });
    }

    @Test
    void ed25519KeyIsPkcs8WithItsAlgorithm() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1").withKeyType(KeyType.ED25519));

        PrivateKeyRead read = Pem.readPrivateKey(TestPki.keyPem(issued, KeyFormat.PKCS8, dir));

        assertThat(read).isInstanceOfSatisfying(PrivateKeyRead.Parsed.class, parsed -> {
            assertThat(parsed.format()).isEqualTo("PKCS#8");
            assertThat(((EdECPrivateKey) parsed.key()).getParams().getName()).isEqualTo("Ed25519");
        });
    }

    @Test
    void encryptedPkcs8IsReportedAsEncrypted() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));

        PrivateKeyRead read = Pem.readPrivateKey(TestPki.keyPem(issued, KeyFormat.ENCRYPTED_PKCS8, dir));

        assertThat(read).isEqualTo(new PrivateKeyRead.Encrypted("PKCS#8"));
        assertThat(((PrivateKeyRead.Encrypted) read).legacy()).isFalse();
    }

    @Test
    void legacyOpenSslEncryptionIsReportedAsEncrypted() throws Exception {
        IssuedCertificate rsa = TestPki.CA.issue(LeafSpec.peer("m1").withKeyType(KeyType.RSA_2048));
        IssuedCertificate ec = TestPki.CA.issue(LeafSpec.peer("m1"));

        PrivateKeyRead rsaRead = Pem.readPrivateKey(legacyEncrypted(rsa.privateKey()));
        PrivateKeyRead ecRead = Pem.readPrivateKey(legacyEncrypted(ec.privateKey()));

        assertThat(rsaRead).isEqualTo(new PrivateKeyRead.Encrypted("legacy PEM PKCS#1 RSA"));
        assertThat(ecRead).isEqualTo(new PrivateKeyRead.Encrypted("legacy PEM SEC1 EC"));
        assertThat(((PrivateKeyRead.Encrypted) rsaRead).legacy()).isTrue();
    }

    @Test
    void legacyEncryptedKeyIsRealOpenSslFormat() throws Exception {
        assumeThat(OpenSsl.available()).as("openssl installed").isTrue();
        IssuedCertificate rsa = TestPki.CA.issue(LeafSpec.peer("m1").withKeyType(KeyType.RSA_2048));
        Path file = dir.resolve("legacy.pem");
        Files.write(file, legacyEncrypted(rsa.privateKey()));

        OpenSsl.Result withPassword = OpenSsl.run("pkey", "-in", file.toString(), "-passin", "pass:legacy-pw", "-noout");
        OpenSsl.Result wrongPassword = OpenSsl.run("pkey", "-in", file.toString(), "-passin", "pass:wrong", "-noout");

        assertThat(withPassword.exitCode()).as(withPassword.output()).isZero();
        assertThat(wrongPassword.exitCode()).isNotZero();
    }

    @Test
    void ecParametersBlockBeforeTheKeyIsSkipped() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));
        // what `openssl ecparam -genkey -name prime256v1` writes: the curve OID block, then the key
        String pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + new String(TestPki.keyPem(issued, KeyFormat.SEC1_EC, dir), StandardCharsets.US_ASCII);

        PrivateKeyRead read = Pem.readPrivateKey(pem.getBytes(StandardCharsets.US_ASCII));

        assertThat(read).isInstanceOfSatisfying(PrivateKeyRead.Parsed.class, parsed ->
                assertThat(parsed.format()).isEqualTo("SEC1 EC"));
    }

    @Test
    void garbageIsInvalid() {
        assertThat(Pem.readPrivateKey("not a key".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(new PrivateKeyRead.Invalid("no PEM PRIVATE KEY block found"));
    }

    @Test
    void certificateGivenAsKeySaysWhatItFound() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1"));

        assertThat(Pem.readPrivateKey(TestPki.certPem(issued, dir)))
                .isEqualTo(new PrivateKeyRead.Invalid("no PEM PRIVATE KEY block found (found CERTIFICATE)"));
    }

    @Test
    void corruptKeyIsInvalidAndTheReasonQuotesNoKeyBytes() throws Exception {
        IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1").withKeyType(KeyType.RSA_2048));
        byte[] der = issued.privateKey().getEncoded();
        byte[] truncated = Arrays.copyOf(der, der.length / 2);
        String pem = PemText.encode("PRIVATE KEY", truncated);

        PrivateKeyRead read = Pem.readPrivateKey(pem.getBytes(StandardCharsets.US_ASCII));

        assertThat(read).isInstanceOfSatisfying(PrivateKeyRead.Invalid.class, invalid -> {
            assertThat(invalid.reason()).startsWith("PKCS#8 key does not parse");
            assertNoKeyMaterial(invalid.reason(), issued.privateKey());
            assertNoKeyMaterial(invalid.toString(), issued.privateKey());
        });
    }

    @Test
    void unsupportedBlockTypeIsInvalid() {
        String pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

        assertThat(Pem.readPrivateKey(pem.getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(new PrivateKeyRead.Invalid("unsupported private key block type \"OPENSSH PRIVATE KEY\""));
    }

    @Test
    void parsedToStringDoesNotLeakTheKey() throws Exception {
        for (KeyType type : new KeyType[] {KeyType.RSA_2048, KeyType.EC_P256, KeyType.ED25519}) {
            IssuedCertificate issued = TestPki.CA.issue(LeafSpec.peer("m1").withKeyType(type));
            PrivateKeyRead read = Pem.readPrivateKey(TestPki.keyPem(issued, KeyFormat.PKCS8, dir));

            assertThat(read).isInstanceOf(PrivateKeyRead.Parsed.class);
            assertThat(read.toString()).contains("redacted");
            assertNoKeyMaterial(read.toString(), issued.privateKey());
            assertNoKeyMaterial(issued.toString(), issued.privateKey());
        }
    }

    static void assertNoKeyMaterial(String text, PrivateKey key) {
        byte[] encoded = key.getEncoded();
        String base64 = Base64.getEncoder().encodeToString(encoded);
        String hex = HexFormat.of().formatHex(encoded);
        // any 16-character window of the encodings would betray key bytes
        for (int i = 0; i + 16 <= base64.length(); i += 8) {
            assertThat(text).doesNotContain(base64.substring(i, i + 16));
        }
        for (int i = 0; i + 16 <= hex.length(); i += 8) {
            assertThat(text.toLowerCase()).doesNotContain(hex.substring(i, i + 16));
        }
        if (key instanceof RSAPrivateKey rsa) {
            assertThat(text).doesNotContain(rsa.getPrivateExponent().toString().substring(0, 20));
            assertThat(text.toLowerCase()).doesNotContain(rsa.getPrivateExponent().toString(16).substring(0, 20));
        }
        if (key instanceof ECPrivateKey ec) {
            assertThat(text).doesNotContain(ec.getS().toString().substring(0, 20));
            assertThat(text.toLowerCase()).doesNotContain(ec.getS().toString(16).substring(0, 20));
        }
    }

    private static boolean sameKey(PrivateKey a, PrivateKey b) {
        if (a instanceof RSAPrivateKey ra && b instanceof RSAPrivateKey rb) {
            return ra.getModulus().equals(rb.getModulus()) && ra.getPrivateExponent().equals(rb.getPrivateExponent());
        }
        if (a instanceof ECPrivateKey ea && b instanceof ECPrivateKey eb) {
            return ea.getS().equals(eb.getS())
                    && ea.getParams().getCurve().equals(eb.getParams().getCurve());
        }
        if (a instanceof EdECPrivateKey ea && b instanceof EdECPrivateKey eb) {
            return ea.getParams().getName().equals(eb.getParams().getName())
                    && Arrays.equals(ea.getBytes().orElseThrow(), eb.getBytes().orElseThrow());
        }
        return false;
    }

    private static byte[] legacyEncrypted(PrivateKey key) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaMiscPEMGenerator(key,
                    new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(new BouncyCastleProvider())
                            .build("legacy-pw".toCharArray())));
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
