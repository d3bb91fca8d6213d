package dev.etcdguard.rules;

import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Resolves a member's (or a kube-apiserver's) effective configuration once and judges it with every rule
 * of that program's scope.
 */
public final class Evaluator {

    private final List<RuleDocument> rules;
    private final EvaluationOptions options;

    public Evaluator(List<RuleDocument> rules, EvaluationOptions options) {
        this.rules = List.copyOf(rules);
        this.options = options;
    }

    public List<Result> evaluate(Invocation invocation) {
        return evaluate(ResolvedInvocation.of(invocation));
    }

    public List<Result> evaluate(ResolvedInvocation resolved) {
        Invocation invocation = resolved.invocation();
        List<String> problems = resolved.problems();
        EffectiveConfig config = resolved.config();
        Target target = invocation.target().withMember(config.memberName());
        Subject subject = new Subject(config, invocation.files(), invocation.runAsUid(), invocation.podSpecFile(),
                invocation.running(), options);
        List<Result> results = new ArrayList<>();
        for (RuleDocument rule : rules) {
            if (!rule.appliesTo().equals(RuleDocument.SOURCE)
                    && rule.scope().equals(invocation.component().program())) {
                results.add(evaluate(rule, subject, target, problems, invocation));
            }
        }
        return results;
    }

    private static Result evaluate(RuleDocument rule, Subject subject, Target target, List<String> problems,
                                   Invocation invocation) {
        List<CheckResult> checks = new ArrayList<>();
        if (!problems.isEmpty()) {
            checks.add(new CheckResult("evidence-readable", Status.ERROR, String.join("; ", problems), List.of()));
        }
        if (!invocation.warnings().isEmpty()) {
            checks.add(new CheckResult("evidence-complete", Status.WARN, String.join("; ", invocation.warnings()),
                    List.of()));
        }
        if (rule.appliesTo().equals("multi-member")) {
            CheckResult membership = Membership.check(subject.config, invocation.clusterHint(), subject.probes());
            checks.add(membership);
            if (membership.status() == Status.NOT_APPLICABLE) {
                return new Result(rule, target, problems.isEmpty() ? Status.NOT_APPLICABLE : Status.ERROR, checks);
            }
        }
        // The worst of the checks; NOT_APPLICABLE when none of the rule's own checks applied.
        Status overall = Status.NOT_APPLICABLE;
        for (CheckSpec spec : rule.checks()) {
            if (Primitives.isWire(spec.primitive()) && subject.options.probes() == null) {
                continue; // the scan did not probe
            }
            CheckResult check = Primitives.run(spec, subject);
            checks.add(check);
            overall = Status.worse(overall, check.status());
        }
        // A declared configuration (manifest, kubeadm) the program refuses to start with never runs: no PASS of
        // this rule would be true. Rules that compose config-consistent say so there; a rule that does not apply
        // stays NOT_APPLICABLE.
        CheckResult starts = SettingChecks.refusedToStart(subject);
        if (starts != null && overall != Status.NOT_APPLICABLE
                && rule.checks().stream().noneMatch(c -> c.primitive().equals(SettingChecks.CONFIG_CONSISTENT))) {
            checks.add(starts);
            overall = Status.FAIL;
        }
        if (!invocation.warnings().isEmpty() && overall != Status.NOT_APPLICABLE) {
            overall = Status.worse(overall, Status.WARN);
        }
        if (!problems.isEmpty()) {
            overall = Status.ERROR; // incomplete evidence: neither a PASS nor a FAIL can be trusted
        }
        return new Result(rule, target, overall, checks);
    }

    /** Whether a member is provably alone by its own configuration: one member in initial-cluster, no discovery. */
    public static boolean provablyAlone(EffectiveConfig config) {
        return Membership.check(config, null, List.of()).status() == Status.NOT_APPLICABLE;
    }

    /**
     * Judges an endpoint given to {@code etcdguard probe} by what it showed on the wire: the wire checks of
     * every etcd rule that has some, for the target {@code Endpoint(url)}.
     */
    public List<Result> evaluate(ProbeResult probe) {
        Subject subject = Subject.endpoint(probe, options);
        Target target = new Target.Endpoint(probe.endpoint().url(), null);
        List<Result> results = new ArrayList<>();
        for (RuleDocument rule : rules) {
            List<CheckResult> checks = new ArrayList<>();
            Status overall = Status.NOT_APPLICABLE;
            for (CheckSpec spec : rule.checks()) {
                if (Primitives.isWire(spec.primitive())) {
                    CheckResult check = Primitives.run(spec, subject);
                    checks.add(check);
                    overall = Status.worse(overall, check.status());
                }
            }
            if (!checks.isEmpty()) {
                results.add(new Result(rule, target, overall, checks));
            }
        }
        return results;
    }

    /** Whether a member is provably alone: one member in initial-cluster and no discovery. */
    static final class Membership {
        private static final Set<String> DISCOVERY = Set.of("discovery", "discovery-srv");

        private Membership() {}

        static CheckResult check(EffectiveConfig config, String clusterHint, List<ProbeResult> probes) {
            List<Evidence> evidence = new ArrayList<>();
            evidence.add(new Evidence.Setting(config.get("initial-cluster")));
            for (ProbeResult p : probes) { // the peer API's member list (mutual-TLS probe) is the truth
                if (p.members() != null) {
                    evidence.add(new Evidence.Wire(p.endpoint().url(), "peer API lists members "
                            + String.join(", ", p.members().names())));
                    return p.members().names().size() > 1
                            ? new CheckResult("cluster-membership", Status.PASS, "member of a "
                                    + p.members().names().size() + "-member cluster, as its peer API lists", evidence)
                            : new CheckResult("cluster-membership", Status.NOT_APPLICABLE, "member '"
                                    + config.memberName() + "' is alone: its peer API lists one member", evidence);
                }
            }
            for (String d : DISCOVERY) {
                if (!config.get(d).isEmpty()) {
                    evidence.add(new Evidence.Setting(config.get(d)));
                    return new CheckResult("cluster-membership", Status.PASS,
                            "member of a cluster found through " + d, evidence);
                }
            }
            Set<String> names = config.initialClusterNames();
            if (names.size() > 1) {
                return new CheckResult("cluster-membership", Status.PASS,
                        "member of a " + names.size() + "-member cluster (" + String.join(", ", names) + ")", evidence);
            }
            if (clusterHint != null) {
                return new CheckResult("cluster-membership", Status.PASS,
                        "evaluated as a cluster member: " + clusterHint, evidence);
            }
            return new CheckResult("cluster-membership", Status.NOT_APPLICABLE, "member '" + config.memberName()
                    + "' is alone: initial-cluster lists one member and no discovery is configured;"
                    + " peer TLS applies to clusters of more than one member", evidence);
        }
    }
}
