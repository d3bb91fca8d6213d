package dev.etcdguard.rules;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Knobs and facts of an evaluation that are not an etcd member's own configuration.
 *
 * @param now             the instant certificates are judged at
 * @param expiryWarnDays  a certificate expiring within this many days is a WARN
 * @param kubernetesCa    the Kubernetes cluster CA certificate file on this machine, or null when unknown
 */
public record EvaluationOptions(Instant now, int expiryWarnDays, Path kubernetesCa) {

    public EvaluationOptions(Instant now, int expiryWarnDays) {
        this(now, expiryWarnDays, null);
    }

    public static EvaluationOptions defaults() {
        return new EvaluationOptions(Instant.now(), 30);
    }
}
