package dev.etcdguard.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** A certificate and its private key, as issued by {@link CertificateAuthority}. {@code toString()} omits the key. */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {

    /** Password of keys written as {@link KeyFormat#ENCRYPTED_PKCS8}. A test fixture, not a secret. */
    public static final String TEST_KEY_PASSWORD = "etcdguard-test-password";

    private static final int PBKDF2_ITERATIONS = 2048;

    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    public void writeCertificate(Path file) {
        SecureFiles.writePublic(file, PemText.certificate(certificate));
    }

    /** This certificate followed by {@code extra} (e.g. intermediates), one PEM file. */
    public void writeCertificateChain(Path file, X509Certificate... extra) {
        StringBuilder pem = new StringBuilder(PemText.certificate(certificate));
        for (X509Certificate cert : extra) {
            pem.append(PemText.certificate(cert));
        }
        SecureFiles.writePublic(file, pem.toString());
    }

    /** Writes the key in {@code format}, the file being mode 0600 from its creation. */
    public void writePrivateKey(Path file, KeyFormat format) {
        SecureFiles.writePrivate(file, privateKeyPem(format));
    }

    private String privateKeyPem(KeyFormat format) {
        byte[] pkcs8 = privateKey.getEncoded();
        try {
            return switch (format) {
                case PKCS8 -> PemText.encode("PRIVATE KEY", pkcs8);
                case PKCS1_RSA -> PemText.encode("RSA PRIVATE KEY", pkcs1(pkcs8));
                case SEC1_EC -> PemText.encode("EC PRIVATE KEY", sec1(pkcs8));
                case ENCRYPTED_PKCS8 -> PemText.encode("ENCRYPTED PRIVATE KEY", encrypt(pkcs8));
            };
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode " + privateKey.getAlgorithm() + " key as " + format, e);
        }
    }

    private byte[] pkcs1(byte[] pkcs8) throws IOException {
        if (!privateKey.getAlgorithm().equals("RSA")) {
            throw new IllegalArgumentException("PKCS#1 needs an RSA key, this one is " + privateKey.getAlgorithm());
        }
        return RSAPrivateKey.getInstance(PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey()).getEncoded();
    }

    private byte[] sec1(byte[] pkcs8) throws IOException {
        if (!(privateKey instanceof ECPrivateKey ec)) {
            throw new IllegalArgumentException("SEC1 needs an EC key, this one is " + privateKey.getAlgorithm());
        }
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8);
        ASN1Primitive curve = info.getPrivateKeyAlgorithm().getParameters().toASN1Primitive();
        DERBitString publicPoint = new DERBitString(
                SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()).getPublicKeyData().getBytes());
        int orderBits = ec.getParams().getOrder().bitLength();
        return new org.bouncycastle.asn1.sec.ECPrivateKey(orderBits, ec.getS(), publicPoint, curve).getEncoded();
    }

    /** PKCS#8 EncryptedPrivateKeyInfo: PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, as openssl writes by default. */
    private static byte[] encrypt(byte[] pkcs8) throws GeneralSecurityException, IOException {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        PBEKeySpec keySpec = new PBEKeySpec(TEST_KEY_PASSWORD.toCharArray(), salt, PBKDF2_ITERATIONS, 256);
        byte[] encrypted;
        try {
            byte[] keyBytes = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(keySpec).getEncoded();
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyBytes, "AES"), new IvParameterSpec(iv));
            encrypted = cipher.doFinal(pkcs8);
        } finally {
            keySpec.clearPassword();
        }
        PBKDF2Params kdf = new PBKDF2Params(salt, PBKDF2_ITERATIONS, 32,
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE));
        PBES2Parameters pbes2 = new PBES2Parameters(
                new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, kdf),
                new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv)));
        return new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, pbes2), encrypted)
                .getEncoded();
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + CertificateFacts.describe(certificate) + ", " + privateKey.getAlgorithm()
                + " private key redacted]";
    }
}
