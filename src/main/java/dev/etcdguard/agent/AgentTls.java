package dev.etcdguard.agent;

import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.pki.PrivateKeyRead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The agent's HTTPS context from PEM files: its certificate chain and key, and the CA client certificates need. */
public final class AgentTls {

    private AgentTls() {}

    /**
     * @param clientCa CA certificates a client certificate must chain to (mTLS), or null for no client certificates
     * @throws IllegalArgumentException with the file and reason when a file cannot be read or parsed (never the key)
     */
    public static SSLContext context(Path cert, Path key, Path clientCa) throws IOException {
        List<X509Certificate> chain = switch (Pem.readCertificates(read(cert, "--tls-cert"))) {
            case CertificatesRead.Parsed p -> p.chain();
            case CertificatesRead.Invalid i -> throw new IllegalArgumentException("--tls-cert " + cert + ": " + i.reason());
        };
        java.security.PrivateKey privateKey = switch (Pem.readPrivateKey(read(key, "--tls-key"))) {
            case PrivateKeyRead.Parsed p -> p.key();
            case PrivateKeyRead.Encrypted e -> throw new IllegalArgumentException("--tls-key " + key
                    + ": the key is encrypted (" + e.format() + "); give an unencrypted key");
            case PrivateKeyRead.Invalid i -> throw new IllegalArgumentException("--tls-key " + key + ": " + i.reason());
        };
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            char[] none = new char[0];
            keys.setKeyEntry("agent", privateKey, none, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, none);
            TrustManagerFactory tmf = null;
            if (clientCa != null) {
                List<X509Certificate> cas = switch (Pem.readTrustedCertificates(read(clientCa, "--client-ca"))) {
                    case CertificatesRead.Parsed p -> p.chain();
                    case CertificatesRead.Invalid i -> throw new IllegalArgumentException("--client-ca " + clientCa
                            + ": " + i.reason());
                };
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                for (int i = 0; i < cas.size(); i++) {
                    trust.setCertificateEntry("ca-" + i, cas.get(i));
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-cert/--tls-key: cannot build the TLS context: " + e.getMessage());
        }
    }

    private static byte[] read(Path file, String option) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(option + " " + file + ": cannot read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
