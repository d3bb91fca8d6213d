package dev.etcdguard.cli;

import dev.etcdguard.agent.Agent;
import dev.etcdguard.agent.AgentMetrics;
import dev.etcdguard.agent.AgentState;
import dev.etcdguard.agent.ScanSink;
import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import dev.etcdguard.sandbox.ScratchDir;
import dev.etcdguard.scan.ScanRequest;
import dev.etcdguard.scan.Scanner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Benchmark the agent's warm rescans in this JVM.",
            "",
            "Starts a throw-away 3-member etcd cluster with peer TLS on 127.0.0.1, then runs the agent's scan step",
            "(host scan of the members' pids through /proc, metrics update) --warmup times unmeasured and --runs times",
            "measured. Prints median and p90 ms per rescan, and this JVM's RSS (VmRSS of /proc/self/status) after the",
            "warm-up and at the end. Targets: <= 5 ms per warm rescan, <= 96 MiB RSS steady."})
final class BenchAgentCommand implements Callable<Integer> {

    @Option(names = "--runs", defaultValue = "1000", description = "Measured rescans (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "100", description = "Unmeasured rescans first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("--runs must be at least 1 and --warmup not negative");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        ScratchDir scratch = ScratchDir.create("etcdguard-bench-agent-");
        try (LocalCluster cluster = LocalCluster.builder(scratch.path().resolve("cluster")).members(3)
                .peerTls(PeerTls.TLS).start()) {
            Set<Long> pids = new HashSet<>();
            cluster.members().forEach(m -> pids.add(m.pid()));
            ScanRequest request = new ScanRequest(true, List.of(), Path.of("/proc"), pids, List.of(), null, null, false,
                    ManifestCollector.DEFAULT_MAX_FILE_BYTES, null, 30, null);
            AgentState state = new AgentState();
            AgentMetrics metrics = new AgentMetrics();
            PrintStream errors = new PrintStream(OutputStream.nullOutputStream());
            Agent agent = new Agent(new Scanner(RuleLoader.builtIn()), request, Duration.ofHours(1), ScanSink.NONE,
                    metrics, state, "bench", "", errors);
            AgentState.Scan first = agent.scanOnce();
            if (first == null) {
                throw new IOException("the first scan failed");
            }
            out.println("cluster: 3 etcd members with peer TLS, pids " + pids + "; " + first.report().results().size()
                    + " results, " + first.report().certificates().size() + " certificates read per scan");
            for (int i = 0; i < warmup; i++) {
                agent.scanOnce();
            }
            long rssStart = rssKib();
            long rssMax = rssStart;
            double[] ms = new double[runs];
            int failed = 0;
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                if (agent.scanOnce() == null) {
                    failed++;
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (i % 50 == 0) {
                    rssMax = Math.max(rssMax, rssKib());
                }
            }
            long rssEnd = rssKib();
            rssMax = Math.max(rssMax, rssEnd);
            Arrays.sort(ms);
            double median = ms[runs / 2];
            double p90 = ms[(int) Math.min(runs - 1, Math.ceil(runs * 0.9) - 1)];
            out.println();
            out.println("| rescans | median ms | p90 ms | max ms | RSS after warm-up | RSS at end | max RSS |");
            out.println("|---|---|---|---|---|---|---|");
            out.printf(Locale.ROOT, "| %d (+%d warm-up) | %.2f | %.2f | %.2f | %.1f MiB | %.1f MiB | %.1f MiB |%n", runs,
                    warmup, median, p90, ms[runs - 1], rssStart / 1024.0, rssEnd / 1024.0, rssMax / 1024.0);
            out.println();
            out.printf(Locale.ROOT, "per warm rescan <= 5 ms: %s; RSS <= 96 MiB steady: %s; failed scans: %d%n",
                    median <= 5 ? "met (median)" : "NOT met", rssMax <= 96 * 1024 ? "met" : "NOT met", failed);
            out.println("JVM: " + Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                    + " MiB, GC " + java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
        } finally {
            scratch.close();
        }
        return 0;
    }

    private static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
