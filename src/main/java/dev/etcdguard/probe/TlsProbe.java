package dev.etcdguard.probe;

import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.probe.ProbeResult.Connect;
import dev.etcdguard.probe.ProbeResult.Members;
import dev.etcdguard.probe.ProbeResult.Plaintext;
import dev.etcdguard.probe.ProbeResult.ServedCertificate;
import dev.etcdguard.probe.ProbeResult.Tls;
import dev.etcdguard.probe.TlsConnection.ClientIdentity;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Actively probes etcd peer endpoints: the TCP connection, the TLS session a modern client gets, the legacy protocol
 * versions and weak cipher suites the server still accepts, what plaintext HTTP gets on the same port and, with a
 * client certificate, the member list of the peer API. It observes and never authenticates: every server
 * certificate is accepted and recorded, no hostname is checked, no redirect is followed, and only the endpoint's
 * address is contacted. Key material is never printed or kept in results.
 */
public final class TlsProbe {

    static {
        // A probe must be able to offer what it tests for. JDK 25 disables TLSv1, TLSv1.1, RC4, 3DES, TLS_RSA_*
        // suites, static ECDH and SHA-1 handshake signatures through jdk.tls.disabledAlgorithms: a stock client
        // neither sends such a ClientHello nor completes such a handshake, so it could never find out whether a
        // server still accepts them. JSSE reads the property once, when it initialises, so this must run before any
        // SSLContext exists in the JVM (see legacyProbingAvailable()). Only suites without authentication (anon) or
        // encryption (NULL), and SSLv3 / DTLS 1.0, which are never probed, stay disabled. The modern handshake
        // still offers only what a stock JDK 25 offers (Suites.modern).
        Security.setProperty("jdk.tls.disabledAlgorithms", "SSLv3, DTLSv1.0, NULL, anon");
    }

    private static final String[] MODERN_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final List<String> LEGACY_PROTOCOLS = List.of("TLSv1.1", "TLSv1");
    private static final int PLAINTEXT_LIMIT = 4096;
    private static final int MEMBERS_LIMIT = 1 << 20;
    private static final int BODY_START_CHARS = 200;
    private static final String GO_TLS_REFUSAL = "Client sent an HTTP request to an HTTPS server";
    private static final Suites SUITES = Suites.ofThisJvm();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TlsProbe() {
    }

    /**
     * Probes one endpoint; never throws for network problems, never hangs past its timeouts.
     *
     * @throws IllegalArgumentException when the options name a client certificate or key that cannot be used
     */
    public static ProbeResult probe(Endpoint endpoint, ProbeOptions options) {
        return probe(endpoint, options, ClientIdentity.load(options));
    }

    /**
     * Probes every endpoint concurrently on virtual threads; results in the order given.
     *
     * @throws IllegalArgumentException when the options name a client certificate or key that cannot be used
     */
    /** Probes the endpoints; a note says how many ({@code what}) and how long it took. */
    public static List<ProbeResult> probeAll(List<Endpoint> endpoints, ProbeOptions options, String what,
                                             List<String> notes) {
        long start = System.nanoTime();
        List<ProbeResult> probes = probeAll(endpoints, options);
        notes.add("probed " + probes.size() + " " + what + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        return probes;
    }

    /** The probes by endpoint address ({@code host:port}), as the rules look them up; the first of each address. */
    public static Map<String, ProbeResult> byAddress(List<ProbeResult> probes) {
        Map<String, ProbeResult> byAddress = new LinkedHashMap<>();
        probes.forEach(p -> byAddress.putIfAbsent(p.endpoint().address(), p));
        return byAddress;
    }

    public static List<ProbeResult> probeAll(List<Endpoint> endpoints, ProbeOptions options) {
        ClientIdentity identity = ClientIdentity.load(options);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ProbeResult>> running = endpoints.stream()
                    .map(endpoint -> executor.submit(() -> probeSafely(endpoint, options, identity)))
                    .toList();
            return running.stream().map(TlsProbe::resultOf).toList();
        }
    }

