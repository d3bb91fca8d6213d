package dev.etcdguard.rules;

/** The verdict of a rule or of one of its checks. */
public enum Status {
    PASS, FAIL, WARN, NOT_APPLICABLE, ERROR;

    /** The worse of two statuses for a rule's overall verdict: FAIL, then ERROR, then WARN, then PASS. */
    static Status worse(Status a, Status b) {
        return a.severity() >= b.severity() ? a : b;
    }

    /** How bad a verdict is, in the order a rule's overall verdict takes: NOT_APPLICABLE 0, PASS, WARN, ERROR, FAIL 4. */
    public int severity() {
        return switch (this) {
            case NOT_APPLICABLE -> 0;
            case PASS -> 1;
            case WARN -> 2;
            case ERROR -> 3;
            case FAIL -> 4;
        };
    }
}
