package dev.etcdguard.cli;

import dev.etcdguard.probe.ProbeOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The active probe's options, shared by {@code scan --probe} and {@code probe}. */
final class ProbeOptionsMixin {

    @Option(names = "--probe-cert", paramLabel = "FILE",
            description = "Client certificate (PEM) for a mutual-TLS probe, with --probe-key: reads the member list from "
                    + "the peer API (GET /members) to confirm the cluster's size.")
    Path cert;

    @Option(names = "--probe-key", paramLabel = "FILE", description = "Private key (PEM, unencrypted) of --probe-cert.")
    Path key;

    @Option(names = "--probe-connect-timeout", paramLabel = "MILLIS", defaultValue = "2000",
            description = "TCP connect timeout per connection (default: ${DEFAULT-VALUE}).")
    long connectTimeoutMillis;

    @Option(names = "--probe-timeout", paramLabel = "MILLIS", defaultValue = "3000",
            description = "TLS handshake and HTTP answer timeout per connection (default: ${DEFAULT-VALUE}).")
    long handshakeTimeoutMillis;

    ProbeOptions options() {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--probe-cert and --probe-key go together");
        }
        if (connectTimeoutMillis < 1 || handshakeTimeoutMillis < 1) {
            throw new IllegalArgumentException("--probe-connect-timeout and --probe-timeout must be positive");
        }
        return new ProbeOptions(Duration.ofMillis(connectTimeoutMillis), Duration.ofMillis(handshakeTimeoutMillis),
                cert, key);
    }
}
