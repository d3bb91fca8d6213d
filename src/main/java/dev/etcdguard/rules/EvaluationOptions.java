package dev.etcdguard.rules;

import java.time.Instant;

/**
 * Knobs of an evaluation.
 *
 * @param now             the instant certificates are judged at
 * @param expiryWarnDays  a certificate expiring within this many days is a WARN
 */
public record EvaluationOptions(Instant now, int expiryWarnDays) {

    public static EvaluationOptions defaults() {
        return new EvaluationOptions(Instant.now(), 30);
    }
}
