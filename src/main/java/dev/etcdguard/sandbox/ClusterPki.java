package dev.etcdguard.sandbox;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** The sandbox CA and one peer certificate and key (PKCS#8, mode 0600) per member. */
record ClusterPki(CertificateAuthority ca, Path dir) {

    static ClusterPki write(Path dir, List<String> names, Function<String, LeafSpec> specs) {
        ClusterPki pki = new ClusterPki(CertificateAuthority.create("etcdguard-sandbox-ca"), dir);
        pki.ca.writeCertificate(pki.caFile());
        for (String name : names) {
            var issued = pki.ca.issue(specs.apply(name));
            issued.writeCertificate(pki.certFile(name));
            issued.writePrivateKey(pki.keyFile(name), KeyFormat.PKCS8);
        }
        return pki;
    }

    Path caFile() {
        return dir.resolve("ca.crt");
    }

    Path certFile(String name) {
        return dir.resolve(name + ".crt");
    }

    Path keyFile(String name) {
        return dir.resolve(name + ".key");
    }
}