    /**
     * True when this JVM can offer TLSv1, TLSv1.1 and the suites JDK 25 disables, i.e. when JSSE was initialised
     * after this class relaxed {@code jdk.tls.disabledAlgorithms}. When false (something in the JVM used TLS before
     * this class was loaded), legacy protocols and some weak suites are reported as not accepted without being
     * tried.
     */
    public static boolean legacyProbingAvailable() {
        return SUITES.legacyOffered();
    }

    /** One endpoint's failure never ends the probe of the others: it is reported as that endpoint's result. */
    private static ProbeResult probeSafely(Endpoint endpoint, ProbeOptions options, ClientIdentity identity) {
        try {
            return probe(endpoint, options, identity);
        } catch (RuntimeException e) {
            return new ProbeResult(endpoint, new Connect.Failed("the probe failed: " + e, false), new Tls.NotTried(),
                    List.of(), false, List.of(), new Plaintext.NotTried(), null, 0);
        }
    }

    private static ProbeResult probe(Endpoint endpoint, ProbeOptions options, ClientIdentity identity) {
        long start = System.nanoTime();
        final Target target;
        final Socket socket;
        try {
            // every handshake but the member list's goes without a client certificate: whether one is required
            // is what the probe must find out
            target = new Target(endpoint, options, null, resolve(endpoint, options.connectTimeout()));
            socket = target.connect();
        } catch (IOException e) {
            Connect.Failed failed = new Connect.Failed(connectFailure(endpoint, options, e),
                    e instanceof SocketTimeoutException);
            return new ProbeResult(endpoint, failed, new Tls.NotTried(), List.of(), false, List.of(),
                    new Plaintext.NotTried(), null, millisSince(start));
        }
        FutureTask<Plaintext> plaintext = new FutureTask<>(() -> plaintext(target));
        Thread.ofVirtual().name("etcdguard-plaintext-" + endpoint.address()).start(plaintext);
        Tls tls = modernHandshake(target, socket);
        List<String> legacy = List.of();
        List<String> weak = List.of();
        Members members = null;
        if (tls instanceof Tls.Established) {
            legacy = legacyProtocols(target);
            weak = weakCipherSuites(target, legacy);
            members = identity == null ? null : members(new Target(endpoint, options, identity, target.address()));
        }
        return new ProbeResult(endpoint, new Connect.Connected(), tls, legacy,
                tls instanceof Tls.Established && legacyProbingAvailable(), weak, plaintextOf(plaintext), members,
                millisSince(start));
    }

    /** Step 2: the handshake of a modern client, then {@code GET /version} to see whether a certificate is required. */
    private static Tls modernHandshake(Target target, Socket raw) {
        try (TlsConnection tls = target.tls(raw, MODERN_PROTOCOLS, SUITES.modern())) {
            Optional<TlsConnection.Failure> failure = tls.handshake();
            if (failure.isPresent() && !refusedOverClientCertificate(tls, failure.get())) {
                TlsConnection.Failure failed = failure.get();
                // the record has no variant for "speaks TLS but refused every offer"; the reason says so
                String reason = failed.tlsAlert() ? "the server refused the TLS handshake: " + failed.reason()
                        : failed.reason();
                return new Tls.NotSpoken(reason, failed.timedOut());
            }
            return new Tls.Established(tls.protocol(), tls.cipherSuite(), served(tls.serverChain()),
                    tls.clientCertRequested(), clientCertRequired(target, tls, failure.isPresent()));
        } catch (IOException e) {
            return new Tls.NotSpoken(Wire.reason(e), false);
        }
    }

    /**
     * TLS 1.2 servers that require a client certificate abort the handshake once they got none (or a bad one): with
     * an alert, which the client may not get to read before its own write fails on the closed connection.
     */
    private static boolean refusedOverClientCertificate(TlsConnection tls, TlsConnection.Failure failure) {
        return !failure.timedOut() && tls.clientCertRequested() && !tls.serverChain().isEmpty();
    }

