package dev.etcdguard.pki;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A throw-away certificate authority for tests, demos and benchmarks: a self-signed CA certificate
 * (basicConstraints CA:TRUE, keyUsage keyCertSign|cRLSign) whose key stays in memory unless
 * {@link #writePrivateKey} writes it (a sandbox playing kubeadm's {@code ca.crt}/{@code ca.key}); or an
 * {@link #existing} CA read from files.
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

    /**
     * An existing CA (e.g. kubeadm's {@code /etc/kubernetes/pki/etcd/ca.crt} and {@code ca.key}) to issue with.
     *
     * @throws IllegalArgumentException with a one-line reason when the certificate is not a CA (basicConstraints
     *     CA:TRUE, keyCertSign if keyUsage is present), or the key is not the private half of its public key
     */
    public static CertificateAuthority existing(X509Certificate caCert, PrivateKey caKey) {
        Objects.requireNonNull(caCert, "caCert");
        Objects.requireNonNull(caKey, "caKey");
        if (caCert.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("certificate " + CertificateFacts.describe(caCert)
                    + " is not a CA (basicConstraints CA:TRUE missing)");
        }
        boolean[] usage = caCert.getKeyUsage();
        if (usage != null && (usage.length <= 5 || !usage[5])) {
            throw new IllegalArgumentException("CA certificate " + CertificateFacts.describe(caCert)
                    + " may not sign certificates (keyUsage lacks keyCertSign)");
        }
        if (!CertificateFacts.keyMatches(caCert, caKey)) {
            throw new IllegalArgumentException("the CA key does not match the CA certificate "
                    + CertificateFacts.describe(caCert) + " (it is not the private half of its public key)");
        }
        KeyType type = switch (caKey) {
            case java.security.interfaces.RSAKey rsa -> KeyType.RSA_2048; // SHA256withRSA whatever the modulus
            case java.security.interfaces.ECKey ec -> ec.getParams().getOrder().bitLength() > 256
                    ? KeyType.EC_P384 : KeyType.EC_P256;
            default -> {
                if (caKey.getAlgorithm().equals("EdDSA") || caKey.getAlgorithm().equals("Ed25519")) {
                    yield KeyType.ED25519;
                }
                throw new IllegalArgumentException("unsupported CA key algorithm " + caKey.getAlgorithm());
            }
        };
        return new CertificateAuthority(caCert, new KeyPair(caCert.getPublicKey(), caKey), type);
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

    /** Writes the CA key (mode 0600, atomically), e.g. as kubeadm's {@code ca.key} for {@code certs peer}. */
    public void writePrivateKey(Path file, KeyFormat format) {
        new IssuedCertificate(certificate, keyPair.getPrivate()).writePrivateKey(file, format);
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
