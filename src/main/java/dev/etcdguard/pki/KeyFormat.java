package dev.etcdguard.pki;

/** PEM encodings in which an issued private key can be written. */
public enum KeyFormat {
    /** "PRIVATE KEY" (any key type). */
    PKCS8,
    /** "RSA PRIVATE KEY" (RSA keys only). */
    PKCS1_RSA,
    /** "EC PRIVATE KEY" with curve and public key (EC keys only). */
    SEC1_EC,
    /** "ENCRYPTED PRIVATE KEY": PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC, password {@link IssuedCertificate#TEST_KEY_PASSWORD}. */
    ENCRYPTED_PKCS8
}
