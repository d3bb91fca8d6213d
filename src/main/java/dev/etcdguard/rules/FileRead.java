package dev.etcdguard.rules;

import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.IoErrors;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** A file a member uses, read as the member sees it: its bytes and ownership, or why it could not be. */
sealed interface FileRead {

    /** Certificate and key files larger than this are not PEM files etcd could use. */
    long MAX_BYTES = 1024 * 1024;

    /** The path as the member names it. */
    String path();

    /** A file's bytes; {@code mode} and {@code uid} are -1 when the file has no owner here (e.g. a ConfigMap key). */
    record Ok(String path, byte[] bytes, int mode, int uid) implements FileRead {
        String modeOctal() {
            return mode < 0 ? "unknown" : String.format("%04o", mode);
        }

        boolean hasOwnership() {
            return mode >= 0;
        }
    }

    /**
     * @param status FAIL when etcd could not use the file either; ERROR when only this scanner cannot read it;
     *               WARN when etcd most likely cannot read it; NOT_APPLICABLE when it is elsewhere (a node)
     */
    record Problem(String path, Status status, String reason) implements FileRead {}

    static FileRead read(FileView view, String path) {
        return switch (view.lookup(path)) {
            case FileView.Lookup.OnDisk disk -> readDisk(disk.path(), path);
            case FileView.Lookup.Content content -> content.bytes().length == 0
                    ? new Problem(path, Status.FAIL, path + " is empty")
                    : new Ok(path, content.bytes(), -1, -1);
            case FileView.Lookup.Elsewhere elsewhere -> new Problem(path,
                    elsewhere.suspicious() ? Status.WARN : Status.NOT_APPLICABLE, path + ": " + elsewhere.reason());
        };
    }

    private static FileRead readDisk(Path file, String path) {
        try {
            PosixFileAttributes attrs = Files.readAttributes(file, PosixFileAttributes.class);
            if (!attrs.isRegularFile()) {
                return new Problem(path, Status.FAIL, path + " is not a regular file");
            }
            if (attrs.size() == 0) {
                return new Problem(path, Status.FAIL, path + " is empty");
            }
            if (attrs.size() > MAX_BYTES) {
                return new Problem(path, Status.FAIL, path + " is " + attrs.size() + " bytes, too large for a PEM file");
            }
            int uid = (Integer) Files.getAttribute(file, "unix:uid");
            return new Ok(path, Files.readAllBytes(file), mode(attrs.permissions()), uid);
        } catch (NoSuchFileException e) {
            return new Problem(path, Status.FAIL, path + " does not exist");
        } catch (AccessDeniedException e) {
            return new Problem(path, Status.ERROR, "cannot read " + path + ": " + IoErrors.reason(e));
        } catch (IOException | UnsupportedOperationException e) {
            return new Problem(path, Status.ERROR, "cannot read " + path + ": "
                    + (e instanceof IOException io ? IoErrors.reason(io) : e.getMessage()));
        }
    }

    static int mode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= switch (p) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
