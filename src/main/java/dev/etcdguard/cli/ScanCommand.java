package dev.etcdguard.cli;

import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.scan.ScanRequest;
import dev.etcdguard.scan.Scanner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
        boolean hostMode = paths.isEmpty() && (host || staticPodDirs.isEmpty());
        List<RuleDocument> rules = RuleLoader.load(rulesDir, benchmark);
        ScanReport report;
        try (ProgressBar progress = hostMode ? null : new ProgressBar()) {
            report = new Scanner(rules).scan(new ScanRequest(hostMode, paths, procRoot, new HashSet<>(pids), staticPodDirs,
                    nodeRoot, kubernetesCa, assumeCluster, maxFileSize,
                    probe || probeOptions.cert != null ? probeOptions.options() : null, expiryWarnDays, progress));
        }
        int exit = reportOptions.write(report);
        store.record(report); // --store: the scan into the history, in one transaction
        return exit;
    }
}
