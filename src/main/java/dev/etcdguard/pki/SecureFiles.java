package dev.etcdguard.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writes files whole: through a sibling temporary file, fsynced, that is then renamed over the target. */
final class SecureFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    /** Writes a secret: the file is mode 0600 from its creation on (on POSIX file systems). */
    static void writePrivate(Path file, String text) {
        write(file, text, true);
    }

    static void writePublic(Path file, String text) {
        write(file, text, false);
    }

    private static void write(Path file, String text, boolean ownerOnly) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path temp = createTemp(target, ownerOnly);
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    channel.force(true); // the content is on disk before the rename makes it visible
                }
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(target.getParent());
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /** Makes a rename durable; file systems that cannot open a directory for reading are left as they are. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the rename itself is already atomic
        }
    }

    private static Path createTemp(Path target, boolean ownerOnly) throws IOException {
        boolean posix = Files.getFileStore(target.getParent()).supportsFileAttributeView("posix");
        FileAttribute<?>[] attributes = posix && ownerOnly
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        for (int attempt = 0; ; attempt++) {
            Path temp = target.resolveSibling("." + target.getFileName() + ".tmp" + attempt);
            try {
                Path created = Files.createFile(temp, attributes);
                if (posix && !ownerOnly) {
                    Files.setPosixFilePermissions(created, PosixFilePermissions.fromString("rw-r--r--"));
                }
                return created;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }
}
