package dev.etcdguard.sandbox;

/** How the members of a {@link LocalCluster} protect peer (member to member) traffic. */
public enum PeerTls {
    /** https peer URLs, peer cert/key/trusted CA files, and --peer-client-cert-auth=true. */
    TLS,
    /** http peer URLs and no peer certificate settings. */
    PLAINTEXT,
    /** Peer cert/key/CA settings present but http:// peer URLs: etcd ignores the certificates. */
    CERTS_ON_HTTP,
    /**
     * https peer URLs with --peer-auto-tls=true (self-signed, unverified peer certificates) and
     * --peer-client-cert-auth=true, which etcd then silently drops.
     */
    AUTO_TLS
}
