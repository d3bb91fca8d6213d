package dev.etcdguard.probe;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A TCP endpoint to probe, taken from etcd's configuration or given by the user: never expanded, never
 * redirected.
 *
 * @param url    the URL as configured (reports show it)
 * @param scheme its scheme, lower case ({@code https}, {@code http})
 * @param host   the host, IPv6 literals without brackets
 * @param port   the port
 */
public record Endpoint(String url, String scheme, String host, int port) {

    /**
     * Parses an {@code http://} or {@code https://} URL with a host and a port.
     *
     * @throws IllegalArgumentException with a reason a user can act on
     */
    public static Endpoint parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("'" + url + "': only http:// and https:// endpoints can be probed");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("'" + url + "' has no host");
        }
        if (uri.getPort() < 1) {
            throw new IllegalArgumentException("'" + url + "' has no port (etcd's peer port is usually 2380)");
        }
        return new Endpoint(url.trim(), scheme, host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
                uri.getPort());
    }

    /** {@code host:port}, IPv6 hosts in brackets. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** True for 0.0.0.0 and ::, which etcd listens on but nobody can dial. */
    public boolean isWildcard() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }
}
