package dev.etcdguard.rules;

import java.util.List;

/** One sub-check of a rule: its id (from the rule document), verdict, one-line message and evidence. */
public record CheckResult(String id, Status status, String message, List<Evidence> evidence) {

    public CheckResult {
        evidence = List.copyOf(evidence);
    }
}