    /**
     * FALSE when the server did not ask for a certificate or answers without one; TRUE when it refuses the
     * connection without one; null when a certificate was presented or the answer tells nothing.
     */
    private static Boolean clientCertRequired(Target target, TlsConnection tls, boolean handshakeRefused) {
        if (!tls.clientCertRequested()) {
            return Boolean.FALSE;
        }
        if (tls.clientCertPresented()) {
            return null;
        }
        if (handshakeRefused) {
            return Boolean.TRUE;
        }
        // TLS 1.3: the client's handshake ends before the server has seen its (empty) certificate; the server's
        // verdict, a certificate_required alert or a reset, comes with the first read.
        Wire.Received answer = tls.exchange(Wire.get("/version", target.endpoint()), 8, data -> false);
        if (HttpAnswer.looksLikeHttp(answer.data())) {
            return Boolean.FALSE;
        }
        IOException error = answer.error();
        boolean refused = answer.isEmpty() && error != null && !answer.timedOut()
                && (TlsConnection.isAlert(error) || error instanceof SocketException
                        || error.getCause() instanceof SocketException);
        return refused ? Boolean.TRUE : null;
    }

    /** Step 3: the legacy protocol versions the server negotiates when they are all the client offers. */
    private static List<String> legacyProtocols(Target target) {
        List<String> accepted = new ArrayList<>();
        for (String protocol : LEGACY_PROTOCOLS) {
            if (protocol.equals(negotiate(target, List.of(protocol), SUITES.offerable()).protocol())) {
                accepted.add(protocol);
            }
        }
        return accepted;
    }

    /** Step 4: offers every weak suite, removes the one the server picks, and repeats until the server refuses. */
    private static List<String> weakCipherSuites(Target target, List<String> legacyProtocols) {
        List<String> protocols = new ArrayList<>(List.of("TLSv1.2"));
        protocols.addAll(legacyProtocols);
        List<String> offered = new ArrayList<>(SUITES.weak());
        List<String> accepted = new ArrayList<>();
        while (!offered.isEmpty()) {
            String suite = negotiate(target, protocols, offered).cipherSuite();
            if (suite == null || !offered.remove(suite)) {
                break;
            }
            accepted.add(suite);
        }
        return accepted;
    }

    /** What the server chose, known once it sent its certificate (a later refusal does not undo its choice). */
    private record Negotiated(String protocol, String cipherSuite) {
    }

    private static Negotiated negotiate(Target target, List<String> protocols, List<String> suites) {
        try (TlsConnection tls = target.negotiation(target.connect(), protocols.toArray(String[]::new),
                suites.toArray(String[]::new))) {
            tls.handshake();
            return new Negotiated(tls.protocol(), tls.cipherSuite());
        } catch (IOException e) {
            return new Negotiated(null, null);
        }
    }

    /** Step 5: a plaintext {@code GET /version} on a new connection. */
    private static Plaintext plaintext(Target target) {
        Socket raw;
        try {
            raw = target.connect();
        } catch (IOException e) {
            return new Plaintext.NoAnswer("no new TCP connection: " + Wire.reason(e));
        }
        try {
            Duration timeout = target.options().handshakeTimeout();
            Wire.Received answer = Wire.exchange(raw, raw, Wire.get("/version", target.endpoint()), PLAINTEXT_LIMIT,
                    timeout, HttpAnswer::complete);
            return plaintextAnswer(answer, timeout);
        } finally {
            Wire.closeQuietly(raw);
        }
    }

    private static Plaintext plaintextAnswer(Wire.Received answer, Duration timeout) {
        Optional<HttpAnswer> http = HttpAnswer.parse(answer.data());
        if (http.isPresent()) {
            String statusLine = printable(http.get().statusLine(), BODY_START_CHARS);
            String body = http.get().bodyText();
            if (statusLine.startsWith("HTTP/1.0 400") && body.contains(GO_TLS_REFUSAL)) {
                return new Plaintext.RefusedByTls(statusLine);
            }
            return new Plaintext.Answered(statusLine, printable(body, BODY_START_CHARS));
        }
        if (!answer.isEmpty()) {
            byte first = answer.data()[0];
            return new Plaintext.NoAnswer(first == 0x15 || first == 0x16
                    ? "answered with TLS records: the port speaks TLS only"
                    : "answered with " + answer.data().length + " bytes that are not HTTP");
        }
        if (answer.timedOut()) {
            return new Plaintext.NoAnswer("no answer within " + timeout.toMillis() + " ms");
        }
        return new Plaintext.NoAnswer(answer.error() == null ? "connection closed without an answer"
                : Wire.reason(answer.error()));
    }

