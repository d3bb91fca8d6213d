package dev.etcdguard.rules;

import dev.etcdguard.etcd.Target;
import java.util.List;

/**
 * A rule's verdict on one target, with the sub-checks that led to it.
 *
 * @param certificates the certificates the rule's checks read (with their expiry), in the order read; empty for
 *                     rules that read none
 */
public record Result(RuleDocument rule, Target target, Status status, List<CheckResult> checks,
                     List<CertificateSeen> certificates) {

    public Result {
        checks = List.copyOf(checks);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    /** A result that read no certificate. */
    public Result(RuleDocument rule, Target target, Status status, List<CheckResult> checks) {
        this(rule, target, status, checks, List.of());
    }
}
