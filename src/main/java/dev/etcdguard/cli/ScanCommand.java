package dev.etcdguard.cli;

import dev.etcdguard.collect.ClusterCa;
import dev.etcdguard.collect.DataDirMembers;
import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.collect.StaticPodFiles;
import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.MemberList;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.ProbeTargets;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.KubernetesCa;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.SourceFindings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scan",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Audit etcd and kube-apiserver's use of it: the etcd and kube-apiserver processes of this node (--host, "
                + "the default without PATH), or Kubernetes manifests and kubeadm configurations (PATH...).",
            "",
            "Host: finds every process whose executable is etcd or kube-apiserver by reading /proc (containerized "
                + "ones included; not etcdctl or shell wrappers), resolves each one's effective configuration as the "
                + "program does (etcd: a --config-file replaces flags and ETCD_* variables; flags win over ETCD_* "
                + "variables; defaults last) and reads its certificate files through the process's own root. "
                + "Whether a member is part of a cluster (rules 2.4-2.6) comes from the member list etcd keeps in its "
                + "data dir (member/snap/db, read-only), not from initial-cluster, which etcd reads only at first start. "
                + "Needs root to read other users' /proc/PID/environ and key files; evidence it cannot read makes "
                + "the result ERROR, never PASS. A k3s server runs etcd embedded: its etcd is judged from the config file k3s "
                + "writes (DATA_DIR/server/db/etcd/config); a k3s server on SQLite or an external datastore is "
                + "NOT_APPLICABLE with the reason. Also reads /etc/kubernetes/manifests and RKE2's "
                + "/var/lib/rancher/rke2/agent/pod-manifests (through /proc/1/root): a second etcd static pod is a "
                + "FAIL, and the static-pod file that runs a process gets the file mode and owner checks.",
            "",
            "Manifests: YAML (multi-document) and JSON files, directories (recursive: *.yaml, *.yml, *.json) and "
                + "'-' for standard input. Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, "
                + "ReplicationControllers, Jobs, CronJobs, PodTemplates and List items; containers and "
                + "initContainers whose command (or args) runs etcd (also through 'sh -c') or kube-apiserver; command and args "
                + "together, the container's ETCD_* env, and a --config-file in a ConfigMap volume whose "
                + "ConfigMap is among the scanned files. kubeadm ClusterConfiguration is evaluated as the static "
                + "pods (etcd, kube-apiserver) kubeadm writes. Certificate files live on the node: pass --node-root to check them."},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  no result is FAIL or ERROR (also when no etcd is found)",
            "  1  at least one result is FAIL",
            "  2  the scan could not run, or a result is ERROR (unreadable evidence or input)"})
final class ScanCommand implements Callable<Integer> {

    /** kubeadm's static-pod directory, and RKE2's (its etcd pod runs etcd --config-file=/var/lib/rancher/rke2/server/db/etcd/config). */
    private static final List<Path> STATIC_POD_DIRS = List.of(Path.of("/etc/kubernetes/manifests"),
            Path.of("/var/lib/rancher/rke2/agent/pod-manifests"));

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Manifest files or directories to scan; '-' reads standard input. Without PATH: --host.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--host", description = "Scan the etcd processes of this node (the default without PATH).")
    boolean host;

    @Option(names = "--proc-root", paramLabel = "DIR", defaultValue = "/proc",
            description = "procfs to read (default: ${DEFAULT-VALUE}); e.g. /host/proc when etcdguard runs in a container.")
    Path procRoot;

    @Option(names = "--pid", paramLabel = "PID", description = "Only scan this process (repeatable).")
    List<Long> pids = new ArrayList<>();

    @Option(names = "--static-pod-dir", paramLabel = "DIR",
            description = "Read DIR as kubelet reads its static-pod directory: every regular file not starting with a "
                    + "dot is a pod, whatever its extension; a second etcd pod there is a FAIL, and each file gets the pod "
                    + "spec file mode and owner checks (repeatable). With --host (default /etc/kubernetes/manifests and "
                    + "/var/lib/rancher/rke2/agent/pod-manifests, those that exist) its "
                    + "pods are not scanned themselves: they give the duplicate check and each process's static-pod file.")
    List<Path> staticPodDirs = new ArrayList<>();

    @Option(names = "--node-root", paramLabel = "DIR",
            description = "A node's root file system: hostPath volumes of manifests are read under DIR, so the "
                    + "certificate files get every check. Without it, manifest scans never read host files.")
    Path nodeRoot;

    @Option(names = "--kubernetes-ca", paramLabel = "FILE",
            description = "The Kubernetes cluster CA certificate, for rule 2.7 (etcd's CA must differ from it). Default: "
                    + "kube-apiserver's --client-ca-file when the scan found kube-apiserver (or a k3s server: its "
                    + "server/tls/client-ca.crt) and can read the file, else "
                    + "kubeadm's /etc/kubernetes/pki/ca.crt, on this node (--host) or under --node-root, when it exists, "
                    + "else the path the scanned kube-apiserver names (a manifest without --node-root): etcd's CA files "
                    + "are then compared with it by path, not by certificate.")
    Path kubernetesCa;

