package dev.etcdguard.cli;

import dev.etcdguard.agent.AgentConfig;
import dev.etcdguard.agent.AgentRunner;
import dev.etcdguard.agent.Durations;
import dev.etcdguard.agent.PosturePage;
import dev.etcdguard.agent.StoreHistory;
import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.report.Trend;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.scan.ScanRequest;
import dev.etcdguard.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "agent",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Run continuously: scan this node's etcd (as 'scan --host') at start, then every --interval and on SIGHUP, "
                + "and serve the latest posture over read-only HTTP.",
            "",
            "Endpoints (GET and HEAD only; no endpoint triggers a scan or writes):",
            "  /metrics         Prometheus text format (metrics below)",
            "  /healthz         200 while the agent runs",
            "  /readyz          503 until the first scan finished, then 200",
            "  /api/v1/report   the latest report (the JSON report, as scan --format json)",
            "  /api/v1/history  scans over time from --store (404 without a store)",
            "  /                the posture page",
            "",
            "Metrics:",
            "  etcdguard_result{rule,number,title,target,host,cluster,status} 1",
            "  etcdguard_results{host,cluster,status}",
            "  etcdguard_certificate_expiry_timestamp_seconds{path,role,target,host,cluster}",
            "  etcdguard_scan_duration_seconds, etcdguard_last_scan_timestamp_seconds",
            "  etcdguard_scans_total, etcdguard_scan_errors_total",
            "The label 'host' is $NODE_NAME, else the kernel's host name.",
            "",
            "With --token-file every endpoint but /healthz and /readyz needs",
            "'Authorization: Bearer TOKEN'. SIGTERM/SIGINT: no new scan; the running",
            "scan and its store write finish; exit code 0."})
final class AgentCommand implements Callable<Integer> {

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "10m",
            description = "Time between scans, as Kubernetes and Prometheus write it: 30s, 10m, 1h, 1h30m, 500ms "
                    + "(default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:" + AgentConfig.DEFAULT_PORT,
            description = "Where to serve HTTP(S) (default: ${DEFAULT-VALUE}; port 0 picks a free one). Beyond loopback"
                    + " use --token-file or --client-ca (a warning says so otherwise).")
    String listen;

    @Option(names = "--proc-root", paramLabel = "DIR", defaultValue = "/proc",
            description = "procfs to read (default: ${DEFAULT-VALUE}); /host/proc in the DaemonSet (the host's /proc).")
    Path procRoot;

    @Option(names = "--pid", paramLabel = "PID", description = "Only scan this process (repeatable).")
    List<Long> pids = new ArrayList<>();

    @Option(names = "--static-pod-dir", paramLabel = "DIR",
            description = "kubelet's static-pod directory (repeatable; default /etc/kubernetes/manifests and "
                    + "/var/lib/rancher/rke2/agent/pod-manifests under the node's root, those that exist).")
    List<Path> staticPodDirs = new ArrayList<>();

    @Option(names = "--store", paramLabel = "URL",
            description = "Write every scan to this history store: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB "
                    + "(password from PGPASSWORD or --store-password-file). Without it: no history.")
    String store;

    @Option(names = "--store-password-file", paramLabel = "FILE",
            description = "The PostgreSQL password, read from FILE (never give it on the command line).")
    Path storePasswordFile;

    @Option(names = "--cluster", paramLabel = "NAME", defaultValue = "",
            description = "The cluster's name, recorded with every scan and as the metric label 'cluster'.")
    String cluster;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Require 'Authorization: Bearer TOKEN' (TOKEN: the file's content, trimmed) on every endpoint"
                    + " but /healthz and /readyz; compared in constant time.")
    Path tokenFile;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this certificate (PEM chain).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Private key (PEM, unencrypted) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--client-ca", paramLabel = "FILE",
            description = "Require a client certificate issued by a CA in FILE (mTLS; needs --tls-cert).")
    Path clientCa;

    @Option(names = "--probe",
            description = "Also ask each etcd member's peer ports on the wire at every scan (as 'scan --probe').")
    boolean probe;

    @Mixin
    ProbeOptionsMixin probeOptions;

    @Option(names = "--expiry-warn-days", paramLabel = "DAYS", defaultValue = "30",
            description = "WARN when a certificate expires within DAYS days (default: ${DEFAULT-VALUE}).")
    int expiryWarnDays;

    @Option(names = "--rules", paramLabel = "DIR", description = "Add the rule documents (*.md) in DIR to the built-in ones.")
    Path rulesDir;

    @Option(names = "--benchmark", paramLabel = "NAME", defaultValue = RuleDocument.DEFAULT_BENCHMARK,
            description = "CIS Kubernetes Benchmark version to judge by (default: ${DEFAULT-VALUE}).")
    String benchmark;

    @Override
    public Integer call() throws Exception {
        ScanRequest request = new ScanRequest(true, List.of(), procRoot, new HashSet<>(pids), staticPodDirs, null, null,
                false, ManifestCollector.DEFAULT_MAX_FILE_BYTES,
                probe || probeOptions.cert != null ? probeOptions.options() : null, expiryWarnDays, null);
        AgentConfig config = new AgentConfig(Durations.parse(interval), AgentConfig.listen(listen), request,
                RuleLoader.load(rulesDir, benchmark), cluster, AgentConfig.nodeName(), tokenFile, tlsCert, tlsKey,
                clientCa);
        if (store == null) {
            return new AgentRunner(config, null, null, new PosturePage(expiryWarnDays, Trend::empty), System.err).run(true);
        }
        try (Store opened = Store.open(store, storePasswordFile)) {
            StoreHistory history = new StoreHistory(opened, config.host(), config.cluster());
            return new AgentRunner(config, history, history, new PosturePage(expiryWarnDays, history::trend), System.err)
                    .run(true);
        }
    }
}
