package dev.etcdguard.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Writes files whole: through a sibling temporary file that is then renamed over the target. */
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
                Files.writeString(temp, text, StandardCharsets.US_ASCII);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
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