    @Option(names = "--assume-cluster",
            description = "Evaluate single-member configurations as cluster members (for templates that will be "
                    + "scaled out); the report says which results this changed.")
    boolean assumeCluster;

    @Option(names = "--max-file-size", paramLabel = "BYTES", defaultValue = "" + ManifestCollector.DEFAULT_MAX_FILE_BYTES,
            description = "Skip manifest files larger than BYTES with an ERROR result (default: ${DEFAULT-VALUE}).")
    long maxFileSize;

    @Option(names = "--probe",
            description = "Also ask each etcd member's peer ports on the wire (TCP, TLS handshake, served certificate, "
                    + "client-certificate requirement, TLS 1.0/1.1, weak cipher suites, a plaintext GET /version): a port "
                    + "that answers plaintext FAILs 2.4 whatever the flags say. Only the member's configured peer URLs "
                    + "are contacted (not wildcard listeners; for manifests not loopback addresses), concurrently.")
    boolean probe;

    @Mixin
    ProbeOptionsMixin probeOptions;

    @Mixin
    ReportOptionsMixin reportOptions;

    @Mixin
    StoreOptionsMixin store;

    @Option(names = "--rules", paramLabel = "DIR", description = "Add the rule documents (*.md) in DIR to the built-in ones "
            + "(validated on load).")
    Path rulesDir;

    @Option(names = "--benchmark", paramLabel = "NAME", defaultValue = RuleDocument.DEFAULT_BENCHMARK,
            description = "CIS Kubernetes Benchmark version to judge by, e.g. cis-1.5.1 (default: ${DEFAULT-VALUE}, the "
                    + "newest): its numbering, titles and, where versions differ, its limits (1.1.7: 644 up to cis-1.23, "
                    + "600 from cis-1.24/cis-1.7). Results list every mapping in 'controls'.")
    String benchmark;

    @Option(names = "--expiry-warn-days", paramLabel = "DAYS", defaultValue = "30",
            description = "WARN when a certificate expires within DAYS days (default: ${DEFAULT-VALUE}).")
    int expiryWarnDays;

    @Override
    public Integer call() throws IOException {
        if (expiryWarnDays < 0 || maxFileSize < 1) {
            throw new IllegalArgumentException("--expiry-warn-days must not be negative and --max-file-size must be positive");
        }
        List<RuleDocument> rules = RuleLoader.load(rulesDir, benchmark);
        boolean hostMode = paths.isEmpty() && (host || staticPodDirs.isEmpty());
        List<ResolvedInvocation> invocations;
        List<SourceFinding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (hostMode) {
            ProcCollector.Output host = hostInvocations();
            invocations = ResolvedInvocation.all(host.invocations());
            findings.addAll(host.findings()); // k3s servers that run no etcd member
            List<Path> dirs = !staticPodDirs.isEmpty() ? staticPodDirs : defaultStaticPodDirs();
            if (!dirs.isEmpty()) {
                // the pods' hostPath files are this node's (RKE2's etcd pod reads its --config-file from one)
                ManifestCollector.Output staticPods = new ManifestCollector(new ManifestCollector.Options(hostRoot(), maxFileSize))
                        .collect(List.of(), dirs);
                staticPods.findings().stream().filter(f -> f.kind() == SourceFinding.Kind.DUPLICATE_STATIC_POD)
                        .forEach(findings::add);
                invocations = StaticPodFiles.link(invocations, ResolvedInvocation.all(staticPods.invocations()));
            }
            invocations = DataDirMembers.attach(invocations); // the membership etcd keeps, not initial-cluster
            if (invocations.isEmpty() && host.findings().isEmpty()) {
                notes.add(pids.isEmpty()
                        ? "no etcd server process found on this node (read " + procRoot + "); run './etcdguard demo' to"
                                + " see a scan of throw-away etcd clusters"
                        : "no etcd server process with pid " + pids + " found in " + procRoot);
            }
        } else {
            ManifestCollector.Output out;
            try (ProgressBar progress = new ProgressBar()) {
                out = new ManifestCollector(new ManifestCollector.Options(nodeRoot, maxFileSize)).withProgress(progress)
                        .collect(paths, staticPodDirs);
            }
            invocations = ResolvedInvocation.all(out.invocations());
            if (assumeCluster) {
                invocations = assumeCluster(invocations, notes);
            }
            findings.addAll(out.findings());
            if (invocations.isEmpty()) {
                notes.add("no etcd or kube-apiserver container found in " + out.documents() + " document(s) of " + out.files() + " file(s)");
            }
        }
        EvaluationOptions options = new EvaluationOptions(Instant.now(), expiryWarnDays)
                .withKubernetesCa(kubernetesCa(hostMode, invocations));
        if (probe || probeOptions.cert != null) {
            options = options.withProbes(probe(invocations, notes));
        }
        Evaluator evaluator = new Evaluator(rules, options);
        List<Result> results = new ArrayList<>();
        for (ResolvedInvocation invocation : invocations) {
            results.addAll(evaluator.evaluate(invocation));
        }
        findings.forEach(f -> results.addAll(SourceFindings.toResults(f, rules)));
        ScanReport report = new ScanReport(results, notes);
        int exit = reportOptions.write(report);
        store.record(report); // --store: the scan into the history, in one transaction
        return exit;
    }

