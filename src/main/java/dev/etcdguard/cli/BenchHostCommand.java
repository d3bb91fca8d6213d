package dev.etcdguard.cli;

import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import dev.etcdguard.sandbox.ScratchDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "host",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Benchmark a whole node scan (scan --host) against kube-bench's method, side by side in the same run.",
            "",
            "Starts a throw-away 3-member etcd cluster with peer TLS on 127.0.0.1, then alternates:",
            "  ours:       ./etcdguard scan --host (whole process: launcher, JVM, scan, report)",
            "  kube-bench: /bin/sh -c '/bin/ps -ef | /bin/grep etcd | /bin/grep -v grep',",
            "              once for each of the 7 checks of its etcd section",
            "",
            "Wall time per run is measured around the process(es); peak RSS in separate runs under GNU "
                + "/usr/bin/time. Prints a Markdown table (median, p90, mean) for BENCHMARKS.md."})
final class BenchHostCommand implements Callable<Integer> {

    private static final int KUBE_BENCH_ETCD_CHECKS = 7;
    private static final String KUBE_BENCH_AUDIT = "/bin/ps -ef | /bin/grep etcd | /bin/grep -v grep";

    @Option(names = "--runs", defaultValue = "30", description = "Measured runs of each side (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured runs of each side first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--launcher", paramLabel = "PATH", description = "The etcdguard launcher to time (default: the one that started this bench).")
    Path launcher;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("--runs must be at least 1 and --warmup not negative");
        }
        Path ours = Timed.launcher(launcher);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        ScratchDir scratch = ScratchDir.create("etcdguard-bench-"); // removed also on Ctrl-C
        Path work = scratch.path();
        try (LocalCluster cluster = LocalCluster.builder(work.resolve("cluster")).members(3).peerTls(PeerTls.TLS).start()) {
            List<String> scan = List.of(ours.toString(), "scan", "--host", "--no-color");
            List<String> audit = List.of("/bin/sh", "-c", KUBE_BENCH_AUDIT);
            Timed check = run(scan);
            out.println("cluster: 3 etcd members with peer TLS, pids " + cluster.members().stream().map(m -> m.pid()).toList()
                    + "; scan --host exit code " + check.exitCode() + " (0: no FAIL, 1: some FAIL, 2: ERROR)");
            for (int i = 0; i < warmup; i++) {
                run(scan);
                kubeBench(audit);
            }
            double[] oursMs = new double[runs];
            double[] theirsMs = new double[runs];
            for (int i = 0; i < runs; i++) {
                oursMs[i] = run(scan).millis();
                theirsMs[i] = kubeBench(audit);
            }
            long oursRss = peakRssKb(scan);
            long theirsRss = peakRssKb(audit);
            Arrays.sort(oursMs);
            Arrays.sort(theirsMs);
            out.println();
            out.println("| method | median ms | p90 ms | mean ms | peak RSS |");
            out.println("|---|---|---|---|---|");
            out.println(row("etcdguard scan --host (whole process)", oursMs, oursRss + " KiB"));
            out.println(row("kube-bench method: 7 x `ps -ef \\| grep etcd \\| grep -v grep`", theirsMs, theirsRss + " KiB (largest process)"));
            double ratio = median(oursMs) / median(theirsMs);
            out.println();
            out.printf(Locale.ROOT, "ratio of medians: %.0f %% (target: under 40 %%) -> %s; %d runs each, %d warm-up%n",
                    ratio * 100, ratio < 0.40 ? "target met" : "target NOT met", runs, warmup);
        } finally {
            scratch.close();
        }
        return 0;
    }

    private static Timed run(List<String> command) throws IOException, InterruptedException {
        return Timed.run(command);
    }

    private static double kubeBench(List<String> audit) throws IOException, InterruptedException {
        double total = 0;
        for (int c = 0; c < KUBE_BENCH_ETCD_CHECKS; c++) {
            total += run(audit).millis();
        }
        return total;
    }

    private static long peakRssKb(List<String> command) throws IOException, InterruptedException {
        return Timed.peakRssKb(command);
    }

    private static String row(String name, double[] sorted, String rss) {
        double mean = Arrays.stream(sorted).average().orElse(0);
        return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s |", name, median(sorted),
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)], mean, rss);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
