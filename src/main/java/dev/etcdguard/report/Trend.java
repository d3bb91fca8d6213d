package dev.etcdguard.report;

import dev.etcdguard.rules.Status;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The posture over time, as the history store knows it, for the posture page: past scans with their counts, and the
 * results whose status changed between scans. Both lists may be empty (no store, or the first scan).
 *
 * @param scans   past scans, newest first
 * @param changes status changes, newest first
 */
public record Trend(List<ScanSummary> scans, List<Change> changes) {

    public Trend {
        scans = List.copyOf(scans);
        changes = List.copyOf(changes);
    }

    /** No history. */
    public static Trend empty() {
        return new Trend(List.of(), List.of());
    }

    /**
     * One scan: when, where, and how many results had each status.
     *
     * @param cluster the cluster's name, or null when unknown
     */
    public record ScanSummary(Instant time, String host, String cluster, Map<Status, Integer> counts) {
        public ScanSummary {
            Objects.requireNonNull(time, "time");
            Map<Status, Integer> all = new EnumMap<>(Status.class);
            for (Status s : Status.values()) {
                all.put(s, counts.getOrDefault(s, 0));
            }
            counts = Map.copyOf(all);
        }

        public int count(Status status) {
            return counts.get(status);
        }
    }

    /**
     * A result whose status changed from one scan to the next.
     *
     * @param time    when the scan that saw the new status ran
     * @param rule    the rule's id
     * @param number  the rule's control number (may be blank)
     * @param title   the rule's title
     * @param target  the target in one line (or its stable key)
     * @param before  the status in the scan before, or null when the result is new
     * @param after   the status now, or null when the result is gone
     * @param message what changed, for humans (the failing check's message, say); may be null
     */
    public record Change(Instant time, String rule, String number, String title, String target, Status before,
                         Status after, String message) {
        public Change {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(rule, "rule");
        }

        /** The status got worse: towards ERROR, WARN or FAIL (FAIL the worst), or a new result that does not pass. */
        public boolean worse() {
            return rank(after) > rank(before);
        }

        private static int rank(Status s) {
            return s == null ? 0 : switch (s) {
                case NOT_APPLICABLE, PASS -> 0;
                case WARN -> 1;
                case ERROR -> 2;
                case FAIL -> 3;
            };
        }
    }
}
