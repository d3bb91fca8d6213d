package dev.etcdguard.pki;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A throw-away certificate authority for tests, demos and benchmarks: a self-signed CA certificate
 * (basicConstraints CA:TRUE, keyUsage keyCertSign|cRLSign) whose key never leaves memory.
 */
public final class CertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final KeyPair keyPair;
    private final KeyType keyType;

    private CertificateAuthority(X509Certificate certificate, KeyPair keyPair, KeyType keyType) {
        this.certificate = certificate;
        this.keyPair = keyPair;
        this.keyType = keyType;
    }

    /** A root CA with an EC P-256 key, valid from a day ago for ten years. */
    public static CertificateAuthority create(String commonName) {
        return create(commonName, KeyType.EC_P256);
    }

    /** A root CA with a key of {@code caKeyType} (RSA to issue SHA1withRSA certificates, say). */
    public static CertificateAuthority create(String commonName, KeyType caKeyType) {
        Objects.requireNonNull(commonName, "commonName");
        KeyPair pair = caKeyType.generate();
        X509Certificate cert = CertificateBuilder.caCertificate(commonName, pair.getPublic(), null,
                pair.getPrivate(), caKeyType.defaultSignatureAlgorithm(), serial(), -1);
        return new CertificateAuthority(cert, pair, caKeyType);
    }

    /** An intermediate CA (pathlen 0, EC P-256) signed by this CA; chains are leaf, intermediate. */
    public CertificateAuthority intermediate(String commonName) {
        KeyPair pair = KeyType.EC_P256.generate();
        X509Certificate cert = CertificateBuilder.caCertificate(commonName, pair.getPublic(),
                certificate, keyPair.getPrivate(),
                keyType.defaultSignatureAlgorithm(), serial(), 0);
        return new CertificateAuthority(cert, pair, KeyType.EC_P256);
    }

    /** Test hook: lets any issued certificate sign, e.g. to prove that CA:FALSE certificates are refused as issuers. */
    static CertificateAuthority signingWith(IssuedCertificate issued, KeyType keyType) {
        KeyPair pair = new KeyPair(issued.certificate().getPublicKey(), issued.privateKey());
        return new CertificateAuthority(issued.certificate(), pair, keyType);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public KeyType keyType() {
        return keyType;
    }

    /** A leaf certificate with a fresh key of {@code spec.keyType()}, signed by this CA. */
    public IssuedCertificate issue(LeafSpec spec) {
        KeyPair leafKeys = spec.keyType().generate();
        String algorithm = spec.signatureAlgorithm() != null ? spec.signatureAlgorithm() : keyType.defaultSignatureAlgorithm();
        X509Certificate leaf = CertificateBuilder.leafCertificate(spec, leafKeys.getPublic(), this, algorithm, serial());
        return new IssuedCertificate(leaf, leafKeys.getPrivate());
    }

    public void writeCertificate(Path file) {
        SecureFiles.writePublic(file, PemText.certificate(certificate));
    }

    KeyPair keyPair() {
        return keyPair;
    }

    static Instant caNotBefore() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
    }

    private static BigInteger serial() {
        return new BigInteger(120, RANDOM).add(BigInteger.ONE);
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + CertificateFacts.describe(certificate) + ", " + keyType + " key redacted]";
    }
}
