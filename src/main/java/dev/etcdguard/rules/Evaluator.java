package dev.etcdguard.rules;

import dev.etcdguard.etcd.ConfigResolver;
import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Target;
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
        List<String> problems = new ArrayList<>(invocation.problems());
        EffectiveConfig config = ConfigResolver.resolve(invocation, problems);
        Target target = config.memberName() == null ? invocation.target()
                : invocation.target().withMember(config.memberName());
        Subject subject = new Subject(config, invocation.files(), invocation.runAsUid(), invocation.podSpecFile(),
                options);
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
            CheckResult membership = Membership.check(subject.config, invocation.clusterHint());
            checks.add(membership);
            if (membership.status() == Status.NOT_APPLICABLE) {
                return new Result(rule, target, problems.isEmpty() ? Status.NOT_APPLICABLE : Status.ERROR, checks);
            }
        }
        // The worst of the checks; NOT_APPLICABLE when none of the rule's own checks applied.
        Status overall = Status.NOT_APPLICABLE;
        for (CheckSpec spec : rule.checks()) {
            CheckResult check = Primitives.run(spec, subject);
            checks.add(check);
            overall = Status.worse(overall, check.status());
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
        return Membership.check(config, null).status() == Status.NOT_APPLICABLE;
    }

    /** Whether a member is provably alone: one member in initial-cluster and no discovery. */
    static final class Membership {
        private static final Set<String> DISCOVERY = Set.of("discovery", "discovery-srv");

        private Membership() {}

        static CheckResult check(EffectiveConfig config, String clusterHint) {
            List<Evidence> evidence = new ArrayList<>();
            evidence.add(new Evidence.Setting(config.get("initial-cluster")));
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
