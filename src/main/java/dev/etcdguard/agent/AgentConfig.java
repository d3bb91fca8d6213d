package dev.etcdguard.agent;

import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.scan.ScanRequest;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The agent's settings, as {@code etcdguard agent} parsed them.
 *
 * @param interval  time between scans
 * @param listen    where the HTTP server listens
 * @param request   what each scan looks at
 * @param rules     the rule documents
 * @param cluster   the cluster name for metric labels and the store, or empty
 * @param host      this node's name for metric labels
 * @param tokenFile a file holding the bearer token, or null
 * @param tlsCert   HTTPS certificate (PEM), or null for plain HTTP
 * @param tlsKey    its key
 * @param clientCa  CA a client certificate must chain to (mTLS), or null
 */
public record AgentConfig(Duration interval, InetSocketAddress listen, ScanRequest request, List<RuleDocument> rules,
                          String cluster, String host, Path tokenFile, Path tlsCert, Path tlsKey, Path clientCa) {

    public static final int DEFAULT_PORT = 9910;

    public AgentConfig {
        rules = List.copyOf(rules);
        cluster = cluster == null ? "" : cluster;
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (clientCa != null && tlsCert == null) {
            throw new IllegalArgumentException("--client-ca needs --tls-cert and --tls-key (mTLS is TLS)");
        }
    }

    /** Parses {@code HOST:PORT}, {@code [v6]:PORT} or {@code :PORT} (all addresses). */
    public static InetSocketAddress listen(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen '" + text + "': write HOST:PORT, e.g. 127.0.0.1:" + DEFAULT_PORT);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--listen '" + text + "': the port must be 0-65535");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** This node's name: $NODE_NAME (Kubernetes' downward API), else the kernel's host name. */
    public static String nodeName() {
        String env = System.getenv("NODE_NAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
