package dev.etcdguard.rules;

import dev.etcdguard.etcd.Component;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The settings that make up one TLS configuration: etcd's peer and client ones, and kube-apiserver's
 * client configuration towards etcd. Settings a program does not have are null.
 */
enum TlsProfile {
    PEER(Component.ETCD, "peer-cert-file", "peer-key-file", "peer-trusted-ca-file", "peer-auto-tls",
            "peer-client-cert-file", "members", List.of("initial-advertise-peer-urls", "initial-cluster:self")),
    CLIENT(Component.ETCD, "cert-file", "key-file", "trusted-ca-file", "auto-tls",
            "client-cert-file", "clients", List.of("advertise-client-urls")),
    /** kube-apiserver's client certificate for etcd, and the CA it verifies etcd's certificate with. */
    ETCD_CLIENT(Component.KUBE_APISERVER, "etcd-certfile", "etcd-keyfile", "etcd-cafile", null, null, "etcd",
            List.of());

    final Component component;
    final String certFile;
    final String keyFile;
    final String trustedCaFile;
    final String autoTls;
    final String clientCertFile;
    /** Who verifies this certificate, for messages: members, clients, etcd. */
    final String verifiers;
    /** URLs whose hosts the served certificate must cover. */
    final List<String> advertisedUrls;

    TlsProfile(Component component, String certFile, String keyFile, String trustedCaFile, String autoTls,
               String clientCertFile, String verifiers, List<String> advertisedUrls) {
        this.component = component;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.trustedCaFile = trustedCaFile;
        this.autoTls = autoTls;
        this.clientCertFile = clientCertFile;
        this.verifiers = verifiers;
        this.advertisedUrls = advertisedUrls;
    }

    /** The name a rule document uses: {@code peer}, {@code client}, {@code etcd-client}. */
    String documentName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The profile a document names, or null. */
    static TlsProfile find(String name) {
        return Arrays.stream(values()).filter(p -> p.documentName().equals(name)).findFirst().orElse(null);
    }

    /** The profiles of a program, for messages: {@code 'tls: peer' or 'tls: client'}. */
    static String names(Component component) {
        return Arrays.stream(values()).filter(p -> p.component == component).map(p -> "'tls: " + p.documentName() + "'")
                .collect(Collectors.joining(" or "));
    }

    static TlsProfile of(String name) {
        TlsProfile p = find(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown TLS profile: " + name);
        }
        return p;
    }
}
