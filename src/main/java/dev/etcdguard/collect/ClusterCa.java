package dev.etcdguard.collect;

import dev.etcdguard.etcd.ApiServerSettings;
import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Provenance;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.Target;
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
     * kube-apiserver's {@code --client-ca-file}: the setting with its provenance, the kube-apiserver that names it,
     * and the file on this machine (null when it cannot be read here, e.g. a manifest scan without --node-root).
     */
    public record Named(Resolved setting, Target apiServer, Path file) {}

    /**
     * The first kube-apiserver's {@code --client-ca-file} that is a regular file on this machine, else the first
     * k3s server's {@code server/tls/client-ca.crt}.
     */
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
        // k3s runs kube-apiserver embedded too, with --client-ca-file=DATA_DIR/server/tls/client-ca.crt
        for (ResolvedInvocation inv : invocations) {
            String ca = K3s.clientCa(inv.invocation());
            if (ca != null && inv.invocation().files().lookup(ca) instanceof FileView.Lookup.OnDisk disk
                    && Files.isRegularFile(disk.path())) {
                Resolved named = new Resolved(ApiServerSettings.byFlag("client-ca-file"), ca,
                        new Provenance.Default("the file k3s passes to the kube-apiserver it runs embedded"));
                return Optional.of(new Named(named, inv.invocation().target(), disk.path()));
            }
        }
        return Optional.empty();
    }
}
