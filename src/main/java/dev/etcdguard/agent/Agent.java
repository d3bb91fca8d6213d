package dev.etcdguard.agent;

import dev.etcdguard.report.ScanReport;
import dev.etcdguard.scan.ScanRequest;
import dev.etcdguard.scan.Scanner;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * The agent's scan loop: a scan at start, then every interval, and when {@link #rescan()} is asked (SIGHUP). One scan
 * at a time; a rescan asked during a scan queues one more. A scan (or sink write) that throws is a scan error, logged
 * in one line; the loop goes on. {@link #stop()} lets the running scan and its sink write finish.
 */
public final class Agent {

    private final Scanner scanner;
    private final ScanRequest request;
    private final Duration interval;
    private final ScanSink sink;
    private final AgentMetrics metrics;
    private final AgentState state;
    private final String host;
    private final String cluster;
    private final PrintStream log;
    private final Object lock = new Object();
    private boolean pending;
    private boolean stopping;
    private Thread thread;

    public Agent(Scanner scanner, ScanRequest request, Duration interval, ScanSink sink, AgentMetrics metrics,
                 AgentState state, String host, String cluster, PrintStream log) {
        this.scanner = scanner;
        this.request = request;
        this.interval = interval;
        this.sink = sink;
        this.metrics = metrics;
        this.state = state;
        this.host = host;
        this.cluster = cluster == null ? "" : cluster;
        this.log = log;
    }

    /** Starts the loop on a thread of its own (the first scan starts at once). */
    public synchronized void start() {
        thread = Thread.ofPlatform().name("etcdguard-agent-scan").daemon(false).unstarted(this::loop);
        thread.start();
    }

    /** Asks for one more scan as soon as the running one (if any) finished. */
    public void rescan() {
        synchronized (lock) {
            pending = true;
            lock.notifyAll();
        }
    }

    /**
     * Stops scheduling scans and waits up to {@code grace} for the running one (and its sink write) to finish; the
     * scan thread is never interrupted.
     *
     * @return true when the loop ended within {@code grace}
     */
    public boolean stop(Duration grace) throws InterruptedException {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        boolean ended = t == null || t.join(grace);
        state.stopped();
        return ended;
    }

    private void loop() {
        while (true) {
            scanOnce();
            long deadline = System.nanoTime() + interval.toNanos();
            synchronized (lock) {
                while (!pending && !stopping) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        lock.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        return; // only stop() ends the loop; nobody interrupts this thread
                    }
                }
                if (stopping) {
                    return;
                }
                pending = false;
            }
        }
    }

    /** Runs one scan now on the calling thread: scan, publish, metrics, sink. Returns the scan, or null on error. */
    public AgentState.Scan scanOnce() {
        Instant at = Instant.now();
        long start = System.nanoTime();
        try {
            ScanReport report = scanner.scan(request);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            AgentState.Scan scan = new AgentState.Scan(report, at, took, host, cluster);
            metrics.scanned(scan); // before publishing: ready means the metrics show the scan
            state.publish(scan);
            sink.written(report, at, took);
            return scan;
        } catch (Exception | StackOverflowError e) {
            metrics.scanFailed();
            log.println("etcdguard agent: scan error at " + at + ": " + oneLine(e));
            return null;
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return m.replaceAll("[\\r\\n]+", " ");
    }
}
