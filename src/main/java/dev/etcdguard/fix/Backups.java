package dev.etcdguard.fix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Timestamped copies of files before they are replaced: {@code <dir>/<name>.<yyyyMMdd'T'HHmmss'Z'>.bak}, mode
 * 0600 whatever the original was (a backup of a key is a key), written and fsynced before the original is touched.
 * The default directory is the file's own; never kubelet's static-pod directory, where every file is a pod.
 */
public final class Backups {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private Backups() {
    }

    /** Where the backup of {@code file} taken at {@code now} goes: {@code backupDir} or, when null, beside the file. */
    static Path target(Path file, Path backupDir, Instant now) {
        Path dir = backupDir != null ? backupDir : file.toAbsolutePath().getParent();
        return dir.resolve(file.getFileName() + "." + STAMP.format(now.truncatedTo(ChronoUnit.SECONDS)) + ".bak");
    }

    /** Copies {@code file} to its backup; refuses a static-pod directory and never overwrites an earlier backup. */
    public static Path backup(Path file, Path backupDir, Instant now) {
        Path backup = target(file, backupDir, now);
        Path dir = backup.toAbsolutePath().getParent();
        if (dir.endsWith(Path.of("kubernetes", "manifests"))) {
            throw new FixException("refusing to put a backup in " + dir
                    + ": kubelet runs every file there as a static pod (use --backup-dir)");
        }
        for (int n = 1; Files.exists(backup); n++) {
            backup = dir.resolve(target(file, backupDir, now).getFileName() + "." + n);
        }
        try {
            Files.createDirectories(dir);
            byte[] content = Files.readAllBytes(file);
            boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
            FileAttribute<?>[] ownerOnly = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                    : new FileAttribute<?>[0];
            Files.createFile(backup, ownerOnly);
            try (FileChannel channel = FileChannel.open(backup, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            return backup;
        } catch (IOException e) {
            throw new FixException("cannot back up " + file + " to " + backup + ": " + e.getMessage(), e);
        }
    }
}
