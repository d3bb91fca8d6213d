package dev.etcdguard.rules;

import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.Provenance;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Primitives comparing etcd's certificate authorities with the Kubernetes cluster's. */
final class CaChecks {

    private CaChecks() {}

    /**
     * The CAs etcd trusts ({@code settings}) are not the Kubernetes cluster CA: compared by the certificates'
     * public keys when the cluster CA file can be read here; when only its path is known (a manifest scan without
     * {@code --node-root}), the same path is a FAIL and other paths PASS with a note that contents were not compared.
     */
    static CheckResult caDistinct(CheckSpec spec, Subject s) {
        List<Resolved> settings = spec.list("settings").stream().map(s.config::get).toList();
        List<Evidence> evidence = new ArrayList<>();
        settings.forEach(r -> evidence.add(new Evidence.Setting(r)));
        if (settings.stream().allMatch(Resolved::isEmpty)) {
            return Outcome.fail(spec, SettingChecks.join(spec.list("settings"))
                    + " are not set: etcd trusts no CA of its own for client certificates", evidence);
        }
        KubernetesCa k8sCa = s.options.kubernetesCa();
        if (k8sCa == null) {
            return Outcome.notEvaluated(spec, "not evaluated: the Kubernetes cluster CA is unknown (kubeadm: "
                    + "/etc/kubernetes/pki/ca.crt; scan kube-apiserver with etcd, or pass --kubernetes-ca FILE)", evidence);
        }
        if (k8sCa.setting() != null) {
            evidence.add(new Evidence.Setting(k8sCa.setting()));
        }
        List<Resolved> set = settings.stream().filter(r -> !r.isEmpty()).toList();
        if (k8sCa.pathOnly()) {
            evidence.add(new Evidence.File(k8sCa.path(), "Kubernetes cluster CA, named by " + k8sCa.origin()
                    + " (not readable here: paths compared)"));
            List<String> same = samePath(set, k8sCa);
            if (!same.isEmpty()) {
                return Outcome.fail(spec, String.join("; ", same) + ": every certificate the cluster CA issues (kubelets,"
                        + " users) is accepted by etcd", evidence);
            }
            return Outcome.pass(spec, SettingChecks.join(set.stream().map(r -> r.name() + " " + r.value()).toList())
                    + " differ from the Kubernetes cluster CA path " + k8sCa.path() + " (" + k8sCa.origin()
                    + "); contents not compared: the files are on the node (pass --node-root DIR to compare the"
                    + " certificates by key)", evidence);
        }
        List<X509Certificate> cluster;
        try {
            if (!(Pem.readCertificates(Files.readAllBytes(k8sCa.file())) instanceof CertificatesRead.Parsed p)) {
                return Outcome.error(spec, "the Kubernetes cluster CA " + k8sCa.file()
                        + " holds no usable certificate", evidence);
            }
            cluster = p.chain();
        } catch (IOException e) {
            return Outcome.error(spec, "cannot read the Kubernetes cluster CA " + k8sCa.file() + ": "
                    + IoErrors.reason(e), evidence);
        }
        evidence.add(new Evidence.File(k8sCa.path(), "Kubernetes cluster CA (" + k8sCa.origin() + "): "
                + CertificateFacts.describe(cluster.get(0)) + ", sha256 " + CertificateFacts.sha256Fingerprint(cluster.get(0))));
        List<String> shared = new ArrayList<>();
        List<Resolved> unread = new ArrayList<>();
        for (Resolved setting : set) {
            if (!(FileRead.read(s.files, setting.value()) instanceof FileRead.Ok ok)
                    || !(Pem.readTrustedCertificates(ok.bytes()) instanceof CertificatesRead.Parsed etcd)) {
                unread.add(setting);
                continue;
            }
            for (X509Certificate ca : etcd.chain()) {
                evidence.add(new Evidence.File(setting.value(), CertificateFacts.describe(ca) + ", sha256 "
                        + CertificateFacts.sha256Fingerprint(ca)));
                for (X509Certificate k8s : cluster) {
                    if (Arrays.equals(ca.getPublicKey().getEncoded(), k8s.getPublicKey().getEncoded())) {
                        shared.add(setting.name() + " " + setting.value() + " holds the Kubernetes cluster CA ("
                                + ca.getSubjectX500Principal().getName() + ", same key)");
                    }
                }
            }
        }
        shared.addAll(samePath(unread, k8sCa)); // a file etcd names but this scan cannot read: its path still tells
        if (!shared.isEmpty()) {
            return Outcome.fail(spec, String.join("; ", shared) + ": every certificate the cluster CA issues (kubelets,"
                    + " users) is accepted by etcd", evidence);
        }
        if (!unread.isEmpty()) {
            return Outcome.notEvaluated(spec, "not evaluated: " + SettingChecks.join(unread.stream().map(Resolved::name)
                    .toList()) + " could not be read here", evidence);
        }
        return Outcome.pass(spec, "etcd's CA differs from the Kubernetes cluster CA (compared by key)", evidence);
    }

    /** The settings whose path is the cluster CA's path, described with both locations (empty when none). */
    private static List<String> samePath(List<Resolved> settings, KubernetesCa k8sCa) {
        List<String> same = new ArrayList<>();
        for (Resolved r : settings) {
            if (normalized(r.value()).equals(normalized(k8sCa.path()))) {
                same.add(r.name() + " " + r.value() + " (" + where(r.provenance()) + ")");
            }
        }
        return same.isEmpty() ? same : List.of(SettingChecks.join(same) + (same.size() == 1 ? " is" : " are")
                + " the file " + k8sCa.origin() + " names as the Kubernetes cluster CA");
    }

    private static String where(Provenance p) {
        return switch (p) {
            case Provenance.Flag f -> "flag at " + f.at();
            case Provenance.Env e -> "env " + e.at();
            case Provenance.ConfigFile c -> "config file " + c.at();
            case Provenance.Default d -> d.note();
        };
    }

    private static String normalized(String path) {
        try {
            return Path.of(path).normalize().toString();
        } catch (InvalidPathException e) {
            return path;
        }
    }
}
