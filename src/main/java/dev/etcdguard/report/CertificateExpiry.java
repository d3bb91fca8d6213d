package dev.etcdguard.report;

import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.CertificateSeen;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A certificate the scan's rules read (one file and fingerprint), with every role and setting it was read as and
 * the targets that use it: a CA file that every member names as trusted-ca-file and peer-trusted-ca-file is one.
 *
 * @param certificate the certificate's public facts and expiry, as first read
 * @param roles       the roles it was read as (peer and server when one file serves both), in role order
 * @param settings    the settings that name it, in the order first read
 * @param targets     the targets whose rules read it, in scan order, each once
 */
public record CertificateExpiry(CertificateSeen certificate, Set<CertificateSeen.Role> roles, List<String> settings,
                                List<Target> targets) {

    public CertificateExpiry {
        roles = Set.copyOf(roles);
        settings = List.copyOf(settings);
        targets = List.copyOf(targets);
    }

    /** The roles in role order (peer, server, client, ca), for display. */
    public List<CertificateSeen.Role> rolesInOrder() {
        return roles.stream().sorted().toList();
    }

    /** Whole days from {@code now} to the end of validity, rounded down; negative once expired. */
    public long daysLeft(Instant now) {
        return Math.floorDiv(Duration.between(now, certificate.notAfter()).getSeconds(), 86_400L);
    }

    /** True when the certificate's validity ended at or before {@code now}. */
    public boolean expired(Instant now) {
        return !now.isBefore(certificate.notAfter());
    }
}
