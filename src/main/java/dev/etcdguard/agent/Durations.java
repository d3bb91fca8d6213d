package dev.etcdguard.agent;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Kubernetes and Prometheus users write them: one or more {@code <integer><unit>} parts, units
 * {@code h}, {@code m}, {@code s}, {@code ms}, each at most once and largest first ({@code 1h30m}, {@code 30s},
 * {@code 500ms}).
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|h|m|s)");
    private static final String UNITS = "h m s ms";

    private Durations() {}

    /** @throws IllegalArgumentException with a message naming the accepted forms */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text);
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int at = 0;
        int lastUnit = -1;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw invalid(text);
            }
            int unit = UNITS.indexOf(m.group(2).equals("m") ? "m " : m.group(2).equals("s") ? "s " : m.group(2));
            if (unit <= lastUnit) {
                throw invalid(text);
            }
            lastUnit = unit;
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            at = m.end();
        }
        if (total.isZero()) {
            throw new IllegalArgumentException("duration must be positive: '" + text + "'");
        }
        return total;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration '" + text + "': write it as Kubernetes and Prometheus do,"
                + " e.g. 30s, 10m, 1h, 1h30m, 500ms (units h, m, s, ms, largest first)");
    }
}
