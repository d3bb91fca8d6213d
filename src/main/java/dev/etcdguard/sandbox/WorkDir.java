package dev.etcdguard.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

    static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException ignored) {
            // already gone
        } catch (IOException ignored) {
            // best effort
        }
    }
}
