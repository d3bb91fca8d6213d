package dev.etcdguard.rules;

import dev.etcdguard.pki.CertificateFacts;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A certificate a rule read, with its expiry: the leaf of a certificate file, the other certificates of its chain
 * (role CA), and every certificate of a trusted-CA file. Public facts only: never key material.
 *
 * @param role      what the certificate is to the program
 * @param setting   the setting that names the file ({@code peer-cert-file}, {@code trusted-ca-file}, ...)
 * @param path      the file as the program names it
 * @param subject   the subject distinguished name (RFC 2253)
 * @param issuer    the issuer distinguished name (RFC 2253)
 * @param notBefore start of validity
 * @param notAfter  end of validity: after this instant the verifiers reject the certificate
 * @param sha256    the SHA-256 fingerprint, {@code AB:CD:...}
 */
public record CertificateSeen(Role role, String setting, String path, String subject, String issuer,
                              Instant notBefore, Instant notAfter, String sha256) {

    /** What a certificate is to the program that reads it. */
    public enum Role {
        /** etcd's peer certificate (served to and presented by members). */
        PEER,
        /** etcd's client-facing server certificate. */
        SERVER,
        /** A client certificate: etcd's separate peer/client dialing certificates, kube-apiserver's for etcd. */
        CLIENT,
        /** A certificate authority the program trusts, or an intermediate of a certificate file's chain. */
        CA;

        /** Lower case, as labels and pages show it: peer, server, client, ca. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CertificateSeen {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(notAfter, "notAfter");
    }

    static CertificateSeen of(Role role, String setting, String path, X509Certificate cert) {
        return new CertificateSeen(role, setting, path, cert.getSubjectX500Principal().getName(),
                cert.getIssuerX500Principal().getName(), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                CertificateFacts.sha256Fingerprint(cert));
    }
}