    /** Step 6: {@code GET /members} over mutual TLS, parsed as etcd's peer API list; null on any failure. */
    private static Members members(Target target) {
        try (TlsConnection tls = target.tls(target.connect(), MODERN_PROTOCOLS, SUITES.modern())) {
            if (tls.handshake().isPresent()) {
                return null;
            }
            Wire.Received answer = tls.exchange(Wire.get("/members", target.endpoint()), MEMBERS_LIMIT,
                    HttpAnswer::complete);
            return HttpAnswer.parse(answer.data())
                    .filter(http -> http.status() == 200)
                    .map(http -> parseMembers(http.bodyText()))
                    .orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code [{"name": ..., "peerURLs": [...]}, ...]}; null when the body is not such a list. */
    static Members parseMembers(String json) {
        JsonNode root = JSON.readTree(json);
        if (!root.isArray()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        List<String> peerUrls = new ArrayList<>();
        for (JsonNode member : root) {
            if (!member.path("name").isString() || !member.path("peerURLs").isArray()) {
                return null;
            }
            names.add(member.path("name").stringValue());
            for (JsonNode url : member.path("peerURLs")) {
                if (url.isString()) {
                    peerUrls.add(url.stringValue());
                }
            }
        }
        return new Members(names, peerUrls);
    }

    private static List<ServedCertificate> served(List<X509Certificate> chain) {
        return chain.stream().map(TlsProbe::served).toList();
    }

    private static ServedCertificate served(X509Certificate cert) {
        List<String> dnsNames = List.of();
        List<String> ipAddresses = List.of();
        List<String> usages = List.of();
        try {
            dnsNames = CertificateFacts.dnsNames(cert);
            ipAddresses = CertificateFacts.ipAddresses(cert);
            usages = List.copyOf(CertificateFacts.extendedKeyUsages(cert));
        } catch (RuntimeException e) {
            // a malformed extension in a served certificate: keep the facts that could be read
        }
        return new ServedCertificate(CertificateFacts.sha256Fingerprint(cert),
                cert.getSubjectX500Principal().getName(), cert.getIssuerX500Principal().getName(), dnsNames,
                ipAddresses, usages, cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
    }

    /** The host's address, looked up within the connect timeout; wildcard addresses are refused. */
    private static InetSocketAddress resolve(Endpoint endpoint, Duration timeout) throws IOException {
        if (endpoint.isWildcard()) {
            throw new SocketException(endpoint.host() + " is a wildcard listen address, not one to dial");
        }
        if (endpoint.host().matches("[0-9.]+") || endpoint.host().contains(":")) {
            // an address literal: InetAddress parses it without a lookup, so no thread and no wait are needed
            return new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port());
        }
        FutureTask<InetAddress> lookup = new FutureTask<>(() -> InetAddress.getByName(endpoint.host()));
        Thread.ofVirtual().start(lookup);
        try {
            return new InetSocketAddress(lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS), endpoint.port());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new SocketTimeoutException("resolving " + endpoint.host() + " took longer than "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while resolving " + endpoint.host());
        }
    }

    private static String connectFailure(Endpoint endpoint, ProbeOptions options, IOException e) {
        if (e instanceof UnknownHostException) {
            return "cannot resolve " + endpoint.host();
        }
        if (e instanceof SocketTimeoutException && e.getMessage() != null && e.getMessage().startsWith("resolving")) {
            return e.getMessage();
        }
        if (e instanceof SocketTimeoutException) {
            return "no TCP connection within " + options.connectTimeout().toMillis() + " ms";
        }
        return Wire.reason(e);
    }

    private static Plaintext plaintextOf(FutureTask<Plaintext> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Plaintext.NoAnswer("interrupted");
        } catch (ExecutionException e) {
            return new Plaintext.NoAnswer(Wire.reason(e.getCause()));
        }
    }

    private static ProbeResult resultOf(Future<ProbeResult> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("probe failed: " + Wire.reason(e.getCause()), e.getCause());
        }
    }

