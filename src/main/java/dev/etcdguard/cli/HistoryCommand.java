package dev.etcdguard.cli;

import dev.etcdguard.store.History;
import dev.etcdguard.store.HistoryReport;
import dev.etcdguard.store.Store;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "history",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Show the stored scans ('scan --store URL' writes them): time, host, cluster and results per status, newest "
                + "first; with --rule or --target, that rule's or target's status over time (oldest first, a change "
                + "marked worse or better); with --fleet, the latest scan of every cluster and host.",
            "Target keys (see 'history' or 'diff' output): process:HOST/PROGRAM/MEMBER, "
                + "manifest:FILE#KIND/NAMESPACE/NAME/CONTAINER, endpoint:URL."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  shown", "  2  the store could not be opened or read"})
final class HistoryCommand implements Callable<Integer> {

    enum Format { text, json }

    @Mixin
    StoreOptionsMixin store;

    @Option(names = "--rule", paramLabel = "ID", description = "A rule's status over time (its id, e.g. etcd-peer-tls, or its number, e.g. 2.4).")
    String rule;

    @Option(names = "--target", paramLabel = "KEY", description = "A target's status over time (its key, as 'diff' shows it).")
    String target;

    @Option(names = "--fleet", description = "The latest scan of every cluster and host.")
    boolean fleet;

    @Option(names = "--host", paramLabel = "NAME", description = "Only this host's scans (the scan list).")
    String host;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "At most N scans, or N status points (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be positive");
        }
        if (fleet && (rule != null || target != null)) {
            throw new IllegalArgumentException("--fleet shows whole scans: not with --rule or --target");
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        try (Store s = store.openExisting()) {
            if (rule != null || target != null) {
                List<History.Point> points = s.statusOverTime(rule, target, limit);
                if (format == Format.json) {
                    HistoryReport.pointsJson(points, out);
                } else {
                    HistoryReport.pointsText("status over time of " + (rule == null ? "every rule" : "rule " + rule)
                            + (target == null ? "" : " on " + target) + " (" + s.describe() + ")", points, out);
                }
            } else if (fleet) {
                List<History.Scan> scans = s.fleet();
                if (format == Format.json) {
                    HistoryReport.scansJson("fleet", scans, out);
                } else {
                    HistoryReport.scansText("latest scan per cluster and host (" + s.describe() + ")", scans, out);
                }
            } else {
                List<History.Scan> scans = s.scans(host, limit);
                if (format == Format.json) {
                    HistoryReport.scansJson("scans", scans, out);
                } else {
                    HistoryReport.scansText("scans" + (host == null ? "" : " of " + host) + ", newest first ("
                            + s.describe() + ")", scans, out);
                }
            }
        }
        return 0;
    }
}
