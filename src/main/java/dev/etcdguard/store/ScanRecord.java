package dev.etcdguard.store;

import dev.etcdguard.report.ScanReport;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One scan as the history keeps it.
 *
 * @param report   the scan's results and notes
 * @param host     the node the scan ran on (process targets' keys include it)
 * @param cluster  the cluster's name as the user gave it, or null
 * @param started  when the scan started
 * @param duration how long it took
 */
public record ScanRecord(ScanReport report, String host, String cluster, Instant started, Duration duration) {

    public ScanRecord {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(duration, "duration");
        if (cluster != null && cluster.isBlank()) {
            cluster = null;
        }
    }

    /**
     * This node's name: {@code ETCDGUARD_HOST_NAME} when set (in Kubernetes, the node name from the downward API:
     * a pod's own host name is the pod's), else the kernel's host name, else what Java resolves.
     */
    public static String thisHost() {
        String env = System.getenv("ETCDGUARD_HOST_NAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no procfs: fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
