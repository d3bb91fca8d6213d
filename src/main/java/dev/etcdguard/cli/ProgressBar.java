package dev.etcdguard.cli;

import dev.etcdguard.collect.ManifestCollector;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A progress bar on standard error, only when standard error is a terminal and only once a scan has
 * run for more than a second; it erases itself when the scan ends.
 */
final class ProgressBar implements ManifestCollector.Progress, AutoCloseable {

    private static final long DELAY_MS = 1000;
    private static final long PERIOD_MS = 200;

    private final PrintStream err = System.err;
    private final AtomicInteger done = new AtomicInteger();
    private volatile int total = -1;
    private volatile boolean drawn;
    private final Thread painter;

    ProgressBar() {
        painter = Thread.ofPlatform().daemon().name("etcdguard-progress").unstarted(this::paint);
        if (Terminal.isTerminal(2)) {
            painter.start();
        }
    }

    @Override
    public void started(int files) {
        total = files;
    }

    @Override
    public void fileDone() {
        done.incrementAndGet();
    }

    private void paint() {
        try {
            Thread.sleep(DELAY_MS);
            while (!Thread.currentThread().isInterrupted()) {
                int t = total;
                if (t > 0) {
                    int d = Math.min(done.get(), t);
                    int width = 30;
                    int filled = (int) ((long) d * width / t);
                    err.print("\r  scanning [" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + d + "/" + t
                            + " files ");
                    err.flush();
                    drawn = true;
                }
                Thread.sleep(PERIOD_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        painter.interrupt();
        try {
            painter.join(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (drawn) {
            err.print("\r" + " ".repeat(70) + "\r");
            err.flush();
        }
    }
}
