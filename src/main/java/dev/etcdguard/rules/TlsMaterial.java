package dev.etcdguard.rules;

import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.pki.PrivateKeyRead;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

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
}