    /** Control and format characters removed, at most {@code max} characters. */
    private static String printable(String text, int max) {
        String cleaned = text.replaceAll("[\\p{Cc}\\p{Cf}]", "");
        return cleaned.length() > max ? cleaned.substring(0, max) : cleaned;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** One endpoint being probed: where to connect, with which options and client identity. */
    private record Target(Endpoint endpoint, ProbeOptions options, ClientIdentity identity,
                          InetSocketAddress address) {

        Socket connect() throws IOException {
            return Wire.connect(address, options.connectTimeout());
        }

        /** TLS over {@code raw}; {@code raw} is closed if that fails. */
        TlsConnection tls(Socket raw, String[] protocols, String[] suites) throws IOException {
            return connection(raw, protocols, suites, false);
        }

        /** TLS over {@code raw} that only learns what the server chooses: it ends when the certificate arrives. */
        TlsConnection negotiation(Socket raw, String[] protocols, String[] suites) throws IOException {
            return connection(raw, protocols, suites, true);
        }

        private TlsConnection connection(Socket raw, String[] protocols, String[] suites, boolean stopAtCertificate)
                throws IOException {
            try {
                return new TlsConnection(raw, endpoint, options.handshakeTimeout(), protocols, suites, identity,
                        stopAtCertificate);
            } catch (IOException | RuntimeException e) {
                Wire.closeQuietly(raw);
                throw e;
            }
        }
    }

    /**
     * The cipher suites of this JVM's TLS client.
     *
     * @param modern         what a stock JDK 25 client enables by default
     * @param weak           the supported suites with CBC, RSA key exchange, 3DES or RC4 (never NULL or anon)
     * @param offerable      every supported suite but NULL and anon ones, for the legacy protocol handshakes
     * @param legacyOffered  TLSv1.1 is enabled by default, i.e. the relaxed property took effect
     */
    private record Suites(String[] modern, List<String> weak, List<String> offerable, boolean legacyOffered) {

        static Suites ofThisJvm() {
            SSLParameters supported;
            SSLParameters defaults;
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(new KeyManager[0], new TrustManager[0], null);
                supported = context.getSupportedSSLParameters();
                defaults = context.getDefaultSSLParameters();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no TLS client", e);
            }
            List<String> all = Arrays.asList(supported.getCipherSuites());
            return new Suites(
                    Arrays.stream(defaults.getCipherSuites()).filter(s -> !disabledInStockJdk(s)).toArray(String[]::new),
                    all.stream().filter(Suites::weak).toList(),
                    all.stream().filter(s -> !s.contains("NULL") && !s.contains("anon")).toList(),
                    Arrays.asList(defaults.getProtocols()).contains("TLSv1.1"));
        }

        /** The suites stock JDK 25 disables (jdk.tls.disabledAlgorithms) or leaves out of its defaults. */
        static boolean disabledInStockJdk(String suite) {
            return suite.startsWith("SSL_") || suite.startsWith("TLS_RSA_") || suite.startsWith("TLS_ECDH_")
                    || suite.contains("3DES") || suite.contains("RC4") || suite.contains("_DES_")
                    || suite.contains("NULL") || suite.contains("anon") || suite.contains("EXPORT");
        }

        static boolean weak(String suite) {
            boolean weak = suite.contains("_CBC_") || suite.startsWith("TLS_RSA_") || suite.startsWith("SSL_RSA_")
                    || suite.contains("3DES") || suite.contains("RC4");
            return weak && !suite.contains("NULL") && !suite.contains("anon");
        }
    }
}
