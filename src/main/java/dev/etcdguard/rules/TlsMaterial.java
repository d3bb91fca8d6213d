package dev.etcdguard.rules;

import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.pki.PrivateKeyRead;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A profile's certificate, key and CA files, read as the program sees them and parsed. A file that is
 * not configured is null; a file that could not be read is a {@link FileRead.Problem} and is not parsed.
 */
record TlsMaterial(Resolved certSetting, Resolved keySetting, Resolved caSetting,
                   FileRead certFile, FileRead keyFile, FileRead caFile,
                   CertificatesRead certs, PrivateKeyRead key, CertificatesRead ca,
                   FileRead clientCertFile, CertificatesRead clientCerts) {

    static TlsMaterial load(TlsProfile p, EffectiveConfig config, FileView files) {
        Resolved cert = config.get(p.certFile);
        Resolved key = config.get(p.keyFile);
        Resolved ca = config.get(p.trustedCaFile);
        Resolved clientCert = p.clientCertFile == null ? null : config.get(p.clientCertFile);
        FileRead certFile = cert.isEmpty() ? null : FileRead.read(files, cert.value());
        FileRead keyFile = key.isEmpty() ? null : FileRead.read(files, key.value());
        FileRead caFile = ca.isEmpty() ? null : FileRead.read(files, ca.value());
        FileRead clientCertFile = clientCert == null || clientCert.isEmpty() ? null : FileRead.read(files, clientCert.value());
        return new TlsMaterial(cert, key, ca, certFile, keyFile, caFile,
                certFile instanceof FileRead.Ok ok ? Pem.readCertificates(ok.bytes()) : null,
                keyFile instanceof FileRead.Ok ok ? Pem.readPrivateKey(ok.bytes()) : null,
                caFile instanceof FileRead.Ok ok ? Pem.readTrustedCertificates(ok.bytes()) : null,
                clientCertFile,
                clientCertFile instanceof FileRead.Ok ok ? Pem.readCertificates(ok.bytes()) : null);
    }

    /** The leaf certificate when the certificate file parsed, else null. */
    X509Certificate leaf() {
        return certs instanceof CertificatesRead.Parsed p ? p.chain().get(0) : null;
    }

    PrivateKey privateKey() {
        return key instanceof PrivateKeyRead.Parsed p ? p.key() : null;
    }

    /**
     * The certificates this profile's files hold, with their roles: the certificate file's leaf (peer, server or
     * client) and the rest of its chain (CA), the separate client certificate's leaf, every trusted CA.
     */
    List<CertificateSeen> certificatesSeen(TlsProfile p) {
        List<CertificateSeen> out = new ArrayList<>();
        CertificateSeen.Role leafRole = switch (p) {
            case PEER -> CertificateSeen.Role.PEER;
            case CLIENT -> CertificateSeen.Role.SERVER;
            case ETCD_CLIENT -> CertificateSeen.Role.CLIENT;
        };
        add(out, leafRole, p.certFile, certFile, certs, true);
        add(out, CertificateSeen.Role.CLIENT, p.clientCertFile, clientCertFile, clientCerts, true);
        add(out, CertificateSeen.Role.CA, p.trustedCaFile, caFile, ca, false);
        return out;
    }

    private static void add(List<CertificateSeen> out, CertificateSeen.Role role, String setting, FileRead file,
                            CertificatesRead read, boolean leafFirst) {
        if (file == null || !(read instanceof CertificatesRead.Parsed parsed)) {
            return;
        }
        List<X509Certificate> chain = parsed.chain();
        for (int i = 0; i < chain.size(); i++) {
            CertificateSeen.Role r = leafFirst && i > 0 ? CertificateSeen.Role.CA : role;
            out.add(CertificateSeen.of(r, setting, file.path(), chain.get(i)));
        }
    }
}
