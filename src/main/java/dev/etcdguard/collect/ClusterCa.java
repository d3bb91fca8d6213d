package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.ConfigResolver;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Resolved;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The Kubernetes cluster CA as kube-apiserver names it: its {@code --client-ca-file}, where this scan can read it. */
public final class ClusterCa {

    private ClusterCa() {}

    /** The first kube-apiserver's {@code --client-ca-file} that is a regular file on this machine. */
    public static Optional<Path> fromApiServer(List<Invocation> invocations) {
        for (Invocation inv : invocations) {
            if (inv.component() != Component.KUBE_APISERVER) {
                continue;
            }
            Resolved ca = ConfigResolver.resolve(inv, new ArrayList<>()).get("client-ca-file");
            if (!ca.isEmpty() && inv.files().lookup(ca.value()) instanceof FileView.Lookup.OnDisk disk
                    && Files.isRegularFile(disk.path())) {
                return Optional.of(disk.path());
            }
        }
        return Optional.empty();
    }
}
