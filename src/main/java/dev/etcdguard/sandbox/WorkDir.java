package dev.etcdguard.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** The cluster's work directory: must start empty, since everything in it is deleted on close. */
final class WorkDir {

    private WorkDir() {
    }

    /** Creates the directory if needed; returns true when it was created (and so is removed on close). */
    static boolean prepare(Path dir) {
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("work dir " + dir + " is not a directory");
                }
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("work dir " + dir
                                + " is not empty: a LocalCluster deletes everything in its work dir on close");
                    }
                }
                return false;
            }
            Files.createDirectories(dir);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare work dir " + dir, e);
        }
    }

    /** Deletes everything below {@code dir}, and {@code dir} itself when {@code removeDir}. Best effort. */
    static void clean(Path dir, boolean removeDir) {
        deleteBelow(dir);
        if (removeDir) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // left behind: nothing else to do
            }
        }
    }

    /** Deletes the entries of {@code dir} (recursively) but not {@code dir}. */
    static void deleteBelow(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(WorkDir::deleteTree);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /**
     * Deletes {@code root} and everything below it, best effort: an entry that vanishes or cannot be deleted
     * does not stop the walk (the exit cleanup may race a {@code close()} deleting the same tree), and the walk
     * is repeated while something is left.
     */
    static void deleteTree(Path root) {
        for (int attempt = 0; attempt < 3 && Files.exists(root, LinkOption.NOFOLLOW_LINKS); attempt++) {
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        deleteQuietly(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        deleteQuietly(file); // e.g. a directory it may not list: at least try the entry itself
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) {
                        deleteQuietly(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // not empty (something was written meanwhile) or no permission: the next attempt sees it
        }
    }
}
