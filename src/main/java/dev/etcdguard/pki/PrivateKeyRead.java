package dev.etcdguard.pki;

import java.security.PrivateKey;
import java.util.Objects;

/**
 * Outcome of reading a PEM private key file. No variant ever renders key material in
 * {@code toString()} or in a reason.
 */
public sealed interface PrivateKeyRead permits PrivateKeyRead.Parsed, PrivateKeyRead.Encrypted, PrivateKeyRead.Invalid {

    /** Format of a "PRIVATE KEY" block (RSA, EC, Ed25519 and other PKCS#8 keys). */
    String PKCS8 = "PKCS#8";
    /** Format of an "RSA PRIVATE KEY" block. */
    String PKCS1_RSA = "PKCS#1 RSA";
    /** Format of an "EC PRIVATE KEY" block. */
    String SEC1_EC = "SEC1 EC";

    /**
     * A usable, unencrypted key.
     *
     * @param format one of {@link #PKCS8}, {@link #PKCS1_RSA}, {@link #SEC1_EC}
     */
    record Parsed(PrivateKey key, String format) implements PrivateKeyRead {
        public Parsed {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(format, "format");
        }

        @Override
        public String toString() {
            return "Parsed[" + key.getAlgorithm() + " private key, format=" + format + ", material redacted]";
        }
    }

    /**
     * A password-protected key, which etcd (Go's tls.X509KeyPair) cannot load.
     *
     * @param format {@link #PKCS8} for an "ENCRYPTED PRIVATE KEY" block; for legacy OpenSSL
     *     encryption ("Proc-Type: 4,ENCRYPTED" header) {@code "legacy PEM " + underlying format},
     *     e.g. "legacy PEM PKCS#1 RSA" or "legacy PEM SEC1 EC"
     */
    record Encrypted(String format) implements PrivateKeyRead {
        public Encrypted {
            Objects.requireNonNull(format, "format");
        }

        /** True for OpenSSL's legacy "Proc-Type: 4,ENCRYPTED" PEM encryption. */
        public boolean legacy() {
            return format.startsWith("legacy PEM ");
        }
    }

    /** Not a usable private key file; {@code reason} is meant for humans and holds no key bytes. */
    record Invalid(String reason) implements PrivateKeyRead {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
