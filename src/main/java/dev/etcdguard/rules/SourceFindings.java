package dev.etcdguard.rules;

import dev.etcdguard.etcd.SourceFinding;
import java.util.List;
import java.util.Map;

/** Turns what a source found about its input into results of the rules those findings belong to. */
public final class SourceFindings {

    /** The pseudo-rule of input errors: a file that could not be read or parsed. */
    public static final RuleDocument INPUT = new RuleDocument("input-readable", "", "Input can be read and parsed",
            "info", "etcd", List.of(), RuleDocument.SOURCE, List.of(), Map.of("Remediation",
            "Fix or remove the file, or leave it out of the scan; the rest of the input was scanned."), "builtin");

    private SourceFindings() {}

    /** The results a finding gives: one, or (an external etcd) one NOT_APPLICABLE per etcd member rule. */
    public static List<Result> toResults(SourceFinding finding, List<RuleDocument> rules) {
        return switch (finding.kind()) {
            case UNREADABLE_INPUT -> List.of(new Result(INPUT, finding.target(), Status.ERROR,
                    List.of(new CheckResult("input-readable", Status.ERROR, finding.message(), List.of()))));
            case DUPLICATE_STATIC_POD -> List.of(new Result(rule(rules, "etcd-static-pod-unique"), finding.target(),
                    Status.FAIL, List.of(new CheckResult("static-pod-unique", Status.FAIL, finding.message(), List.of()))));
            case EXTERNAL_ETCD -> rules.stream()
                    .filter(r -> !r.appliesTo().equals(RuleDocument.SOURCE) && r.scope().equals("etcd"))
                    .map(r -> new Result(r, finding.target(), Status.NOT_APPLICABLE, List.of(new CheckResult(
                            "cluster-membership", Status.NOT_APPLICABLE, finding.message(), List.of()))))
                    .toList();
        };
    }

    private static RuleDocument rule(List<RuleDocument> rules, String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalStateException("built-in rule missing: " + id));
    }
}
