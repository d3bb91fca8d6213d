package dev.etcdguard.rules;

import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Primitives comparing etcd's certificate authorities with the Kubernetes cluster's. */
final class CaChecks {

    private CaChecks() {}

    /**
     * The CAs etcd trusts ({@code settings}) are not the Kubernetes cluster CA: compared by the
     * certificates' public keys and fingerprints, never by path.
     */
    static CheckResult caDistinct(CheckSpec spec, Subject s) {
        List<Resolved> settings = spec.list("settings").stream().map(s.config::get).toList();
        List<Evidence> evidence = new ArrayList<>();
        settings.forEach(r -> evidence.add(new Evidence.Setting(r)));
        if (settings.stream().allMatch(Resolved::isEmpty)) {
            return Outcome.fail(spec, SettingChecks.join(spec.list("settings"))
                    + " are not set: etcd trusts no CA of its own for client certificates", evidence);
        }
        if (s.options.kubernetesCa() == null) {
            return Outcome.notEvaluated(spec, "not evaluated: the Kubernetes cluster CA is unknown (kubeadm: "
                    + "/etc/kubernetes/pki/ca.crt; pass --kubernetes-ca FILE)", evidence);
        }
        List<X509Certificate> cluster;
        try {
            if (!(Pem.readCertificates(Files.readAllBytes(s.options.kubernetesCa())) instanceof CertificatesRead.Parsed p)) {
                return Outcome.error(spec, "the Kubernetes cluster CA " + s.options.kubernetesCa()
                        + " holds no usable certificate", evidence);
            }
            cluster = p.chain();
        } catch (IOException e) {
            return Outcome.error(spec, "cannot read the Kubernetes cluster CA " + s.options.kubernetesCa() + ": "
                    + IoErrors.reason(e), evidence);
        }
        evidence.add(new Evidence.File(s.options.kubernetesCa().toString(), "Kubernetes cluster CA: "
                + CertificateFacts.describe(cluster.get(0)) + ", sha256 " + CertificateFacts.sha256Fingerprint(cluster.get(0))));
        List<String> shared = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        for (Resolved setting : settings) {
            if (setting.isEmpty()) {
                continue;
            }
            if (!(FileRead.read(s.files, setting.value()) instanceof FileRead.Ok ok)
                    || !(Pem.readTrustedCertificates(ok.bytes()) instanceof CertificatesRead.Parsed etcd)) {
                unread.add(setting.name());
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
        if (!shared.isEmpty()) {
            return Outcome.fail(spec, String.join("; ", shared) + ": every certificate the cluster CA issues (kubelets,"
                    + " users) is accepted by etcd", evidence);
        }
        if (!unread.isEmpty()) {
            return Outcome.notEvaluated(spec, "not evaluated: " + SettingChecks.join(unread)
                    + " could not be read here", evidence);
        }
        return Outcome.pass(spec, "etcd's CA differs from the Kubernetes cluster CA (compared by key)", evidence);
    }
}
