package dev.etcdguard.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key pairs that issued certificates (tests, and {@code etcdguard certs peer}) can carry. */
public enum KeyType {
    EC_P256("SHA256withECDSA"),
    EC_P384("SHA384withECDSA"),
    RSA_2048("SHA256withRSA"),
    RSA_3072("SHA256withRSA"),
    RSA_4096("SHA256withRSA"),
    RSA_1024("SHA256withRSA"),
    ED25519("Ed25519");

    private final String defaultSignatureAlgorithm;

    KeyType(String defaultSignatureAlgorithm) {
        this.defaultSignatureAlgorithm = defaultSignatureAlgorithm;
    }

    /** The JCA signature algorithm a key of this type signs with unless told otherwise. */
    public String defaultSignatureAlgorithm() {
        return defaultSignatureAlgorithm;
    }

    public boolean isRsa() {
        return this == RSA_2048 || this == RSA_3072 || this == RSA_4096 || this == RSA_1024;
    }

    public boolean isEc() {
        return this == EC_P256 || this == EC_P384;
    }

    /** A fresh key pair from the JDK's providers. */
    public KeyPair generate() {
        try {
            KeyPairGenerator generator = switch (this) {
                case EC_P256, EC_P384 -> {
                    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
                    ec.initialize(new ECGenParameterSpec(this == EC_P256 ? "secp256r1" : "secp384r1"));
                    yield ec;
                }
                case RSA_2048, RSA_3072, RSA_4096, RSA_1024 -> {
                    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
                    rsa.initialize(switch (this) {
                        case RSA_3072 -> 3072;
                        case RSA_4096 -> 4096;
                        case RSA_1024 -> 1024;
                        default -> 2048;
                    });
                    yield rsa;
                }
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519");
            };
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate " + this + " key pair", e);
        }
    }
}
