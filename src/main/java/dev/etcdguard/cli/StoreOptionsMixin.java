package dev.etcdguard.cli;

import dev.etcdguard.report.ScanReport;
import dev.etcdguard.store.ScanRecord;
import dev.etcdguard.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Option;

/** Where the scan history is kept: {@code --store}, {@code --store-password-file}, {@code --cluster}. */
final class StoreOptionsMixin {

    /** When the command started (the scan's start time in the history). */
    private final Instant started = Instant.now();

    @Option(names = "--store", paramLabel = "URL",
            description = {"History store (scan: write the scan into it, in one transaction; history, diff: read it): "
                    + "jdbc:sqlite:FILE (embedded) or jdbc:postgresql://HOST:PORT/DB?user=USER (a fleet). "
                    + "Default for history and diff: $ETCDGUARD_STORE, else /var/lib/etcdguard/history.db as root, "
                    + "~/.local/state/etcdguard/history.db ($XDG_STATE_HOME) otherwise. The PostgreSQL password comes "
                    + "from --store-password-file or PGPASSWORD (or the driver's ~/.pgpass), never from the URL."})
    String url;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "Read the PostgreSQL password from FILE (one line), e.g. a mounted Kubernetes Secret.")
    Path passwordFile;

    @Option(names = "--cluster", paramLabel = "NAME",
            description = "The cluster's name in the history (history --fleet groups by it).")
    String cluster;

    /** The URL given, else $ETCDGUARD_STORE, else null (the default SQLite file). */
    String url() {
        if (url != null && !url.isBlank()) {
            return url;
        }
        String env = System.getenv("ETCDGUARD_STORE");
        return env == null || env.isBlank() ? null : env;
    }

    /** For history and diff: an SQLite file that does not exist is an error, not created (readers do not write). */
    Store openExisting() {
        return Store.open(url(), passwordFile, false);
    }

    /** {@code scan --store}: writes the report into the history (one transaction); nothing without --store. */
    void record(ScanReport report) {
        if (url == null) {
            return;
        }
        try (Store store = Store.open(url, passwordFile)) {
            store.write(new ScanRecord(report, ScanRecord.thisHost(), cluster, started, Duration.between(started, Instant.now())));
        }
    }
}
