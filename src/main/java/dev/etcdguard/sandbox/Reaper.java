package dev.etcdguard.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Ends processes by pid: SIGTERM one after the other (each awaited), then SIGKILL for any still alive.
 *
 * <p>One at a time matters for etcd: a leader that gets SIGTERM while its followers look alive tries to hand
 * over leadership and, if they die at the same moment, waits for the request timeout (about 7 s in 3.4).
 * Stopped in sequence, followers exit at once and a leader either hands over to a live member or sees none.
 *
 * <p>Also the sandbox's one exit cleanup: {@link #atExit} actions run from a single JVM shutdown hook (normal exit,
 * {@code System.exit}, SIGINT, SIGTERM, SIGHUP), latest first, so a cluster's members are killed before the
 * directory holding their files is deleted. Whatever starts a process or creates a file that an action cleans up
 * does so inside {@link #guarded}: the hook waits for such a section to finish, and once it runs none starts, so
 * nothing is started or written behind the cleanup's back while the JVM goes down.
 */
final class Reaper {

    /** Work that may throw a checked exception. */
    @FunctionalInterface
    interface Work<T, E extends Exception> {
        T run() throws E;
    }

    private static final ReentrantReadWriteLock EXIT_LOCK = new ReentrantReadWriteLock();
    private static final Deque<Runnable> AT_EXIT = new ArrayDeque<>();
    private static volatile boolean exiting;
    private static boolean hookInstalled;

    private Reaper() {
    }

    /**
     * Runs {@code action} when the JVM shuts down, unless the returned handle is run first (which unregisters it).
     *
     * @throws ShuttingDown if the JVM is already shutting down
     */
    static Runnable atExit(Runnable action) {
        synchronized (AT_EXIT) {
            if (exiting) {
                throw shuttingDown();
            }
            if (!hookInstalled) {
                Runtime.getRuntime().addShutdownHook(new Thread(Reaper::runAtExit, "etcdguard-sandbox-shutdown"));
                hookInstalled = true;
            }
            AT_EXIT.addFirst(action);
        }
        return () -> {
            synchronized (AT_EXIT) {
                AT_EXIT.removeFirstOccurrence(action);
            }
        };
    }

    /**
     * Runs {@code work} unless the JVM is shutting down; the exit cleanup waits until it is done.
     *
     * @throws ShuttingDown if the JVM is shutting down (nothing is run)
     */
    static <T, E extends Exception> T guarded(Work<T, E> work) throws E {
        Lock lock = EXIT_LOCK.readLock();
        lock.lock();
        try {
            if (exiting) {
                throw shuttingDown();
            }
            return work.run();
        } finally {
            lock.unlock();
        }
    }

    /** True once the JVM has begun to shut down and the exit cleanup runs. */
    static boolean exiting() {
        return exiting;
    }

    private static ShuttingDown shuttingDown() {
        return new ShuttingDown();
    }

    /** Thrown by {@link #guarded} and {@link #atExit} once the JVM shuts down. */
    static final class ShuttingDown extends IllegalStateException {
        ShuttingDown() {
            super("shutting down (interrupted): nothing more is started");
        }
    }

    private static void runAtExit() {
        Lock lock = EXIT_LOCK.writeLock();
        boolean locked = false;
        try {
            // a section in progress (a member being launched, files being written) ends first; bounded, in case
            // System.exit was called from inside one
            locked = lock.tryLock(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Runnable> actions;
        synchronized (AT_EXIT) {
            exiting = true;
            actions = new ArrayList<>(AT_EXIT);
            AT_EXIT.clear();
        }
        if (locked) {
            lock.unlock();
        }
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException | Error e) {
                // best effort: the next action still runs
            }
        }
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
