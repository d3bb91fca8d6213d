package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.etcd.ResolvedInvocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The Kubernetes cluster CA as kube-apiserver names it: its {@code --client-ca-file}, where this scan can read it. */
public final class ClusterCa {

    private ClusterCa() {}

    /** The first kube-apiserver's {@code --client-ca-file} that is a regular file on this machine. */
    public static Optional<Path> fromApiServer(List<ResolvedInvocation> invocations) {
        for (ResolvedInvocation inv : invocations) {
            if (inv.component() != Component.KUBE_APISERVER) {
                continue;
            }
            Resolved ca = inv.config().get("client-ca-file");
            if (!ca.isEmpty() && inv.invocation().files().lookup(ca.value()) instanceof FileView.Lookup.OnDisk disk
                    && Files.isRegularFile(disk.path())) {
                return Optional.of(disk.path());
            }
        }
        return Optional.empty();
    }
}
