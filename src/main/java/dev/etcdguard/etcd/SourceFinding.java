package dev.etcdguard.etcd;

/**
 * A fact a source found about its input rather than about an etcd member: a file it could not read,
 * a second etcd static pod that kubelet would also run, an etcd that runs elsewhere.
 */
public record SourceFinding(Kind kind, Target target, String message) {

    public enum Kind {
        /** The input could not be read or parsed (the scan goes on with the rest). */
        UNREADABLE_INPUT,
        /** More than one file in a static-pod directory defines an etcd pod: kubelet runs them all. */
        DUPLICATE_STATIC_POD,
        /** The configuration says etcd runs outside this cluster (kubeadm {@code etcd.external}). */
        EXTERNAL_ETCD
    }
}
