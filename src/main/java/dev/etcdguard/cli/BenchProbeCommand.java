package dev.etcdguard.cli;

import dev.etcdguard.probe.Endpoint;
import dev.etcdguard.probe.ProbeOptions;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.TlsProbe;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import dev.etcdguard.sandbox.ScratchDir;
import dev.etcdguard.sandbox.WireListeners;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "probe",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Benchmark the active probe: ENDPOINTS endpoints on 127.0.0.1 probed concurrently (virtual threads), wall "
                + "time and endpoints/s.",
            "",
            "The endpoints: the peer ports of a throw-away 3-member etcd cluster (peer TLS), then, in equal parts, "
                + "TLS listeners, plaintext HTTP listeners, closed ports and listeners that accept and never answer "
                + "(each of those costs one handshake timeout). Prints a Markdown table for BENCHMARKS.md."})
final class BenchProbeCommand implements Callable<Integer> {

    @Option(names = "--endpoints", defaultValue = "1000", description = "Endpoints in all (default: ${DEFAULT-VALUE}).")
    int endpoints;

    @Option(names = "--timeout", paramLabel = "MILLIS", defaultValue = "3000",
            description = "Handshake timeout (default: ${DEFAULT-VALUE}, the probe's default); the connect timeout is "
                    + "2000 ms or this, whichever is less.")
    long timeoutMillis;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() throws Exception {
        if (endpoints < 7 || runs < 1 || timeoutMillis < 1) {
            throw new IllegalArgumentException("--endpoints must be at least 7, --runs and --timeout positive");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        ScratchDir scratch = ScratchDir.create("etcdguard-bench-probe-"); // removed also on Ctrl-C
        Path work = scratch.path();
        ProbeOptions options = new ProbeOptions(Duration.ofMillis(Math.min(timeoutMillis,
                ProbeOptions.DEFAULT_CONNECT_TIMEOUT.toMillis())), Duration.ofMillis(timeoutMillis), null, null);
        try (LocalCluster cluster = LocalCluster.builder(work.resolve("cluster")).members(3).peerTls(PeerTls.TLS).start();
             WireListeners listeners = new WireListeners()) {
            List<Endpoint> all = new ArrayList<>();
            cluster.members().forEach(m -> all.add(Endpoint.parse(m.peerUrl())));
            int rest = endpoints - all.size();
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < rest; i++) {
                ports.add(switch (i % 4) {
                    case 0 -> listeners.tls();
                    case 1 -> listeners.plaintext();
                    case 2 -> -1; // closed: taken last, so that no listener is bound to it afterwards
                    default -> listeners.blackHole();
                });
            }
            for (int port : ports) {
                all.add(Endpoint.parse("https://127.0.0.1:" + (port < 0 ? listeners.closed() : port)));
            }
            TlsProbe.probeAll(all.subList(0, Math.min(20, all.size())), options); // warm-up: class loading, JIT
            double[] wall = new double[runs];
            Map<String, Integer> kinds = new TreeMap<>();
            for (int r = 0; r < runs; r++) {
                long start = System.nanoTime();
                List<ProbeResult> results = TlsProbe.probeAll(all, options);
                wall[r] = (System.nanoTime() - start) / 1e6;
                if (r == 0) {
                    results.forEach(p -> kinds.merge(kind(p), 1, Integer::sum));
                }
            }
            Arrays.sort(wall);
            double median = wall[runs / 2];
            out.println("| endpoints | timeout | runs | median wall ms | min / max ms | endpoints/s | wall / timeout |");
            out.println("|---|---|---|---|---|---|---|");
            out.printf(Locale.ROOT, "| %d | %d ms | %d | %.0f | %.0f / %.0f | %.0f | %.2f |%n", all.size(), timeoutMillis, runs,
                    median, wall[0], wall[runs - 1], all.size() / (median / 1000), median / timeoutMillis);
            out.println();
            out.println("expected: " + (cluster.members().size() + (rest + 3) / 4) + " TLS, " + (rest + 2) / 4 + " no TLS (plaintext), "
                    + (rest + 1) / 4 + " connect refused, " + rest / 4 + " no answer (timed out); "
                    + Runtime.getRuntime().availableProcessors() + " CPUs, the listeners run in this JVM");
            out.println("what the endpoints showed (first run): " + kinds);
        } finally {
            scratch.close();
        }
        return 0;
    }

    private static String kind(ProbeResult p) {
        return switch (p.connect()) {
            case ProbeResult.Connect.Failed f -> f.timedOut() ? "connect timed out" : "connect refused";
            case ProbeResult.Connect.Connected c -> switch (p.tls()) {
                case ProbeResult.Tls.Established e -> "TLS " + e.protocol();
                case ProbeResult.Tls.NotSpoken n -> n.timedOut() ? "no answer (timed out)" : "no TLS";
                case ProbeResult.Tls.NotTried t -> "not tried";
            };
        };
    }
}
