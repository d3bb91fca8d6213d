package dev.etcdguard.cli;

import dev.etcdguard.store.Diff;
import dev.etcdguard.store.History;
import dev.etcdguard.store.HistoryReport;
import dev.etcdguard.store.ScanRecord;
import dev.etcdguard.store.Store;
import dev.etcdguard.store.StoreException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "diff",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Compare two stored scans result by result (matched by rule and stable target key, so a restarted "
                + "member with a new pid is the same target): new FAILs, other statuses that got worse, fixed FAILs, "
                + "improvements, changed evidence with the same status, results added or removed.",
            "OLD and NEW are scan ids ('etcdguard history' lists them); without them, the last two scans of this host "
                + "(--host to name another); with one id, that scan against the newest of its host."},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  nothing got worse",
            "  1  something got worse: a new FAIL, or a status worse than before (use it in CI)",
            "  2  the store could not be read, or a scan is missing"})
final class DiffCommand implements Callable<Integer> {

    @Mixin
    StoreOptionsMixin store;

    @Parameters(paramLabel = "SCAN", arity = "0..2", description = "OLD and NEW scan ids.")
    List<Long> ids = new java.util.ArrayList<>();

    @Option(names = "--host", paramLabel = "NAME",
            description = "Without scan ids: this host's last two scans (default: this node's name).")
    String host;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    HistoryCommand.Format format;

    @Override
    public Integer call() {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        try (Store s = store.openExisting()) {
            History.StoredScan older;
            History.StoredScan newer;
            if (ids.size() == 2) {
                older = load(s, ids.get(0));
                newer = load(s, ids.get(1));
            } else if (ids.size() == 1) {
                older = load(s, ids.get(0));
                List<Long> latest = s.latest(older.scan().host(), 1);
                newer = load(s, latest.getFirst());
            } else {
                String h = host != null ? host : ScanRecord.thisHost();
                List<Long> latest = s.latest(h, 2);
                if (latest.size() < 2) {
                    throw new StoreException("host " + h + " has " + latest.size() + " stored scan(s) in " + s.describe()
                            + ": diff needs two ('scan --store URL' writes them; 'history' lists them)");
                }
                older = load(s, latest.get(1));
                newer = load(s, latest.get(0));
            }
            Diff diff = Diff.of(older, newer);
            if (format == HistoryCommand.Format.json) {
                HistoryReport.diffJson(diff, out);
            } else {
                HistoryReport.diffText(diff, out);
            }
            return diff.worse() ? 1 : 0;
        }
    }

    private static History.StoredScan load(Store s, long id) {
        return s.scan(id).orElseThrow(() -> new StoreException("no scan " + id + " in " + s.describe()));
    }
}
