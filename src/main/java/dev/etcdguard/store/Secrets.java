package dev.etcdguard.store;

import dev.etcdguard.etcd.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a PostgreSQL store's password comes from: a file, else PGPASSWORD; never the command line. */
final class Secrets {

    private Secrets() {}

    /** The password, or null (SQLite; or PostgreSQL with trust/peer authentication or the driver's ~/.pgpass). */
    static String password(StoreUrl url, Path file) {
        if (file != null) {
            try {
                String s = Files.readString(file, StandardCharsets.UTF_8);
                return s.endsWith("\r\n") ? s.substring(0, s.length() - 2)
                        : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
            } catch (IOException e) {
                throw new StoreException("cannot read the store password file " + file + ": " + IoErrors.reason(e));
            }
        }
        if (!url.isPostgres()) {
            return null;
        }
        String env = System.getenv("PGPASSWORD");
        return env == null || env.isEmpty() ? null : env;
    }
}
