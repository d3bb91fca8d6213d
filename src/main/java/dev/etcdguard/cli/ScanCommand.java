package dev.etcdguard.cli;

import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "scan",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Audit the etcd server processes on this node (--host, the default).",
            "",
            "Finds every process whose executable is etcd by reading /proc (containerized etcd included; "
                + "not etcdctl, kube-apiserver or shell wrappers), resolves each one's effective configuration "
                + "as etcd does (a --config-file replaces flags and ETCD_* variables; flags win over ETCD_* "
                + "variables; defaults last), reads the certificate files through the process's own root, and "
                + "evaluates rule 2.4, etcd-peer-tls.",
            "",
            "Needs root to read other users' /proc/PID/environ and key files; evidence it cannot read makes "
                + "the result ERROR, never PASS."},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  no result is FAIL or ERROR (also when no etcd process is found)",
            "  1  at least one result is FAIL",
            "  2  the scan could not run, or a result is ERROR"})
final class ScanCommand implements Callable<Integer> {

    @Option(names = "--host", description = "Scan the etcd processes of this node (default).")
    boolean host = true;

    @Option(names = "--proc-root", paramLabel = "DIR", defaultValue = "/proc",
            description = "procfs to read (default: ${DEFAULT-VALUE}); e.g. /host/proc when etcdguard runs in a container.")
    Path procRoot;

    @Option(names = "--pid", paramLabel = "PID", description = "Only scan this process (repeatable).")
    List<Long> pids = new ArrayList<>();

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Output.Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the report to FILE (atomically) instead of stdout.")
    Path output;

    @Option(names = "--expiry-warn-days", paramLabel = "DAYS", defaultValue = "30",
            description = "WARN when a certificate expires within DAYS days (default: ${DEFAULT-VALUE}).")
    int expiryWarnDays;

    @Option(names = {"-v", "--verbose"}, description = "Show the evidence of every check, not only of those that did not pass.")
    boolean verbose;

    @Option(names = "--no-color", description = "No ANSI colours (also: NO_COLOR set, or output not a terminal).")
    boolean noColor;

    @Override
    public Integer call() throws IOException {
        if (expiryWarnDays < 0) {
            throw new IllegalArgumentException("--expiry-warn-days must not be negative");
        }
        List<Invocation> found;
        try {
            found = new ProcCollector(procRoot).collect(new HashSet<>(pids));
        } catch (IOException e) {
            throw new IOException("cannot list " + procRoot + ": " + IoErrors.reason(e));
        }
        Evaluator evaluator = new Evaluator(RuleLoader.builtIn(), new EvaluationOptions(Instant.now(), expiryWarnDays));
        List<Result> results = new ArrayList<>();
        for (Invocation invocation : found) {
            results.addAll(evaluator.evaluate(invocation));
        }
        List<String> notes = new ArrayList<>();
        if (found.isEmpty()) {
            notes.add(pids.isEmpty()
                    ? "no etcd server process found on this node (read " + procRoot + "); run './etcdguard demo' to see"
                            + " a scan of throw-away etcd clusters"
                    : "no etcd server process with pid " + pids + " found in " + procRoot);
        }
        ScanReport report = new ScanReport(results, notes);
        Output.write(report, format, output, verbose, noColor);
        return report.exitCode();
    }
}
