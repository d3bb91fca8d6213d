package dev.etcdguard.rules;

import java.util.List;
import java.util.Locale;

/** The settings that make up one of etcd's TLS configurations (peer or client). */
enum TlsProfile {
    PEER("peer-cert-file", "peer-key-file", "peer-trusted-ca-file", "peer-auto-tls",
            "peer-client-cert-file", "peer-client-key-file",
            List.of("initial-advertise-peer-urls", "initial-cluster:self")),
    CLIENT("cert-file", "key-file", "trusted-ca-file", "auto-tls",
            "client-cert-file", "client-key-file", List.of("advertise-client-urls"));

    final String certFile;
    final String keyFile;
    final String trustedCaFile;
    final String autoTls;
    final String clientCertFile;
    final String clientKeyFile;
    /** URLs whose hosts the served certificate must cover. */
    final List<String> advertisedUrls;

    TlsProfile(String certFile, String keyFile, String trustedCaFile, String autoTls, String clientCertFile,
               String clientKeyFile, List<String> advertisedUrls) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.trustedCaFile = trustedCaFile;
        this.autoTls = autoTls;
        this.clientCertFile = clientCertFile;
        this.clientKeyFile = clientKeyFile;
        this.advertisedUrls = advertisedUrls;
    }

    static TlsProfile of(String name) {
        if (name == null) {
            throw new IllegalArgumentException("a TLS check needs 'tls: peer' or 'tls: client'");
        }
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
