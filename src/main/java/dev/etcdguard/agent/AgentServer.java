package dev.etcdguard.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The agent's read-only HTTP(S) server. GET and HEAD only (others 405); no endpoint triggers work or writes. A
 * request with a body is refused (413); at most {@link #MAX_IN_FLIGHT} exchanges are served at once (others 503);
 * the JDK server's request and idle timeouts are bounded (see {@link #boundJdkServer()}). With a token, every
 * endpoint but {@code /healthz} and {@code /readyz} (probes of the kubelet, which carry no secret) needs
 * {@code Authorization: Bearer <token>} (401 otherwise).
 */
public final class AgentServer implements AutoCloseable {

    public static final int MAX_IN_FLIGHT = 32;
    static final String NO_STORE = "no history store configured (--store)";

    /**
     * @param address   where to listen
     * @param token     the bearer token, or null for none
     * @param tls       the TLS context for HTTPS, or null for plain HTTP
     * @param clientAuth require a client certificate (mTLS; the context's trust managers verify it)
     * @param history   the history store's view, or null without a store
     * @param view      the posture page
     */
    public record Options(InetSocketAddress address, String token, SSLContext tls, boolean clientAuth, History history,
                          PostureView view) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AgentState state;
    private final AgentMetrics metrics;
    private final Options options;
    private final byte[] expectedAuth;

    public AgentServer(Options options, AgentState state, AgentMetrics metrics) throws IOException {
        boundJdkServer();
        this.options = options;
        this.state = state;
        this.metrics = metrics;
        this.expectedAuth = options.token() == null ? null
                : ("Bearer " + options.token()).getBytes(StandardCharsets.UTF_8);
        if (options.tls() != null) {
            HttpsServer https = HttpsServer.create(options.address(), 16);
            https.setHttpsConfigurator(new HttpsConfigurator(options.tls()) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = getSSLContext().getDefaultSSLParameters();
                    p.setNeedClientAuth(options.clientAuth());
                    params.setSSLParameters(p);
                }
            });
            server = https;
        } else {
            server = HttpServer.create(options.address(), 16);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
    }

    /**
     * Bounds the JDK server unless set on the command line: a request must arrive within 10 s, a response go out
     * within 30 s, an idle connection closes after 30 s, at most 64 connections, 50 headers of 16 KiB in all.
     * Read by the JDK once, before the first server is created.
     */
    static void boundJdkServer() {
        Map<String, String> bounds = Map.of("sun.net.httpserver.maxReqTime", "10", "sun.net.httpserver.maxRspTime", "30",
                "sun.net.httpserver.idleInterval", "30", "jdk.httpserver.maxConnections", "64",
                "sun.net.httpserver.maxReqHeaders", "50", "sun.net.httpserver.maxReqHeaderSize", "16384",
                "sun.net.httpserver.maxIdleConnections", "16");
        bounds.forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
    }

    public void start() {
        server.start();
    }

    /** The bound port (for --listen with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        if (!inFlight.tryAcquire()) {
            send(ex, 503, "text/plain; charset=utf-8", "too many requests in flight\n");
            return;
        }
        try {
            route(ex);
        } catch (IOException | RuntimeException e) {
            try {
                send(ex, 500, "text/plain; charset=utf-8", "internal error: " + e.getClass().getSimpleName() + "\n");
            } catch (IOException | RuntimeException ignored) {
                // headers already sent, or the client went away
            }
        } finally {
            inFlight.release();
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            send(ex, 405, "text/plain; charset=utf-8", "method not allowed: this server is read-only (GET, HEAD)\n");
            return;
        }
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if ((length != null && !length.trim().equals("0")) || ex.getRequestHeaders().containsKey("Transfer-Encoding")) {
            send(ex, 413, "text/plain; charset=utf-8", "request bodies are not accepted\n");
            return;
        }
        String path = ex.getRequestURI().getRawPath();
        switch (path) {
            case "/healthz" -> send(ex, state.alive() ? 200 : 503, "text/plain; charset=utf-8",
                    state.alive() ? "ok\n" : "stopping\n");
            case "/readyz" -> send(ex, state.ready() ? 200 : 503, "text/plain; charset=utf-8",
                    state.ready() ? "ready\n" : "no scan finished yet\n");
            default -> {
                if (!authorized(ex)) {
                    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"etcdguard\"");
                    send(ex, 401, "text/plain; charset=utf-8", "unauthorized: send Authorization: Bearer <token>\n");
                    return;
                }
                protectedRoute(ex, path);
            }
        }
    }

    private void protectedRoute(HttpExchange ex, String path) throws IOException {
        switch (path) {
            case "/metrics" -> {
                ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
                metrics.write(body);
                send(ex, 200, metrics.contentType(), body.toByteArray());
            }
            case "/api/v1/report" -> {
                if (!state.ready()) {
                    send(ex, 503, "application/json", "{\"error\":\"no scan finished yet\"}\n");
                } else {
                    send(ex, 200, "application/json", state.reportJson());
                }
            }
            case "/api/v1/history" -> {
                if (options.history() == null) {
                    send(ex, 404, "application/json", "{\"error\":\"" + NO_STORE + "\"}\n");
                } else {
                    send(ex, 200, "application/json", options.history().json(query(ex.getRequestURI().getRawQuery())));
                }
            }
            case "/" -> {
                if (!state.ready()) {
                    send(ex, 503, "text/html; charset=utf-8", "<!doctype html><title>etcdguard</title>"
                            + "<p>No scan finished yet.</p>\n");
                } else {
                    send(ex, 200, "text/html; charset=utf-8", options.view().html(state.latest()));
                }
            }
            default -> send(ex, 404, "text/plain; charset=utf-8", "not found\n");
        }
    }

    /** Constant-time comparison of the Authorization header with the expected one. */
    private boolean authorized(HttpExchange ex) {
        if (expectedAuth == null) {
            return true;
        }
        String given = ex.getRequestHeaders().getFirst("Authorization");
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuth);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&", 32)) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.putIfAbsent(k, v);
        }
        return q;
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (type.startsWith("text/html")) {
            ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        }
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
