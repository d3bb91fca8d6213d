package dev.etcdguard.rules;

import dev.etcdguard.etcd.Resolved;
import java.nio.file.Path;

/**
 * The Kubernetes cluster CA rule 2.7 compares etcd's CAs with: the path it is known by, where it was named,
 * and the file itself when this scan can read it.
 *
 * @param path    the path as named (kube-apiserver's {@code --client-ca-file} value, or the file given)
 * @param origin  where it was named, for messages: {@code --kubernetes-ca}, or kube-apiserver's {@code --client-ca-file}
 *                with its target and location
 * @param setting kube-apiserver's {@code --client-ca-file} with its provenance, or null when not named by it
 * @param file    the certificate file on this machine, or null when only the path is known (a manifest scan
 *                without {@code --node-root}): etcd's CA paths are then compared with it, not the certificates
 */
public record KubernetesCa(String path, String origin, Resolved setting, Path file) {

    /** A CA certificate file on this machine. */
    public static KubernetesCa file(Path file, String origin) {
        return new KubernetesCa(file.toString(), origin, null, file);
    }

    /** True when only the path is known, not the certificates. */
    public boolean pathOnly() {
        return file == null;
    }
}
