package dev.etcdguard.rules;

import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.util.List;

/** Builds check results; a failure takes the status the rule document gives it ({@code on-fail}). */
final class Outcome {

    private Outcome() {}

    static CheckResult pass(CheckSpec spec, String message, List<Evidence> evidence) {
        return new CheckResult(spec.id(), Status.PASS, message, evidence);
    }

    static CheckResult fail(CheckSpec spec, String message, List<Evidence> evidence) {
        return new CheckResult(spec.id(), spec.onFail(), message, evidence);
    }

    static CheckResult warn(CheckSpec spec, String message, List<Evidence> evidence) {
        return new CheckResult(spec.id(), Status.WARN, message, evidence);
    }

    static CheckResult error(CheckSpec spec, String message, List<Evidence> evidence) {
        return new CheckResult(spec.id(), Status.ERROR, message, evidence);
    }

    /** A result of the given status: FAIL takes the document's {@code on-fail}. */
    static CheckResult of(CheckSpec spec, Status status, String message, List<Evidence> evidence) {
        return status == Status.FAIL ? fail(spec, message, evidence) : new CheckResult(spec.id(), status, message, evidence);
    }

    /** The check does not apply, or cannot be evaluated because an earlier check already failed. */
    static CheckResult notEvaluated(CheckSpec spec, String message, List<Evidence> evidence) {
        return new CheckResult(spec.id(), Status.NOT_APPLICABLE, message, evidence);
    }
}
