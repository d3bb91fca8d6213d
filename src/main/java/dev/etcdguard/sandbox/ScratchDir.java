package dev.etcdguard.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary directory ({@code java.io.tmpdir}, owner-only) for throw-away work — clusters' certificates, keys and
 * data, benchmark corpora — removed with everything in it on {@link #close()}, on an exception that ends the
 * program, and when the JVM goes down (SIGINT, SIGTERM): {@link Reaper}'s exit cleanup first stops the members of
 * every {@link LocalCluster} created inside it, then deletes it.
 */
public final class ScratchDir implements AutoCloseable {

    private final Path path;
    private final Runnable cancelAtExit;

    private ScratchDir(Path path, Runnable cancelAtExit) {
        this.path = path;
        this.cancelAtExit = cancelAtExit;
    }

    /**
     * Creates {@code java.io.tmpdir/PREFIX<random>}.
     *
     * @throws IOException if it cannot be created, or the JVM is already shutting down
     */
    public static ScratchDir create(String prefix) throws IOException {
        try {
            return Reaper.guarded(() -> {
                Path dir = Files.createTempDirectory(prefix);
                return new ScratchDir(dir, Reaper.atExit(() -> WorkDir.deleteTree(dir)));
            });
        } catch (Reaper.ShuttingDown e) {
            throw new IOException("no temporary directory created: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** Deletes the directory and everything in it (best effort). Idempotent. */
    @Override
    public void close() {
        cancelAtExit.run();
        WorkDir.deleteTree(path);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
