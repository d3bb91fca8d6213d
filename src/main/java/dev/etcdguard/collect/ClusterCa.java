package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.etcd.ResolvedInvocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes cluster CA as kube-apiserver names it: its {@code --client-ca-file}, where this scan can read it
 * (for a k3s server, whose kube-apiserver runs embedded, the file k3s passes it).
 */
public final class ClusterCa {

    private ClusterCa() {}

    /**
     * The first kube-apiserver's {@code --client-ca-file} that is a regular file on this machine, else the first
     * k3s server's {@code server/tls/client-ca.crt}.
     */
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
        // k3s runs kube-apiserver embedded too, with --client-ca-file=DATA_DIR/server/tls/client-ca.crt
        for (ResolvedInvocation inv : invocations) {
            String ca = K3s.clientCa(inv.invocation());
            if (ca != null && inv.invocation().files().lookup(ca) instanceof FileView.Lookup.OnDisk disk
                    && Files.isRegularFile(disk.path())) {
                return Optional.of(disk.path());
            }
        }
        return Optional.empty();
    }
}
