package dev.etcdguard.scan;

import dev.etcdguard.collect.ClusterCa;
import dev.etcdguard.collect.DataDirMembers;
import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.collect.StaticPodFiles;
import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.MemberList;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.ProbeTargets;
import dev.etcdguard.probe.TlsProbe;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.rules.EvaluationOptions;
import dev.etcdguard.rules.Evaluator;
import dev.etcdguard.rules.KubernetesCa;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.SourceFindings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scan pipeline every entry point reuses: collect (processes or manifests) → link static pods and read each
 * member's membership → resolve → probe (when asked) → evaluate → one {@link ScanReport}.
 */
public final class Scanner {

    /** kubelet's static-pod directories of kubeadm and RKE2, read on a host scan when they exist. */
    private static final List<Path> STATIC_POD_DIRS = List.of(Path.of("/etc/kubernetes/manifests"),
            Path.of("/var/lib/rancher/rke2/agent/pod-manifests"));

    private final List<RuleDocument> rules;

    public Scanner(List<RuleDocument> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Runs one scan.
     *
     * @throws IOException when the scan cannot run at all (the procfs cannot be listed); unreadable evidence is an
     *                     ERROR result instead
     */
    public ScanReport scan(ScanRequest request) throws IOException {
        List<ResolvedInvocation> invocations;
        List<SourceFinding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (request.host()) {
            invocations = host(request, findings, notes);
        } else {
            ManifestCollector collector = new ManifestCollector(new ManifestCollector.Options(request.nodeRoot(),
                    request.maxFileSize()));
            if (request.progress() != null) {
                collector = collector.withProgress(request.progress());
            }
            ManifestCollector.Output out = collector.collect(request.paths(), request.staticPodDirs());
            invocations = ResolvedInvocation.all(out.invocations());
            if (request.assumeCluster()) {
                invocations = assumeCluster(invocations, notes);
            }
            findings.addAll(out.findings());
            if (invocations.isEmpty()) {
                notes.add("no etcd or kube-apiserver container found in " + out.documents() + " document(s) of "
                        + out.files() + " file(s)");
            }
        }
        EvaluationOptions options = new EvaluationOptions(Instant.now(), request.expiryWarnDays())
                .withKubernetesCa(kubernetesCa(request, invocations));
        if (request.probe() != null) {
            options = options.withProbes(probe(request, invocations, notes));
        }
        Evaluator evaluator = new Evaluator(rules, options);
        List<Result> results = new ArrayList<>();
        for (ResolvedInvocation invocation : invocations) {
            results.addAll(evaluator.evaluate(invocation));
        }
        findings.forEach(f -> results.addAll(SourceFindings.toResults(f, rules)));
        return new ScanReport(results, notes, evaluator.certificatesSeen());
    }

    private static List<ResolvedInvocation> host(ScanRequest request, List<SourceFinding> findings, List<String> notes)
            throws IOException {
        ProcCollector.Output host;
        try {
            host = new ProcCollector(request.procRoot()).scan(request.pids());
        } catch (IOException e) {
            throw new IOException("cannot list " + request.procRoot() + ": " + IoErrors.reason(e));
        }
        List<ResolvedInvocation> invocations = ResolvedInvocation.all(host.invocations());
        findings.addAll(host.findings()); // k3s servers that run no etcd member
        Path root = hostRoot(request.procRoot());
        List<Path> dirs = !request.staticPodDirs().isEmpty() ? request.staticPodDirs() : defaultStaticPodDirs(root);
        if (!dirs.isEmpty()) {
            // the pods' hostPath files are this node's (RKE2's etcd pod reads its --config-file from one)
            ManifestCollector.Output staticPods = new ManifestCollector(new ManifestCollector.Options(root,
                    request.maxFileSize())).collect(List.of(), dirs);
            staticPods.findings().stream().filter(f -> f.kind() == SourceFinding.Kind.DUPLICATE_STATIC_POD)
                    .forEach(findings::add);
            invocations = StaticPodFiles.link(invocations, ResolvedInvocation.all(staticPods.invocations()));
        }
        invocations = DataDirMembers.attach(invocations); // the membership etcd keeps, not initial-cluster
        if (invocations.isEmpty() && host.findings().isEmpty()) {
            notes.add(request.pids().isEmpty()
                    ? "no etcd server process found on this node (read " + request.procRoot() + "); run './etcdguard"
                            + " demo' to see a scan of throw-away etcd clusters"
                    : "no etcd server process with pid " + request.pids() + " found in " + request.procRoot());
        }
        return invocations;
    }

    /** Probes the members' peer endpoints; what it skipped and how long it took go to the notes. */
    private static Map<String, ProbeResult> probe(ScanRequest request, List<ResolvedInvocation> invocations,
                                                  List<String> notes) {
        ProbeTargets targets = ProbeTargets.of(invocations);
        Map<String, ProbeResult> byAddress = TlsProbe.byAddress(
                TlsProbe.probeAll(targets.endpoints(), request.probe(), "peer endpoint(s)", notes));
        targets.skipped().forEach(s -> notes.add("not probed: " + s));
        return byAddress;
    }

    /**
     * The cluster CA given, else kube-apiserver's --client-ca-file that this scan can read, else kubeadm's where this
     * scan can see the node's files, else the path kube-apiserver names (manifests without --node-root: 2.7 compares
     * paths), else unknown.
     */
    private static KubernetesCa kubernetesCa(ScanRequest request, List<ResolvedInvocation> invocations) {
        if (request.kubernetesCa() != null) {
            return KubernetesCa.file(request.kubernetesCa(), "--kubernetes-ca");
        }
        Optional<ClusterCa.Named> apiServer = ClusterCa.namedByApiServer(invocations);
        if (apiServer.isPresent() && apiServer.get().file() != null) {
            return kubernetesCa(apiServer.get());
        }
        // on the node: through init's root, so a containerized etcdguard with the host's /proc sees the host's file
        Path kubeadm = request.host() ? request.procRoot().resolve("1/root/etc/kubernetes/pki/ca.crt")
                : request.nodeRoot() != null ? request.nodeRoot().resolve("etc/kubernetes/pki/ca.crt") : null;
        if (kubeadm != null && Files.isRegularFile(kubeadm)) {
            return new KubernetesCa("/etc/kubernetes/pki/ca.crt", "kubeadm's cluster CA on the node", null, kubeadm);
        }
        return apiServer.map(Scanner::kubernetesCa).orElse(null);
    }

    private static KubernetesCa kubernetesCa(ClusterCa.Named named) {
        String where = named.apiServer() instanceof Target.Process p ? "pid " + p.pid() + ", " : "";
        return new KubernetesCa(named.setting().value(), "kube-apiserver's --client-ca-file (" + where
                + named.setting().provenance().at() + ")", named.setting(), named.file());
    }

    /**
     * kubelet's static-pod directories of kubeadm and RKE2 that exist on this node, read through init's root
     * ({@code PROC_ROOT/1/root}, so a containerized etcdguard with the host's /proc sees the host's).
     */
    private static List<Path> defaultStaticPodDirs(Path root) {
        return root == null ? List.of() : STATIC_POD_DIRS.stream()
                .map(dir -> root.resolve(Path.of("/").relativize(dir))).filter(Files::isDirectory).toList();
    }

    /** This node's root file system: init's root in the procfs, else / when that procfs is this machine's; or null. */
    private static Path hostRoot(Path procRoot) {
        Path viaInit = procRoot.resolve("1/root");
        return Files.isDirectory(viaInit) ? viaInit : procRoot.equals(Path.of("/proc")) ? Path.of("/") : null;
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
