package dev.etcdguard.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes a report to the file {@code -o} names without ever damaging what is there:
 * <ul>
 *   <li>a regular file, or a path that does not exist: the report goes to a temporary file in the same
 *       directory, is fsynced and renamed over the path (atomic: readers see the old or the new report, never
 *       half of one). A new file is created 0600 (never wider than the umask allows); an existing file keeps its
 *       permission bits (and, when etcdguard may, its owner and group). An existing file in a directory etcdguard
 *       may not write is truncated and written in place instead;</li>
 *   <li>a character device (e.g. {@code /dev/null}, a terminal) or a FIFO: opened and written in place, never
 *       replaced; so is an open descriptor ({@code /dev/stdout}, {@code /dev/fd/N}, {@code /proc/self/fd/N}:
 *       whatever the shell connected, a pipe included), appending;</li>
 *   <li>a symbolic link: followed, as {@code > FILE} in a shell does, with a note on stderr naming the target;
 *       the link stays, the target is written by the rules above;</li>
 *   <li>a directory, a block device (a disk: writing a report onto it would destroy it) or a socket: refused
 *       with a one-line error (exit code 2).</li>
 * </ul>
 */
final class ReportFile {

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;
    private static final int MAX_LINKS = 40; // as Linux's ELOOP limit

    private ReportFile() {}

    /**
     * Writes what {@code render} prints to {@code file}; {@code note} receives one line when a symbolic link is
     * followed.
     *
     * @throws IOException with a one-line message naming the file and the reason
     */
    static void write(Path file, Consumer<PrintWriter> render, Consumer<String> note) throws IOException {
        Path target = followLinks(file, note);
        if (isDescriptor(target)) { // /dev/stdout, /dev/fd/N, /proc/self/fd/N: whatever the shell connected
            writeDescriptor(file, target, render);
            return;
        }
        int type = type(file, target);
        switch (type) {
            case 0, S_IFREG -> replaceAtomically(file, target, type == S_IFREG, render);
            case S_IFCHR, S_IFIFO -> writeInPlace(file, target, render);
            case S_IFDIR -> throw failure(file, target, "it is a directory");
            case S_IFBLK -> throw failure(file, target, "it is a block device (a disk); a report is never written onto one");
            case S_IFSOCK -> throw failure(file, target, "it is a socket");
            default -> throw failure(file, target, "it is not a regular file, character device or FIFO");
        }
    }

    /** The path after following every symbolic link (also to a target that does not exist yet). */
    private static Path followLinks(Path file, Consumer<String> note) throws IOException {
        Path current = file.toAbsolutePath();
        for (int hops = 0; hops <= MAX_LINKS; hops++) {
            if (isDescriptor(current)) {
                return current; // its "link target" (pipe:[123], socket:[456]) is no path
            }
            if (!Files.isSymbolicLink(current)) {
                if (hops > 0) {
                    note.accept("etcdguard: note: " + file + " is a symbolic link: writing the report to its target " + current);
                }
                return current;
            }
            Path link;
            try {
                link = Files.readSymbolicLink(current);
            } catch (IOException e) {
                throw failure(file, current, reason(e));
            }
            current = current.resolveSibling(link).normalize();
        }
        throw failure(file, current, "too many levels of symbolic links");
    }

    /** An open file descriptor's magic link: {@code /proc/PID/fd/N}, {@code /proc/self/fd/N} or {@code /dev/fd/N}. */
    private static boolean isDescriptor(Path path) {
        Path p = path.normalize();
        int n = p.getNameCount();
        boolean fdDir = n >= 2 && p.getName(n - 2).toString().equals("fd")
                && (n == 3 && p.startsWith("/dev") || n == 4 && p.startsWith("/proc"));
        return fdDir && p.getFileName().toString().matches("[0-9]+");
    }

    /**
     * Writes through an open descriptor's magic link: in place and appending, as {@code >> /dev/stdout} would, so
     * a pipe, terminal or a file the shell opened with {@code >>} gets the report without losing what it holds.
     */
    private static void writeDescriptor(Path file, Path target, Consumer<PrintWriter> render) throws IOException {
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            writeTo(out, render);
        } catch (IOException | UncheckedIOException e) {
            throw failure(file, target, reason(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e));
        }
    }

    /** The file type bits of {@code target}, 0 when it does not exist. */
    private static int type(Path file, Path target) throws IOException {
        try {
            return (Integer) Files.getAttribute(target, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw failure(file, target, reason(e));
        }
    }

    private static void replaceAtomically(Path file, Path target, boolean exists, Consumer<PrintWriter> render)
            throws IOException {
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            throw failure(file, target, "directory " + dir + " does not exist");
        }
        PosixFileAttributes existing = null;
        if (exists) {
            try {
                existing = Files.readAttributes(target, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw failure(file, target, reason(e));
            }
        }
        if (existing != null && !Files.isWritable(dir) && Files.isWritable(target)) {
            truncateInPlace(file, target, render); // no rename possible in a directory we may not write
            return;
        }
        Path tmp = null;
        try {
            // created 0600 (the kernel applies the umask on top): a report lists a node's weaknesses
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeTo(Channels.newOutputStream(channel), render);
                channel.force(true);
            }
            if (existing != null) {
                keepAttributes(tmp, existing);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            syncDirectory(dir);
        } catch (IOException | UncheckedIOException e) {
            throw failure(file, target, reason(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e));
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void keepAttributes(Path tmp, PosixFileAttributes existing) throws IOException {
        Set<PosixFilePermission> mode = existing.permissions();
        Files.setPosixFilePermissions(tmp, mode);
        try {
            if (!Files.getOwner(tmp).equals(existing.owner())) {
                Files.setOwner(tmp, existing.owner());
            }
            if (!Files.readAttributes(tmp, PosixFileAttributes.class).group().equals(existing.group())) {
                Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class)
                        .setGroup(existing.group());
            }
        } catch (FileSystemException e) {
            // not root: the replaced file is ours, as with any editor's atomic save
        }
        Files.setPosixFilePermissions(tmp, mode); // chown may clear set-id bits
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // the rename is done; durability of the directory entry is best effort
        }
    }

    private static void writeInPlace(Path file, Path target, Consumer<PrintWriter> render) throws IOException {
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE)) {
            writeTo(out, render);
        } catch (IOException | UncheckedIOException e) {
            throw failure(file, target, reason(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e));
        }
    }

    private static void truncateInPlace(Path file, Path target, Consumer<PrintWriter> render) throws IOException {
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeTo(Channels.newOutputStream(channel), render);
            channel.force(true);
        } catch (IOException | UncheckedIOException e) {
            throw failure(file, target, reason(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e));
        }
    }

    private static void writeTo(OutputStream stream, Consumer<PrintWriter> render) throws IOException {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
        render.accept(out);
        out.flush();
        if (out.checkError()) {
            throw new IOException("write failed (the disk is full, or the reader went away)");
        }
    }

    private static IOException failure(Path file, Path target, String reason) {
        String where = file.toAbsolutePath().equals(target) ? file.toString() : file + " (-> " + target + ")";
        return new IOException("cannot write the report to " + where + ": " + reason);
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
