package dev.etcdguard.agent;

import dev.etcdguard.report.JsonReport;
import dev.etcdguard.report.ScanReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** What the HTTP endpoints read: the latest finished scan (replaced whole, never mutated). */
public final class AgentState {

    /**
     * One finished scan.
     *
     * @param report  the scan's report
     * @param at      when it started
     * @param took    how long it took
     * @param host    this node's name (metric label)
     * @param cluster the cluster name given with --cluster, or empty
     */
    public record Scan(ScanReport report, Instant at, Duration took, String host, String cluster) {
    }

    private final AtomicReference<Scan> latest = new AtomicReference<>();
    private final AtomicReference<Memo> json = new AtomicReference<>();
    private volatile boolean alive = true;

    private record Memo(Scan scan, byte[] bytes) {
    }

    void publish(Scan scan) {
        latest.set(scan);
    }

    void stopped() {
        alive = false;
    }

    /** The latest finished scan, or null before the first one. */
    public Scan latest() {
        return latest.get();
    }

    public boolean ready() {
        return latest.get() != null;
    }

    public boolean alive() {
        return alive;
    }

    /** The latest report in the JSON report contract, rendered once per scan on first request. */
    byte[] reportJson() {
        Scan scan = latest.get();
        Memo memo = json.get();
        if (memo != null && memo.scan == scan) {
            return memo.bytes;
        }
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            new JsonReport().render(scan.report(), out);
        }
        byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        json.set(new Memo(scan, bytes));
        return bytes;
    }
}
