package dev.etcdguard.probe;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to probe.
 *
 * @param connectTimeout   TCP connect timeout per connection
 * @param handshakeTimeout TLS handshake (and HTTP answer) timeout per connection
 * @param clientCert       a client certificate (PEM) to present, with {@code clientKey}; both null for none
 * @param clientKey        its private key (PEM, unencrypted)
 */
public record ProbeOptions(Duration connectTimeout, Duration handshakeTimeout, Path clientCert, Path clientKey) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);

    public static ProbeOptions defaults() {
        return new ProbeOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_HANDSHAKE_TIMEOUT, null, null);
    }
}
