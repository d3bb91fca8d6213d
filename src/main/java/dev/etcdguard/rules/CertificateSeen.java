package dev.etcdguard.rules;

import dev.etcdguard.etcd.Target;
import java.time.Instant;

/**
 * A certificate the rules read for a target, for expiry monitoring (the agent's
 * {@code etcdguard_certificate_expiry_timestamp_seconds}).
 *
 * @param target   the member or program whose configuration names the file
 * @param path     the file as the configuration names it
 * @param role     {@code peer}, {@code server}, {@code client} (a leaf), or {@code peer-ca}, {@code client-ca},
 *                 {@code etcd-ca} (a trusted CA certificate)
 * @param notAfter the certificate's notAfter
 */
public record CertificateSeen(Target target, String path, String role, Instant notAfter) {
}
