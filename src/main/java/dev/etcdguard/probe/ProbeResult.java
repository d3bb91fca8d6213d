package dev.etcdguard.probe;

import java.time.Instant;
import java.util.List;

/**
 * What one endpoint showed on the wire.
 *
 * @param endpoint    the endpoint probed
 * @param connect     whether a TCP connection could be made
 * @param tls         the TLS handshake with the default (modern) client, when connected
 * @param legacyProtocols the legacy protocol versions ({@code TLSv1}, {@code TLSv1.1}) the server accepted
 * @param legacyTested whether they were offered at all (this JVM could not when something used TLS before the
 *                     probe relaxed the JDK's disabled algorithms)
 * @param weakCipherSuites the weak cipher suites (CBC, RSA key exchange, 3DES, RC4) the server accepted
 * @param plaintext   what a plaintext HTTP/1.1 {@code GET /version} on a new connection to the same port got
 * @param members     the cluster's members read from the peer API ({@code GET /members}) with the probe's
 *                    client certificate, or null when not read
 * @param elapsedMillis how long the whole probe of this endpoint took
 */
public record ProbeResult(Endpoint endpoint, Connect connect, Tls tls, List<String> legacyProtocols,
                          boolean legacyTested, List<String> weakCipherSuites, Plaintext plaintext, Members members, long elapsedMillis) {

    public ProbeResult {
        legacyProtocols = List.copyOf(legacyProtocols);
        weakCipherSuites = List.copyOf(weakCipherSuites);
    }

    /** The TCP connection. */
    public sealed interface Connect {
        record Connected() implements Connect {}

        /** Refused, unreachable, unresolvable, or timed out ({@code timedOut}). */
        record Failed(String reason, boolean timedOut) implements Connect {}
    }

    /** The TLS handshake. */
    public sealed interface Tls {
        /** Not tried: the TCP connection failed. */
        record NotTried() implements Tls {}

        /** The server does not speak TLS on this port (or the handshake timed out: {@code timedOut}). */
        record NotSpoken(String reason, boolean timedOut) implements Tls {}

        /**
         * A TLS session.
         *
         * @param protocol            e.g. {@code TLSv1.3}
         * @param cipherSuite         e.g. {@code TLS_AES_128_GCM_SHA256}
         * @param chain               the certificates the server sent, leaf first
         * @param clientCertRequested the server asked for a client certificate
         * @param clientCertRequired  the server rejected the connection without one: TRUE, FALSE, or null when
         *                            unknown (a client certificate was presented)
         */
        record Established(String protocol, String cipherSuite, List<ServedCertificate> chain,
                           boolean clientCertRequested, Boolean clientCertRequired) implements Tls {
            public Established {
                chain = List.copyOf(chain);
            }
        }
    }

    /** One certificate the server sent: facts only, never key material. */
    public record ServedCertificate(String sha256, String subject, String issuer, List<String> dnsNames,
                                    List<String> ipAddresses, List<String> extendedKeyUsages, Instant notBefore,
                                    Instant notAfter) {
        public ServedCertificate {
            dnsNames = List.copyOf(dnsNames);
            ipAddresses = List.copyOf(ipAddresses);
            extendedKeyUsages = List.copyOf(extendedKeyUsages);
        }
    }

    /** The plaintext HTTP request on the same port. */
    public sealed interface Plaintext {
        /** Not tried: no TCP connection. */
        record NotTried() implements Plaintext {}

        /** The server answered plaintext HTTP: {@code statusLine} e.g. {@code HTTP/1.1 200 OK}. */
        record Answered(String statusLine, String bodyStart) implements Plaintext {}

        /**
         * The server's TLS listener refused it with an HTTP error ({@code HTTP/1.0 400 Bad Request ... Client sent
         * an HTTP request to an HTTPS server}): TLS is enforced.
         */
        record RefusedByTls(String statusLine) implements Plaintext {}

        /** No HTTP answer: the connection was closed, reset, or timed out ({@code reason}). */
        record NoAnswer(String reason) implements Plaintext {}
    }

    /** The cluster's members as the peer API lists them. */
    public record Members(List<String> names, List<String> peerUrls) {
        public Members {
            names = List.copyOf(names);
            peerUrls = List.copyOf(peerUrls);
        }
    }
}
