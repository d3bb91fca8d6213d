package dev.etcdguard.agent;

import dev.etcdguard.report.ScanReport;
import dev.etcdguard.report.Trend;
import dev.etcdguard.store.Diff;
import dev.etcdguard.store.HistoryReport;
import dev.etcdguard.store.ScanRecord;
import dev.etcdguard.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The history store behind the agent: every scan is written to it (one transaction), {@code /api/v1/history}
 * reads it, and the posture page's trend (the last scans and what changed between them) is computed once after
 * each write, not on every page view.
 */
public final class StoreHistory implements ScanSink, History {

    /** Scans on the page's trend, and consecutive pairs of them whose changes it lists. */
    private static final int TREND_SCANS = 20;
    private static final int TREND_DIFFS = 5;
    private static final int MAX_LIMIT = 1000;

    private final Store store;
    private final String host;
    private final String cluster;
    private volatile Trend trend = Trend.empty();

    public StoreHistory(Store store, String host, String cluster) {
        this.store = store;
        this.host = host;
        this.cluster = cluster;
    }

    @Override
    public void written(ScanReport report, Instant at, Duration took) throws IOException {
        store.write(new ScanRecord(report, host, cluster, at, took));
        trend = readTrend();
    }

    /** The trend as of the last write (empty before it). */
    public Trend trend() {
        return trend;
    }

    @Override
    public String json(Map<String, String> query) throws IOException {
        int limit = limit(query.get("limit"));
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            if (query.containsKey("rule") || query.containsKey("target")) {
                HistoryReport.pointsJson(store.statusOverTime(query.get("rule"), query.get("target"), limit), out);
            } else if (query.containsKey("fleet")) {
                HistoryReport.scansJson("fleet", store.fleet(), out);
            } else {
                HistoryReport.scansJson("scans", store.scans(host, limit), out);
            }
        }
        return text.toString();
    }

    private Trend readTrend() {
        List<Trend.ScanSummary> scans = new ArrayList<>();
        store.scans(host, TREND_SCANS).forEach(s -> scans.add(new Trend.ScanSummary(s.started(), s.host(), s.cluster(),
                s.counts())));
        List<Trend.Change> changes = new ArrayList<>();
        List<Long> ids = store.latest(host, TREND_DIFFS + 1); // newest first
        for (int i = 0; i + 1 < ids.size(); i++) {
            var newer = store.scan(ids.get(i));
            var older = store.scan(ids.get(i + 1));
            if (newer.isEmpty() || older.isEmpty()) {
                continue;
            }
            Instant when = newer.get().scan().started();
            for (Diff.Change c : Diff.of(older.get(), newer.get()).changes()) {
                changes.add(new Trend.Change(when, c.rule(), c.number(), c.rule(), c.targetKey(), c.before(), c.after(),
                        c.details().isEmpty() ? null : String.join("; ", c.details())));
            }
        }
        return new Trend(scans, changes);
    }

    private static int limit(String value) {
        if (value == null) {
            return 100;
        }
        try {
            return Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(value.trim())));
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}
