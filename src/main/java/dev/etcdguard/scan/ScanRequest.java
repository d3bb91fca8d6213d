package dev.etcdguard.scan;

import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.probe.ProbeOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What one scan looks at and how: this node's processes ({@code host}) or manifests ({@code paths}), and the
 * knobs every entry point (the {@code scan} command, the agent) shares.
 *
 * @param host           scan this node's processes (else the manifests in {@code paths} and {@code staticPodDirs})
 * @param paths          manifest files, directories and {@code -}; empty for a host scan
 * @param procRoot       the procfs a host scan reads
 * @param pids           a host scan considers only these pids; empty for all
 * @param staticPodDirs  read with kubelet's static-pod rules; empty for a host scan means kubeadm's and RKE2's
 * @param nodeRoot       a node's root file system for manifests' hostPath volumes, or null
 * @param kubernetesCa   the Kubernetes cluster CA certificate given by the user, or null (found by the scan)
 * @param assumeCluster  evaluate single-member configurations as cluster members
 * @param maxFileSize    manifest files larger than this are an ERROR result
 * @param probe          probe the members' peer endpoints with these options, or null for no probe
 * @param expiryWarnDays a certificate expiring within this many days is a WARN
 * @param progress       told of manifest files as they are read, or null
 */
public record ScanRequest(boolean host, List<String> paths, Path procRoot, Set<Long> pids, List<Path> staticPodDirs,
                          Path nodeRoot, Path kubernetesCa, boolean assumeCluster, long maxFileSize, ProbeOptions probe,
                          int expiryWarnDays, ManifestCollector.Progress progress) {

    public ScanRequest {
        paths = List.copyOf(paths);
        pids = Set.copyOf(pids);
        staticPodDirs = List.copyOf(staticPodDirs);
        if (expiryWarnDays < 0 || maxFileSize < 1) {
            throw new IllegalArgumentException("--expiry-warn-days must not be negative and --max-file-size must be positive");
        }
    }

    /** A scan of this node's processes through {@code procRoot}, with the defaults of {@code scan --host}. */
    public static ScanRequest host(Path procRoot) {
        return new ScanRequest(true, List.of(), procRoot, Set.of(), List.of(), null, null, false,
                ManifestCollector.DEFAULT_MAX_FILE_BYTES, null, 30, null);
    }
}