    /** Probes the members' peer endpoints; what it skipped and how long it took go to the notes. */
    private Map<String, ProbeResult> probe(List<ResolvedInvocation> invocations, List<String> notes) {
        ProbeTargets targets = ProbeTargets.of(invocations);
        Map<String, ProbeResult> byAddress = ProbeOptionsMixin.byAddress(
                probeOptions.probe(targets.endpoints(), "peer endpoint(s)", notes));
        targets.skipped().forEach(s -> notes.add("not probed: " + s));
        return byAddress;
    }

    /**
     * The cluster CA given, else kube-apiserver's --client-ca-file that this scan can read, else kubeadm's where this
     * scan can see the node's files, else the path kube-apiserver names (manifests without --node-root: 2.7 compares
     * paths), else unknown.
     */
    private KubernetesCa kubernetesCa(boolean hostMode, List<ResolvedInvocation> invocations) {
        if (kubernetesCa != null) {
            return KubernetesCa.file(kubernetesCa, "--kubernetes-ca");
        }
        Optional<ClusterCa.Named> apiServer = ClusterCa.namedByApiServer(invocations);
        if (apiServer.isPresent() && apiServer.get().file() != null) {
            return kubernetesCa(apiServer.get());
        }
        // on the node: through init's root, so a containerized etcdguard with the host's /proc sees the host's file
        Path kubeadm = hostMode ? procRoot.resolve("1/root/etc/kubernetes/pki/ca.crt")
                : nodeRoot != null ? nodeRoot.resolve("etc/kubernetes/pki/ca.crt") : null;
        if (kubeadm != null && Files.isRegularFile(kubeadm)) {
            return new KubernetesCa("/etc/kubernetes/pki/ca.crt", "kubeadm's cluster CA on the node", null, kubeadm);
        }
        return apiServer.map(ScanCommand::kubernetesCa).orElse(null);
    }

    private static KubernetesCa kubernetesCa(ClusterCa.Named named) {
        String where = named.apiServer() instanceof Target.Process p ? "pid " + p.pid() + ", " : "";
        return new KubernetesCa(named.setting().value(), "kube-apiserver's --client-ca-file (" + where
                + named.setting().provenance().at() + ")", named.setting(), named.file());
    }

    /**
     * kubelet's static-pod directories of kubeadm and RKE2 that exist on this node, read through init's root
     * ({@code PROC_ROOT/1/root}, so a containerized etcdguard with the host's /proc sees the host's), else
     * directly when that root cannot be read and the procfs is this machine's.
     */
    private List<Path> defaultStaticPodDirs() {
        Path root = hostRoot();
        return root == null ? List.of() : STATIC_POD_DIRS.stream()
                .map(dir -> root.resolve(Path.of("/").relativize(dir))).filter(Files::isDirectory).toList();
    }

    /** This node's root file system: init's root in the procfs, else / when that procfs is this machine's; or null. */
    private Path hostRoot() {
        Path viaInit = procRoot.resolve("1/root");
        return Files.isDirectory(viaInit) ? viaInit : procRoot.equals(Path.of("/proc")) ? Path.of("/") : null;
    }

    private ProcCollector.Output hostInvocations() throws IOException {
        try {
            return new ProcCollector(procRoot).scan(new HashSet<>(pids));
        } catch (IOException e) {
            throw new IOException("cannot list " + procRoot + ": " + IoErrors.reason(e));
        }
    }

    /** Marks single-member etcd configurations as cluster members, and notes which ones that changed. */
    private static List<ResolvedInvocation> assumeCluster(List<ResolvedInvocation> invocations, List<String> notes) {
        List<ResolvedInvocation> out = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (ResolvedInvocation inv : invocations) {
            if (inv.component() == Component.ETCD && Evaluator.provablyAlone(inv)) {
                changed.add(ScanReport.describe(inv.invocation().target()));
                out.add(inv.withMembers(new MemberList.Assumed("--assume-cluster")));
            } else {
                out.add(inv);
            }
        }
        if (!changed.isEmpty()) {
            notes.add("--assume-cluster evaluated " + changed.size() + " single-member configuration(s) as cluster members"
                    + " (NOT_APPLICABLE without it): " + String.join("; ", changed));
        }
        return out;
    }
}
