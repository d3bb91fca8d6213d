package dev.etcdguard.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Ends processes by pid: SIGTERM, a grace period, then SIGKILL. */
final class Reaper {

    private Reaper() {
    }

    /** Stops every pid; returns once all are gone or {@code 2 * grace} has passed. */
    static void stop(List<Long> pids, Duration grace) {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        awaitExit(pids, grace);
        pids.forEach(pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly));
        awaitExit(pids, grace);
    }

    private static void awaitExit(List<Long> pids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long pid : pids) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty()) {
                continue;
            }
            long remaining = Math.max(0, deadline - System.nanoTime());
            try {
                handle.get().onExit().get(remaining, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // still running; the caller escalates
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
