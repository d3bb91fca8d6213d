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
 * @param kubernetesCa    the Kubernetes cluster CA (a file on this machine, or only the path kube-apiserver names), or
 *                        null when unknown
 * @param probes          what the active probe saw, by endpoint address ({@code host:port}); null when the scan
 *                        did not probe (the rules' wire checks are then left out)
 */
public record EvaluationOptions(Instant now, int expiryWarnDays, KubernetesCa kubernetesCa, Map<String, ProbeResult> probes) {

    public EvaluationOptions {
        probes = probes == null ? null : Map.copyOf(probes);
    }

    /** The cluster CA as a file on this machine (null: unknown). */
    public EvaluationOptions(Instant now, int expiryWarnDays, Path kubernetesCa) {
        this(now, expiryWarnDays, kubernetesCa == null ? null : KubernetesCa.file(kubernetesCa, "--kubernetes-ca"), null);
    }

    public EvaluationOptions withKubernetesCa(KubernetesCa ca) {
        return new EvaluationOptions(now, expiryWarnDays, ca, probes);
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
