package dev.etcdguard.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.probe.ProbeResult.Connect;
import dev.etcdguard.probe.ProbeResult.Members;
import dev.etcdguard.probe.ProbeResult.Plaintext;
import dev.etcdguard.probe.ProbeResult.ServedCertificate;
import dev.etcdguard.probe.ProbeResult.Tls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsProbeTest {

    private static final ProbeOptions OPTIONS =
            new ProbeOptions(Duration.ofSeconds(2), Duration.ofSeconds(3), null, null);
    private static final String[] MODERN = {"TLSv1.3", "TLSv1.2"};
    private static final String VERSION_JSON = "{\"etcdserver\":\"3.5.17\",\"etcdcluster\":\"3.5.0\"}";
    private static final String MEMBERS_JSON = "[{\"name\":\"m1\",\"peerURLs\":[\"https://127.0.0.1:1\"]}]";
    private static final char[] STORE_PASSWORD = "test-store".toCharArray();

    private static CertificateAuthority ca;
    private static IssuedCertificate serverCert;

    private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pki() {
        // TlsProbe relaxes jdk.tls.disabledAlgorithms in its static initializer: load it before any SSLContext
        TlsProbe.legacyProbingAvailable();
        ca = CertificateAuthority.create("test-ca");
        serverCert = ca.issue(LeafSpec.peer("server", "127.0.0.1"));
    }

    @AfterEach
    void closeServers() {
        servers.forEach(server -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // the test is over
            }
        });
    }

    @Test
    void tlsWithoutClientAuthIsEstablishedWithTheServedChain() throws Exception {
        int port = tlsServer(server -> server.setEnabledProtocols(MODERN));

        ProbeResult result = TlsProbe.probe(endpoint("https", port), OPTIONS);

        assertThat(result.connect()).isInstanceOf(Connect.Connected.class);
        Tls.Established tls = established(result);
        assertThat(tls.protocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(tls.cipherSuite()).isNotBlank();
        assertThat(tls.chain()).hasSize(2);
        ServedCertificate leaf = tls.chain().getFirst();
        assertThat(leaf.sha256()).isEqualTo(CertificateFacts.sha256Fingerprint(serverCert.certificate()));
        assertThat(leaf.subject()).isEqualTo("CN=server");
        assertThat(leaf.issuer()).isEqualTo("CN=test-ca");
        assertThat(leaf.ipAddresses()).contains("127.0.0.1");
        assertThat(leaf.dnsNames()).contains("server", "localhost");
        assertThat(leaf.extendedKeyUsages()).containsExactly("serverAuth", "clientAuth");
        assertThat(leaf.notAfter()).isEqualTo(serverCert.certificate().getNotAfter().toInstant());
        assertThat(tls.chain().get(1).sha256()).isEqualTo(CertificateFacts.sha256Fingerprint(ca.certificate()));
        assertThat(tls.clientCertRequested()).isFalse();
        assertThat(tls.clientCertRequired()).isFalse();
        assertThat(result.legacyProtocols()).isEmpty();
        assertThat(result.plaintext()).isInstanceOf(Plaintext.NoAnswer.class);
        assertThat(result.members()).isNull();
        assertThat(result.elapsedMillis()).isNotNegative();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void neededClientCertificateIsRequired(String protocol) throws Exception {
        int port = tlsServer(server -> {
            server.setEnabledProtocols(new String[] {protocol});
            server.setNeedClientAuth(true);
        });

        Tls.Established tls = established(TlsProbe.probe(endpoint("https", port), OPTIONS));

        assertThat(tls.protocol()).isEqualTo(protocol);
        assertThat(tls.clientCertRequested()).isTrue();
        assertThat(tls.clientCertRequired()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void wantedClientCertificateIsRequestedButNotRequired(String protocol) throws Exception {
        int port = tlsServer(server -> {
            server.setEnabledProtocols(new String[] {protocol});
            server.setWantClientAuth(true);
        });

        Tls.Established tls = established(TlsProbe.probe(endpoint("https", port), OPTIONS));

        assertThat(tls.protocol()).isEqualTo(protocol);
        assertThat(tls.clientCertRequested()).isTrue();
        assertThat(tls.clientCertRequired()).isFalse();
    }

    @Test
    void clientCertificateIsPresentedAndMembersAreRead(@TempDir Path dir) throws Exception {
        IssuedCertificate client = ca.issue(LeafSpec.peer("client").withUsages(CertificateFacts.CLIENT_AUTH));
        Path cert = dir.resolve("client.crt");
        Path key = dir.resolve("client.key");
        client.writeCertificate(cert);
        client.writePrivateKey(key, KeyFormat.PKCS8);
        int port = tlsServer(server -> {
            server.setEnabledProtocols(MODERN);
            server.setNeedClientAuth(true);
        });

        ProbeResult result = TlsProbe.probe(endpoint("https", port),
                new ProbeOptions(OPTIONS.connectTimeout(), OPTIONS.handshakeTimeout(), cert, key));

        Tls.Established tls = established(result);
        assertThat(tls.clientCertRequested()).isTrue();
        // the handshakes that judge the server go without the certificate; only the member list uses it
        assertThat(tls.clientCertRequired()).isTrue();
        assertThat(result.members()).isEqualTo(new Members(List.of("m1"), List.of("https://127.0.0.1:1")));
        assertThat(result.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void legacyProtocolAndCbcSuiteAreFound() throws Exception {
        assumeTrue(TlsProbe.legacyProbingAvailable(), "JSSE was initialised before TlsProbe in this JVM");
        String cbc = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA";
        int port = tlsServer(server -> {
            server.setEnabledProtocols(new String[] {"TLSv1.1", "TLSv1.2"});
            server.setEnabledCipherSuites(new String[] {cbc});
        });

        ProbeResult result = TlsProbe.probe(endpoint("https", port), OPTIONS);

        assertThat(established(result).cipherSuite()).isEqualTo(cbc);
        assertThat(result.legacyProtocols()).containsExactly("TLSv1.1");
        assertThat(result.weakCipherSuites()).containsExactly(cbc);
    }

    @Test
    void tls13OnlyServerAcceptsNothingLegacyOrWeak() throws Exception {
        int port = tlsServer(server -> server.setEnabledProtocols(new String[] {"TLSv1.3"}));

        ProbeResult result = TlsProbe.probe(endpoint("https", port), OPTIONS);

        assertThat(established(result).protocol()).isEqualTo("TLSv1.3");
        assertThat(result.legacyProtocols()).isEmpty();
        assertThat(result.weakCipherSuites()).isEmpty();
    }

    @Test
    void plainHttpServerDoesNotSpeakTlsAndAnswersPlaintext() throws Exception {
        int port = plainServer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + VERSION_JSON.length() + "\r\nConnection: close\r\n\r\n" + VERSION_JSON);

        ProbeResult result = TlsProbe.probe(endpoint("http", port), OPTIONS);

        assertThat(result.tls()).isInstanceOfSatisfying(Tls.NotSpoken.class,
                notSpoken -> assertThat(notSpoken.timedOut()).isFalse());
        assertThat(result.plaintext()).isEqualTo(new Plaintext.Answered("HTTP/1.1 200 OK", VERSION_JSON));
        assertThat(result.legacyProtocols()).isEmpty();
        assertThat(result.weakCipherSuites()).isEmpty();
    }

    @Test
    void goTlsListenerRefusesPlaintext() throws Exception {
        int port = plainServer("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");

        ProbeResult result = TlsProbe.probe(endpoint("https", port), OPTIONS);

        assertThat(result.plaintext()).isEqualTo(new Plaintext.RefusedByTls("HTTP/1.0 400 Bad Request"));
    }

    @Test
    void closedPortFailsToConnect() throws Exception {
        int port = closedPort();

        ProbeResult result = TlsProbe.probe(endpoint("https", port), OPTIONS);

        assertThat(result.connect()).isInstanceOfSatisfying(Connect.Failed.class,
                failed -> assertThat(failed.timedOut()).isFalse());
        assertThat(result.tls()).isInstanceOf(Tls.NotTried.class);
        assertThat(result.plaintext()).isInstanceOf(Plaintext.NotTried.class);
        assertThat(result.legacyProtocols()).isEmpty();
        assertThat(result.weakCipherSuites()).isEmpty();
        assertThat(result.members()).isNull();
    }

    @Test
    void wildcardAddressIsNotDialled() {
        ProbeResult result = TlsProbe.probe(Endpoint.parse("https://0.0.0.0:2380"), OPTIONS);

        assertThat(result.connect()).isInstanceOf(Connect.Failed.class);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void blackHoleTimesOut() throws Exception {
        int port = blackHole();
        ProbeOptions fast = new ProbeOptions(Duration.ofMillis(300), Duration.ofMillis(300), null, null);

        ProbeResult result = TlsProbe.probe(endpoint("https", port), fast);

        assertThat(result.connect()).isInstanceOf(Connect.Connected.class);
        assertThat(result.tls()).isInstanceOfSatisfying(Tls.NotSpoken.class,
                notSpoken -> assertThat(notSpoken.timedOut()).isTrue());
        assertThat(result.plaintext()).isInstanceOf(Plaintext.NoAnswer.class);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void probeAllKeepsTheOrderGiven() throws Exception {
        List<Endpoint> endpoints = List.of(
                endpoint("https", blackHole()),
                endpoint("http", plainServer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")),
                endpoint("https", closedPort()),
                endpoint("https", tlsServer(server -> server.setEnabledProtocols(MODERN))));
        ProbeOptions options = new ProbeOptions(Duration.ofSeconds(1), Duration.ofSeconds(1), null, null);

        List<ProbeResult> results = TlsProbe.probeAll(endpoints, options);

        assertThat(results).extracting(ProbeResult::endpoint).containsExactlyElementsOf(endpoints);
        assertThat(results.get(0).tls()).isInstanceOf(Tls.NotSpoken.class);
        assertThat(results.get(1).plaintext()).isEqualTo(new Plaintext.Answered("HTTP/1.1 404 Not Found", ""));
        assertThat(results.get(2).connect()).isInstanceOf(Connect.Failed.class);
        assertThat(results.get(3).tls()).isInstanceOf(Tls.Established.class);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static Endpoint endpoint(String scheme, int port) {
        return Endpoint.parse(scheme + "://127.0.0.1:" + port);
    }

    private static Tls.Established established(ProbeResult result) {
        assertThat(result.tls()).isInstanceOf(Tls.Established.class);
        return (Tls.Established) result.tls();
    }

    /** A TLS server with the test CA's server certificate that answers /version and (chunked) /members. */
    private int tlsServer(Consumer<SSLServerSocket> configure) throws Exception {
        SSLServerSocket server = (SSLServerSocket) serverContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        configure.accept(server);
        return serve(server, socket -> {
            ((SSLSocket) socket).startHandshake();
            String path = readRequestPath(socket.getInputStream());
            return switch (path) {
                case "/version" -> "HTTP/1.1 200 OK\r\nContent-Length: " + VERSION_JSON.length()
                        + "\r\nConnection: close\r\n\r\n" + VERSION_JSON;
                case "/members" -> "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
                        + "\r\nConnection: close\r\n\r\n" + chunk(MEMBERS_JSON.substring(0, 10))
                        + chunk(MEMBERS_JSON.substring(10)) + "0\r\n\r\n";
                default -> "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            };
        });
    }

    /** A plain TCP server that answers {@code response} to whatever arrives first. */
    private int plainServer(String response) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return serve(server, socket -> {
            socket.getInputStream().read(new byte[4096]);
            return response;
        });
    }

    /** Accepts connections (the kernel does) and never reads or answers. */
    private int blackHole() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        return server.getLocalPort();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return server.getLocalPort();
        }
    }

    private interface Responder {
        String respond(Socket socket) throws IOException;
    }

    /** Accepts on a virtual thread and answers each connection on its own virtual thread. */
    private int serve(ServerSocket server, Responder responder) {
        servers.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    servers.add(socket);
                    Thread.ofVirtual().start(() -> answer(socket, responder));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    private static void answer(Socket socket, Responder responder) {
        try (socket) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(responder.respond(socket).getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            // probes close connections early on purpose
        }
    }

    private static String readRequestPath(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String[] requestLine = head.toString(StandardCharsets.ISO_8859_1).split(" ", 3);
        return requestLine.length > 1 ? requestLine[1] : "";
    }

    private static String chunk(String text) {
        return Integer.toHexString(text.length()) + "\r\n" + text + "\r\n";
    }

    private static SSLContext serverContext() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", serverCert.privateKey(), STORE_PASSWORD,
                new Certificate[] {serverCert.certificate(), ca.certificate()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(keys, STORE_PASSWORD);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }
}
