package dev.etcdguard.store;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A history store's JDBC URL: {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST[:PORT]/DB[?user=USER...]}.
 * A password in the URL is refused: a URL is given on the command line, which every user of the node can read
 * in /proc; PGPASSWORD or a password file carry it instead.
 */
public record StoreUrl(Kind kind, String jdbcUrl, Path file) {

    public enum Kind { SQLITE, POSTGRESQL }

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&;]password=)[^&;\\s]*");
    private static final Pattern USERINFO = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    /** Parses a store URL; a bare path (no {@code jdbc:}) is an SQLite file. */
    public static StoreUrl parse(String url) {
        String u = url.strip();
        if (PASSWORD_PARAM.matcher(u).find() || (u.startsWith("jdbc:postgresql:") && USERINFO.matcher(u).find())) {
            throw new StoreException("the store URL " + mask(u) + " holds a password: the command line is readable by "
                    + "every user; give it in PGPASSWORD or --store-password-file");
        }
        if (u.startsWith("jdbc:sqlite:")) {
            String rest = u.substring("jdbc:sqlite:".length());
            String path = rest.startsWith("file:") ? rest.substring("file:".length()) : rest;
            int q = path.indexOf('?');
            path = q >= 0 ? path.substring(0, q) : path;
            if (path.isEmpty() || path.equals(":memory:") || path.startsWith(":resource:")) {
                throw new StoreException("the SQLite store needs a file: jdbc:sqlite:FILE (got " + u + ")");
            }
            return new StoreUrl(Kind.SQLITE, u, Path.of(path));
        }
        if (u.startsWith("jdbc:postgresql:")) {
            return new StoreUrl(Kind.POSTGRESQL, u, null);
        }
        if (u.startsWith("jdbc:") || u.matches("(?i)^[a-z][a-z0-9+.-]*://.*")) {
            throw new StoreException("unsupported store URL " + mask(u)
                    + ": use jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DB?user=USER");
        }
        return new StoreUrl(Kind.SQLITE, "jdbc:sqlite:" + u, Path.of(u));
    }

    /**
     * The default store: {@code /var/lib/etcdguard/history.db} for root (the agent on a node), else
     * {@code $XDG_STATE_HOME/etcdguard/history.db} ({@code ~/.local/state/etcdguard/history.db}).
     */
    public static StoreUrl defaultSqlite() {
        Path file;
        if ("root".equals(System.getProperty("user.name"))) {
            file = Path.of("/var/lib/etcdguard/history.db");
        } else {
            String state = System.getenv("XDG_STATE_HOME");
            Path base = state != null && state.startsWith("/") ? Path.of(state)
                    : Path.of(System.getProperty("user.home"), ".local", "state");
            file = base.resolve("etcdguard").resolve("history.db");
        }
        return new StoreUrl(Kind.SQLITE, "jdbc:sqlite:" + file, file);
    }

    /** The URL for messages. */
    public String describe() {
        return mask(jdbcUrl);
    }

    /** {@code s} with any password parameter or user-info password replaced by ****. */
    static String mask(String s) {
        String out = PASSWORD_PARAM.matcher(s).replaceAll("$1****");
        return USERINFO.matcher(out).replaceAll("$1****@");
    }

    boolean isPostgres() {
        return kind == Kind.POSTGRESQL;
    }

    String lower() {
        return jdbcUrl.toLowerCase(Locale.ROOT);
    }
}
