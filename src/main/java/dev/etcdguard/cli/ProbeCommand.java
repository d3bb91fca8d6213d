package dev.etcdguard.cli;

import dev.etcdguard.probe.Endpoint;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.TlsProbe;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "probe",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Ask etcd peer endpoints on the wire whether peer traffic is encrypted and authenticated.",
            "",
            "For each URL: a TCP connect, a TLS handshake (protocol, cipher suite, the certificate chain served: SHA-256, subject, SANs, EKU, expiry; "
                + "whether a client certificate is requested and required), handshakes offering only TLS 1.0/1.1 and only "
                + "weak cipher suites, and a plaintext HTTP/1.1 GET /version on the same port. Results are the wire checks "
                + "of rules 2.4 and 2.5: a port that answers plaintext, or accepts TLS 1.0/1.1, FAILs.",
            "",
            "Only the URLs given are contacted, all concurrently (virtual threads), each within its timeouts; no "
                + "range is expanded and no redirect is followed. 'scan --probe' probes the peer URLs of the members it "
                + "finds."},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  no result is FAIL or ERROR",
            "  1  at least one result is FAIL",
            "  2  the probe could not run (e.g. a URL that is not http(s)://host:port), or a result is ERROR"})
final class ProbeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", arity = "1..*",
            description = "Peer endpoints, e.g. https://10.0.0.1:2380 (http:// and https:// with host and port).")
    List<String> urls = new ArrayList<>();

    @Mixin
    ProbeOptionsMixin probeOptions;

    @Mixin
    ReportOptionsMixin reportOptions;

    @Option(names = "--benchmark", paramLabel = "NAME", defaultValue = RuleDocument.DEFAULT_BENCHMARK,
            description = "CIS Kubernetes Benchmark version whose numbering the report shows (default: ${DEFAULT-VALUE}).")
    String benchmark;

    @Override
    public Integer call() throws IOException {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String url : urls) {
            endpoints.add(Endpoint.parse(url));
        }
        List<String> notes = new ArrayList<>();
        List<ProbeResult> probes = TlsProbe.probeAll(endpoints, probeOptions.options(), "endpoint(s)", notes);
        Evaluator evaluator = new Evaluator(RuleLoader.load(null, benchmark),
                EvaluationOptions.defaults().withProbes(TlsProbe.byAddress(probes)));
        List<Result> results = new ArrayList<>();
        probes.forEach(p -> results.addAll(evaluator.evaluate(p)));
        ScanReport report = new ScanReport(results, notes);
        return reportOptions.write(report);
    }
}
