package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The Kubernetes cluster CA as kube-apiserver names it: its {@code --client-ca-file}, where this scan can read it. */
public final class ClusterCa {

    private ClusterCa() {}

    /**
     * kube-apiserver's {@code --client-ca-file}: the setting with its provenance, the kube-apiserver that names it,
     * and the file on this machine (null when it cannot be read here, e.g. a manifest scan without --node-root).
     */
    public record Named(Resolved setting, Target apiServer, Path file) {}

    /** The first kube-apiserver's {@code --client-ca-file} that is a regular file on this machine. */
    public static Optional<Path> fromApiServer(List<ResolvedInvocation> invocations) {
        return named(invocations).map(Named::file);
    }

    /**
     * The scanned kube-apiserver's {@code --client-ca-file} (a process, a static pod, kubeadm's): the first one this
     * scan can read, else the first one named at all.
     */
    public static Optional<Named> namedByApiServer(List<ResolvedInvocation> invocations) {
        Optional<Named> readable = named(invocations);
        if (readable.isPresent()) {
            return readable;
        }
        for (ResolvedInvocation inv : invocations) {
            Resolved ca = inv.component() == Component.KUBE_APISERVER ? inv.config().get("client-ca-file") : null;
            if (ca != null && !ca.isEmpty()) {
                return Optional.of(new Named(ca, inv.invocation().target(), null));
            }
        }
        return Optional.empty();
    }

    private static Optional<Named> named(List<ResolvedInvocation> invocations) {
        for (ResolvedInvocation inv : invocations) {
            if (inv.component() != Component.KUBE_APISERVER) {
                continue;
            }
            Resolved ca = inv.config().get("client-ca-file");
            if (!ca.isEmpty() && inv.invocation().files().lookup(ca.value()) instanceof FileView.Lookup.OnDisk disk
                    && Files.isRegularFile(disk.path())) {
                return Optional.of(new Named(ca, inv.invocation().target(), disk.path()));
            }
        }
        return Optional.empty();
    }
}
