package dev.etcdguard.probe;

import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.pki.PrivateKeyRead;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One TLS client connection layered on a TCP socket. It trusts every server (the probe observes, it does not
 * authenticate), checks no hostname, and records what the server showed: its chain, the negotiated protocol and
 * cipher suite (known as soon as the server's certificate arrives, even if the handshake fails later), and whether it
 * asked for a client certificate. Each connection has its own {@link SSLContext}, so no session is ever resumed.
 */
final class TlsConnection implements AutoCloseable {

    private static final String CLIENT_ALIAS = "client";

    /** Why a handshake failed; {@code tlsAlert} when the server answered with a TLS alert. */
    record Failure(String reason, boolean timedOut, boolean tlsAlert) {
    }

    /** The client certificate chain and key to present; {@code toString()} never shows the key. */
    record ClientIdentity(List<X509Certificate> chain, PrivateKey key) {
        ClientIdentity {
            chain = List.copyOf(chain);
        }

        /** Reads both PEM files of {@code options}; null when none is given. */
        static ClientIdentity load(ProbeOptions options) {
            if (options.clientCert() == null && options.clientKey() == null) {
                return null;
            }
            if (options.clientCert() == null || options.clientKey() == null) {
                throw new IllegalArgumentException("a client certificate needs both its certificate and its key file");
            }
            List<X509Certificate> chain = switch (Pem.readCertificates(read(options.clientCert()))) {
                case CertificatesRead.Parsed parsed -> parsed.chain();
                case CertificatesRead.Invalid invalid -> throw new IllegalArgumentException(
                        "client certificate " + options.clientCert() + ": " + invalid.reason());
            };
            PrivateKey key = switch (Pem.readPrivateKey(read(options.clientKey()))) {
                case PrivateKeyRead.Parsed parsed -> parsed.key();
                case PrivateKeyRead.Encrypted encrypted -> throw new IllegalArgumentException(
                        "client key " + options.clientKey() + " is encrypted (" + encrypted.format() + ")");
                case PrivateKeyRead.Invalid invalid -> throw new IllegalArgumentException(
                        "client key " + options.clientKey() + ": " + invalid.reason());
            };
            if (!CertificateFacts.keyMatches(chain.getFirst(), key)) {
                throw new IllegalArgumentException("client key " + options.clientKey() + " does not belong to "
                        + options.clientCert());
            }
            return new ClientIdentity(chain, key);
        }

        private static byte[] read(Path file) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + IoErrors.reason(e), e);
            }
        }

        @Override
        public String toString() {
            return "ClientIdentity[" + CertificateFacts.describe(chain.getFirst()) + ", private key redacted]";
        }
    }

    private final Socket raw;
    private final SSLSocket ssl;
    private final Duration timeout;
    private final Observer observer;

    /**
     * Layers TLS on {@code raw}, offering only {@code protocols} and {@code suites}; closing this connection closes
     * {@code raw}.
     *
     * @param stopAtCertificate end the handshake as soon as the server's certificate arrives: the protocol and suite
     *                          it chose are then known, and neither side spends the key exchange's arithmetic
     */
    TlsConnection(Socket raw, Endpoint endpoint, Duration timeout, String[] protocols, String[] suites,
                  ClientIdentity identity, boolean stopAtCertificate) throws IOException {
        this.raw = raw;
        this.timeout = timeout;
        this.observer = new Observer(identity, stopAtCertificate);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {observer}, new TrustManager[] {observer.trustManager()}, null);
            this.ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, endpoint.host(), endpoint.port(), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot create a TLS client", e);
        }
        ssl.setEnabledProtocols(protocols);
        ssl.setEnabledCipherSuites(suites);
    }

    /** Runs the handshake within the timeout; empty on success. */
    Optional<Failure> handshake() {
        try (Wire.Deadline deadline = Wire.Deadline.closing(raw, timeout)) {
            try {
                ssl.setSoTimeout(Wire.millis(timeout));
                ssl.startHandshake();
                return Optional.empty();
            } catch (IOException e) {
                boolean timedOut = deadline.fired() || e instanceof SocketTimeoutException;
                String reason = timedOut ? "no TLS handshake within " + timeout.toMillis() + " ms" : Wire.reason(e);
                return Optional.of(new Failure(reason, timedOut, isAlert(e)));
            }
        }
    }

    /** Sends {@code request} over TLS and reads the answer (see {@link Wire#exchange}). */
    Wire.Received exchange(byte[] request, int limit, Predicate<byte[]> enough) {
        return Wire.exchange(ssl, raw, request, limit, timeout, enough);
    }

    /** True when the exception reports a TLS alert the server sent. */
    static boolean isAlert(Throwable e) {
        return e instanceof SSLException && e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("received fatal alert");
    }

    /** The server's certificates, leaf first, once it sent them; else empty. */
    List<X509Certificate> serverChain() {
        return observer.chain;
    }

    /** The negotiated protocol, once the server's certificate arrived; else null. */
    String protocol() {
        return observer.protocol;
    }

    /** The negotiated cipher suite, once the server's certificate arrived; else null. */
    String cipherSuite() {
        return observer.cipherSuite;
    }

    boolean clientCertRequested() {
        return observer.requested;
    }

    boolean clientCertPresented() {
        return observer.presented;
    }

    @Override
    public void close() {
        // the raw socket first: closing TLS may try to send close_notify, which must not block on a stuck peer
        Wire.closeQuietly(raw);
        Wire.closeQuietly(ssl);
    }

    /**
     * Key manager that notes the server's certificate request and presents the client identity when there is one,
     * with a trust manager that accepts and records every server chain.
     */
    private static final class Observer extends X509ExtendedKeyManager {
        private final ClientIdentity identity;
        private final boolean stopAtCertificate;
        private volatile boolean requested;
        private volatile boolean presented;
        private volatile List<X509Certificate> chain = List.of();
        private volatile String protocol;
        private volatile String cipherSuite;

        Observer(ClientIdentity identity, boolean stopAtCertificate) {
            this.identity = identity;
            this.stopAtCertificate = stopAtCertificate;
        }

        private String chooseAlias(String[] keyTypes) {
            requested = true;
            if (identity == null || keyTypes == null) {
                return null;
            }
            String algorithm = identity.key().getAlgorithm();
            for (String keyType : keyTypes) {
                if (keyType.equalsIgnoreCase(algorithm) || (keyType.equals("EdDSA") && algorithm.startsWith("Ed"))) {
                    presented = true;
                    return CLIENT_ALIAS;
                }
            }
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return chooseAlias(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return chooseAlias(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return identity == null ? null : new String[] {CLIENT_ALIAS};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return identity != null && CLIENT_ALIAS.equals(alias) ? identity.chain().toArray(X509Certificate[]::new)
                    : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity != null && CLIENT_ALIAS.equals(alias) ? identity.key() : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        void recordServer(X509Certificate[] served, SSLSession handshake) throws CertificateException {
            chain = served == null ? List.of() : List.of(served);
            if (handshake != null) {
                protocol = handshake.getProtocol();
                cipherSuite = handshake.getCipherSuite();
            }
            if (stopAtCertificate) {
                throw new CertificateException("etcdguard: negotiation observed, handshake ended on purpose");
            }
        }

        X509ExtendedTrustManager trustManager() {
            return new X509ExtendedTrustManager() {
                @Override
                public void checkServerTrusted(X509Certificate[] served, String authType, Socket socket) throws CertificateException {
                    recordServer(served, socket instanceof SSLSocket s ? s.getHandshakeSession() : null);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] served, String authType, SSLEngine engine) throws CertificateException {
                    recordServer(served, engine == null ? null : engine.getHandshakeSession());
                }

                @Override
                public void checkServerTrusted(X509Certificate[] served, String authType) throws CertificateException {
                    recordServer(served, null);
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
                    throw new UnsupportedOperationException("client side only");
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                    throw new UnsupportedOperationException("client side only");
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    throw new UnsupportedOperationException("client side only");
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            };
        }
    }
}
