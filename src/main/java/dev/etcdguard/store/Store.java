package dev.etcdguard.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The history of scans: SQLite embedded ({@code jdbc:sqlite:FILE}, the default) or PostgreSQL for a fleet
 * ({@code jdbc:postgresql://HOST:PORT/DB?user=USER}). One schema for both, migrated by Flyway when the store opens.
 * A store is safe to use from several threads (calls are serialized); many processes may write to one database.
 */
public interface Store extends AutoCloseable {

    /** Opens the store at {@code url} (null or blank: {@link StoreUrl#defaultSqlite()}); the password from PGPASSWORD. */
    static Store open(String url) {
        return open(url, null);
    }

    /** As {@link #open(String)}, the password read from {@code passwordFile} when given (else PGPASSWORD). */
    static Store open(String url, Path passwordFile) {
        return open(url, passwordFile, true);
    }

    /**
     * As {@link #open(String, Path)}; with {@code create} false (readers: history, diff) a missing SQLite file is an
     * error instead of a new empty store.
     */
    static Store open(String url, Path passwordFile, boolean create) {
        StoreUrl parsed = url == null || url.isBlank() ? StoreUrl.defaultSqlite() : StoreUrl.parse(url);
        if (!create && parsed.kind() == StoreUrl.Kind.SQLITE && !java.nio.file.Files.exists(parsed.file())) {
            throw new StoreException("no history store at " + parsed.describe()
                    + ": 'etcdguard scan --store " + parsed.describe() + "' creates it");
        }
        return Jdbc.open(parsed, Secrets.password(parsed, passwordFile));
    }

    /** Writes a scan and all its results in one transaction (all or none); returns the scan's id. */
    long write(ScanRecord record);

    /** The newest scans first, at most {@code limit}; only {@code host}'s when not null. */
    List<History.Scan> scans(String host, int limit);

    /** A scan with its results, if stored. */
    Optional<History.StoredScan> scan(long id);

    /** The ids of {@code host}'s newest scans, newest first, at most {@code limit}. */
    List<Long> latest(String host, int limit);

    /** A rule's or a target's status over time (oldest first, the newest {@code limit} points); either may be null. */
    List<History.Point> statusOverTime(String rule, String targetKey, int limit);

    /** The newest scan of every cluster and host. */
    List<History.Scan> fleet();

    /** Deletes the scans (with their results) that started before {@code before}, in one transaction; returns how many. */
    int prune(java.time.Instant before);

    /** The store's URL without any password, for messages. */
    String describe();

    @Override
    void close();
}
