package dev.etcdguard.rules;

import dev.etcdguard.etcd.Target;
import java.util.List;

/** A rule's verdict on one target, with the sub-checks that led to it. */
public record Result(RuleDocument rule, Target target, Status status, List<CheckResult> checks) {

    public Result {
        checks = List.copyOf(checks);
    }
}
