package dev.etcdguard.rules;

/** The verdict of a rule or of one of its checks. */
public enum Status {
    PASS, FAIL, WARN, NOT_APPLICABLE, ERROR;

    /** The worse of two statuses for a rule's overall verdict: FAIL, then ERROR, then WARN, then PASS. */
    static Status worse(Status a, Status b) {
        return rank(a) >= rank(b) ? a : b;
    }

    private static int rank(Status s) {
        return switch (s) {
            case NOT_APPLICABLE -> 0;
            case PASS -> 1;
            case WARN -> 2;
            case ERROR -> 3;
            case FAIL -> 4;
        };
    }
}
