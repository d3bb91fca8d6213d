package dev.etcdguard.etcd;

/** Go's {@code strconv.ParseBool}: the only spellings etcd accepts for a boolean. */
public final class GoBool {

    private GoBool() {}

    /** "true" or "false", or null when Go would reject the text. */
    public static String parse(String text) {
        return switch (text) {
            case "1", "t", "T", "TRUE", "true", "True" -> "true";
            case "0", "f", "F", "FALSE", "false", "False" -> "false";
            default -> null;
        };
    }
}
