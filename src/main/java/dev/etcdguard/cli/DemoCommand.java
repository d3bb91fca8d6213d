package dev.etcdguard.cli;

import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.probe.ProbeOptions;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.ProbeTargets;
import dev.etcdguard.probe.TlsProbe;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.report.TextReport;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import dev.etcdguard.sandbox.ScratchDir;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Start throw-away 3-member etcd clusters on 127.0.0.1 and scan them.",
            "",
            "Runs Debian's etcd binary (package etcd-server) in three configurations: correct peer TLS, "
                + "plaintext peers, and peer certificate flags with http:// peer URLs (which every flag-presence "
                + "scanner passes, while etcd serves plaintext). Prints the peer findings (rules 2.4-2.6, with what "
                + "their peer ports show on the wire, as 'scan --probe') for each, "
                + "then stops every "
                + "process it started, also on Ctrl-C (SIGINT) or SIGTERM. Writes only under a temporary directory "
                + "(java.io.tmpdir/etcdguard-demo-*), removed at the end, also on Ctrl-C or SIGTERM."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = {"-v", "--verbose"}, description = "Show the evidence of every check.")
    boolean verbose;

    @Option(names = "--no-color", description = "No ANSI colours.")
    boolean noColor;

    private static final Set<String> PEER_RULES = Set.of("etcd-peer-tls", "etcd-peer-client-cert-auth", "etcd-peer-auto-tls-off");

    private record Scenario(String title, PeerTls mode) {}

    @Override
    public Integer call() throws IOException {
        if (!LocalCluster.etcdAvailable()) {
            throw new IOException("etcd binary not found: install Debian package etcd-server (scripts/install-debian-packages.sh)");
        }
        List<Scenario> scenarios = List.of(
                new Scenario("correct peer TLS (https peer URLs, certificates with serverAuth+clientAuth)", PeerTls.TLS),
                new Scenario("plaintext peers (http peer URLs, no certificates)", PeerTls.PLAINTEXT),
                new Scenario("peer certificate flags set, but http:// peer URLs (flag-presence scanners say PASS)",
                        PeerTls.CERTS_ON_HTTP));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        // The throw-away clusters serve clients on plain http (they are about peer traffic): show the peer rules.
        List<RuleDocument> peerRules = RuleLoader.builtIn().stream().filter(r -> PEER_RULES.contains(r.id())).toList();
        TextReport text = new TextReport(Output.useColor(noColor), verbose);
        // removed at the end, on an exception and on Ctrl-C (SIGINT) or SIGTERM, after the members are killed
        try (ScratchDir scratch = ScratchDir.create("etcdguard-demo-")) {
            Path work = scratch.path();
            out.println("(working under " + work + ", removed at the end)");
            int n = 0;
            for (Scenario scenario : scenarios) {
                n++;
                out.println("=== Demo " + n + "/" + scenarios.size() + ": " + scenario.title());
                try (LocalCluster cluster = LocalCluster.builder(work.resolve("c" + n)).members(3)
                        .peerTls(scenario.mode()).strongCipherSuites(scenario.mode() == PeerTls.TLS).start()) {
                    Set<Long> pids = new java.util.HashSet<>();
                    cluster.members().forEach(m -> pids.add(m.pid()));
                    out.println("    started members " + cluster.members().stream()
                            .map(m -> m.name() + " (pid " + m.pid() + ", peer " + m.peerUrl() + ")").toList());
                    List<ResolvedInvocation> invocations = ResolvedInvocation.all(new ProcCollector(Path.of("/proc")).collect(pids));
                    // and ask their peer ports on the wire, as 'scan --probe' does
                    Map<String, ProbeResult> wire = new LinkedHashMap<>();
                    TlsProbe.probeAll(ProbeTargets.of(invocations).endpoints(), ProbeOptions.defaults())
                            .forEach(p -> wire.put(p.endpoint().address(), p));
                    Evaluator evaluator = new Evaluator(peerRules, EvaluationOptions.defaults().withProbes(wire));
                    List<Result> results = new ArrayList<>();
                    invocations.forEach(inv -> results.addAll(evaluator.evaluate(inv)));
                    text.render(new ScanReport(results, List.of()), out);
                }
                out.println();
            }
        }
        out.println("All demo etcd processes stopped.");
        return 0;
    }
}
