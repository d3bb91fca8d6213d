package dev.etcdguard.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends processes by pid: SIGTERM one after the other (each awaited), then SIGKILL for any still alive.
 *
 * <p>One at a time matters for etcd: a leader that gets SIGTERM while its followers look alive tries to hand
 * over leadership and, if they die at the same moment, waits for the request timeout (about 7 s in 3.4).
 * Stopped in sequence, followers exit at once and a leader either hands over to a live member or sees none.
 */
final class Reaper {

    private Reaper() {
    }

    /** Stops every pid; returns once all are gone, or after {@code grace} for SIGTERM plus {@code grace} for SIGKILL. */
    static void stop(List<Long> pids, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        for (long pid : pids) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isPresent() && handle.get().isAlive()) {
                handle.get().destroy();
                awaitExit(handle.get(), deadline);
            }
        }
        long killDeadline = System.nanoTime() + grace.toNanos();
        for (long pid : pids) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (handle.isPresent()) {
                handle.get().destroyForcibly();
                awaitExit(handle.get(), killDeadline);
            }
        }
    }

    private static void awaitExit(ProcessHandle handle, long deadline) {
        long remaining = Math.max(0, deadline - System.nanoTime());
        try {
            handle.onExit().get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still running: escalated by the caller
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
