package dev.etcdguard.sandbox;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.LeafSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * Throw-away listeners on 127.0.0.1 ephemeral ports, for the probe's benchmark: TLS servers, plaintext HTTP
 * servers, listeners that accept and never answer, and ports that were just closed. Each accepted connection
 * is served on a virtual thread; {@link #close()} closes every socket.
 */
public final class WireListeners implements AutoCloseable {

    private final List<ServerSocket> servers = new ArrayList<>();
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();
    private final SSLContext tls;

    public WireListeners() {
        CertificateAuthority ca = CertificateAuthority.create("wire-listeners-ca");
        IssuedCertificate leaf = ca.issue(LeafSpec.peer("listener", "127.0.0.1"));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("leaf", leaf.privateKey(), new char[0],
                    new Certificate[] {leaf.certificate(), ca.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, new char[0]);
            tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the listeners' TLS context: " + e, e);
        }
    }

    /**
     * A TLS server configured like etcd 3.4 with Go's defaults (TLS 1.2 and 1.3; ECDHE AEAD suites and two CBC
     * suites) answering HTTP requests with 404; returns its port.
     */
    public int tls() throws IOException {
        SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(0, 200, InetAddress.getLoopbackAddress());
        server.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        server.setEnabledCipherSuites(ETCD_LIKE_SUITES);
        return serve(server, true);
    }

    private static final String[] ETCD_LIKE_SUITES = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"};

    /**
     * A plaintext HTTP server answering whatever it first receives with {@code HTTP/1.1 404 Not Found}; returns its
     * port.
     */
    public int plaintext() throws IOException {
        return serve(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()), true);
    }

    /** A listener that accepts connections and never sends a byte; returns its port. */
    public int blackHole() throws IOException {
        return serve(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()), false);
    }

    /** A port nothing listens on any more (it was bound, then closed): connecting is refused. */
    public int closed() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private int serve(ServerSocket server, boolean answer) {
        servers.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true); // as Go's servers (etcd) do: no Nagle delay on the handshake's records
                    accepted.add(s);
                    if (answer) {
                        Thread.ofVirtual().start(() -> answer(s));
                    }
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
        return server.getLocalPort();
    }

    private void answer(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            // answer whatever arrives first, as an HTTP server does with a request it cannot parse (a TLS hello)
            if (s.getInputStream().read(new byte[4096]) < 0) {
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // the client went away, or a failed handshake: nothing to do
        } finally {
            accepted.remove(s);
        }
    }

    @Override
    public void close() {
        for (ServerSocket s : servers) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Socket s : accepted) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
