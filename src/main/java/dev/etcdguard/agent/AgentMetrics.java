package dev.etcdguard.agent;

import dev.etcdguard.etcd.Target;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.rules.CertificateSeen;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's Prometheus metrics. Per-result and per-certificate series are rebuilt from each finished scan and
 * replaced whole (a scrape sees one scan's series, never a mix; series of targets gone disappear at the next scan).
 * Their number is capped at {@link #MAX_SERIES}; series beyond it are counted in
 * {@code etcdguard_series_dropped_total}.
 *
 * <ul>
 *   <li>{@code etcdguard_result{rule, number, title, target, host, cluster, status} 1}: one series per result, its
 *       status as a label (PASS, FAIL, WARN, ERROR, NOT_APPLICABLE...): {@code etcdguard_result{status="FAIL"}}</li>
 *   <li>{@code etcdguard_results{host, cluster, status}}: results per status of the latest scan</li>
 *   <li>{@code etcdguard_certificate_expiry_timestamp_seconds{path, role, target, host, cluster}}: notAfter of every
 *       certificate the rules read</li>
 *   <li>{@code etcdguard_scan_duration_seconds}, {@code etcdguard_last_scan_timestamp_seconds},
 *       {@code etcdguard_scans_total}, {@code etcdguard_scan_errors_total}</li>
 * </ul>
 */
public final class AgentMetrics {

    /** At most this many per-result plus per-certificate series. */
    public static final int MAX_SERIES = 10_000;

    private static final String[] RESULT_LABELS = {"rule", "number", "title", "target", "host", "cluster", "status"};
    private static final String[] CERT_LABELS = {"path", "role", "target", "host", "cluster"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final int maxSeries;
    private final Counter scans;
    private final Counter errors;
    private final Counter dropped;
    private final Gauge duration;
    private final Gauge lastScan;
    private volatile Series series = new Series(List.of(), List.of(), List.of());

    private record Series(List<GaugeDataPointSnapshot> results, List<GaugeDataPointSnapshot> counts,
                          List<GaugeDataPointSnapshot> certificates) {
    }

    public AgentMetrics() {
        this(MAX_SERIES);
    }

    AgentMetrics(int maxSeries) {
        this.maxSeries = maxSeries;
        scans = Counter.builder().name("etcdguard_scans_total").help("Scans finished (with or without FAIL results).")
                .register(registry);
        errors = Counter.builder().name("etcdguard_scan_errors_total")
                .help("Scans that could not run or whose report could not be stored.").register(registry);
        dropped = Counter.builder().name("etcdguard_series_dropped_total")
                .help("Result and certificate series left out because a scan had more than " + maxSeries + ".")
                .register(registry);
        duration = Gauge.builder().name("etcdguard_scan_duration_seconds").help("Duration of the latest finished scan.")
                .register(registry);
        lastScan = Gauge.builder().name("etcdguard_last_scan_timestamp_seconds")
                .help("Unix time the latest finished scan started.").register(registry);
        registry.register(collector("etcdguard_result", "One series per result of the latest scan (value 1); its"
                + " status is the status label.", () -> series.results));
        registry.register(collector("etcdguard_results", "Results of the latest scan per status.", () -> series.counts));
        registry.register(collector("etcdguard_certificate_expiry_timestamp_seconds", "Unix time a certificate the"
                + " rules read expires (notAfter).", () -> series.certificates));
    }

    private static Collector collector(String name, String help, java.util.function.Supplier<List<GaugeDataPointSnapshot>> points) {
        return new Collector() {
            @Override
            public MetricSnapshot collect() {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
                points.get().forEach(b::dataPoint);
                return b.build();
            }

            @Override
            public String getPrometheusName() {
                return name;
            }
        };
    }

    void scanned(AgentState.Scan scan) {
        ScanReport report = scan.report();
        int budget = maxSeries;
        long over = 0;
        List<GaugeDataPointSnapshot> results = new ArrayList<>();
        Set<Labels> seen = new HashSet<>();
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        for (Result r : report.results()) {
            counts.merge(r.status(), 1, Integer::sum);
            Labels labels = Labels.of(RESULT_LABELS, new String[] {r.rule().id(), r.rule().number(), r.rule().title(),
                target(r.target()), scan.host(), scan.cluster(), r.status().name()});
            if (!seen.add(labels)) {
                labels = labels.merge(Labels.of("pid_or_place", place(r.target())));
                if (!seen.add(labels)) {
                    continue; // the same verdict twice on the same place: one series says it
                }
            }
            if (results.size() >= budget) {
                over++;
                continue;
            }
            results.add(point(labels, 1));
        }
        budget -= results.size();
        // one series per (path, role, target): a CA bundle's certificates share a path, the earliest expiry is the alarm
        Map<Labels, Long> earliest = new java.util.LinkedHashMap<>();
        for (CertificateSeen c : report.certificates()) {
            Labels labels = Labels.of(CERT_LABELS, new String[] {c.path(), c.role(), target(c.target()), scan.host(),
                scan.cluster()});
            earliest.merge(labels, c.notAfter().getEpochSecond(), Math::min);
        }
        List<GaugeDataPointSnapshot> certificates = new ArrayList<>();
        for (Map.Entry<Labels, Long> e : earliest.entrySet()) {
            if (certificates.size() >= budget) {
                over++;
                continue;
            }
            certificates.add(point(e.getKey(), e.getValue()));
        }
        List<GaugeDataPointSnapshot> countPoints = new ArrayList<>();
        for (Status s : Status.values()) {
            countPoints.add(point(Labels.of("host", scan.host(), "cluster", scan.cluster(), "status", s.name()),
                    counts.getOrDefault(s, 0)));
        }
        series = new Series(List.copyOf(results), List.copyOf(countPoints), List.copyOf(certificates));
        if (over > 0) {
            dropped.inc(over);
        }
        duration.set(scan.took().toNanos() / 1e9);
        lastScan.set(scan.at().toEpochMilli() / 1e3);
        scans.inc();
    }

    void scanFailed() {
        errors.inc();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    String contentType() {
        return writer.getContentType();
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    /**
     * A target as a stable label: the member's name (or the program) for a process, so a restart (a new pid) keeps
     * the series; file, resource and container for a manifest; the URL for an endpoint.
     */
    static String target(Target target) {
        return switch (target) {
            case Target.Process p -> p.member() != null ? "member " + p.member()
                    : p.exe() == null ? "pid " + p.pid() : String.valueOf(Path.of(p.exe()).getFileName());
            case Target.Manifest m -> m.file() + (m.resource() == null ? "" : " " + m.resource())
                    + (m.container() == null ? "" : " container " + m.container());
            case Target.Endpoint e -> e.url();
        };
    }

    private static String place(Target target) {
        return switch (target) {
            case Target.Process p -> "pid " + p.pid();
            case Target.Manifest m -> "document " + m.document() + " line " + m.line();
            case Target.Endpoint e -> e.url();
        };
    }
}
