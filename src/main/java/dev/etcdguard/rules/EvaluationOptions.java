package dev.etcdguard.rules;

import dev.etcdguard.probe.ProbeResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Knobs and facts of an evaluation that are not an etcd member's own configuration.
 *
 * @param now             the instant certificates are judged at
 * @param expiryWarnDays  a certificate expiring within this many days is a WARN
 * @param kubernetesCa    the Kubernetes cluster CA certificate file on this machine, or null when unknown
 * @param probes          what the active probe saw, by endpoint address ({@code host:port}); null when the scan
 *                        did not probe (the rules' wire checks are then left out)
 */
public record EvaluationOptions(Instant now, int expiryWarnDays, Path kubernetesCa, Map<String, ProbeResult> probes) {

    public EvaluationOptions {
        probes = probes == null ? null : Map.copyOf(probes);
    }

    public EvaluationOptions(Instant now, int expiryWarnDays, Path kubernetesCa) {
        this(now, expiryWarnDays, kubernetesCa, null);
    }

    public EvaluationOptions(Instant now, int expiryWarnDays) {
        this(now, expiryWarnDays, null, null);
    }

    public EvaluationOptions withProbes(Map<String, ProbeResult> probes) {
        return new EvaluationOptions(now, expiryWarnDays, kubernetesCa, probes);
    }

    public static EvaluationOptions defaults() {
        return new EvaluationOptions(Instant.now(), 30);
    }
}
