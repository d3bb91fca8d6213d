package dev.etcdguard.rules;

import dev.etcdguard.etcd.FileView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Names of numeric user and group ids, from an account database ({@code /etc/passwd}, {@code /etc/group}). */
final class Accounts {

    private Accounts() {}

    /** The name of {@code id} in the database the member's files are owned under, or null when unknown. */
    static String name(FileView files, String database, int id) {
        String text = switch (files.accounts(database)) {
            case FileView.Lookup.OnDisk disk -> read(disk);
            case FileView.Lookup.Content content -> new String(content.bytes(), StandardCharsets.UTF_8);
            case FileView.Lookup.Elsewhere elsewhere -> null;
        };
        if (text == null) {
            return null;
        }
        for (String line : text.split("\n")) {
            String[] fields = line.split(":", -1);
            if (fields.length > 2 && fields[2].equals(Integer.toString(id))) {
                return fields[0];
            }
        }
        return null;
    }

    private static String read(FileView.Lookup.OnDisk disk) {
        try {
            return Files.size(disk.path()) > FileRead.MAX_BYTES ? null : Files.readString(disk.path(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
