package dev.etcdguard.report;

import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.CertificateSeen;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A certificate the scan's rules read, and the targets that use it (a CA file shared by every member shows once).
 *
 * @param certificate the certificate's public facts and expiry
 * @param targets     the targets whose rules read it, in scan order, each once
 */
public record CertificateExpiry(CertificateSeen certificate, List<Target> targets) {

    public CertificateExpiry {
        targets = List.copyOf(targets);
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
