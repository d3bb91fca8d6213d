package dev.etcdguard.store;

import dev.etcdguard.rules.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** What the history store gives back. */
public final class History {

    private History() {}

    /** A stored scan's header: when, where, and its results per status. */
    public record Scan(long id, String host, String cluster, Instant started, Duration duration, String toolVersion,
                       Map<Status, Integer> counts, List<String> notes) {
        public Scan {
            counts = Map.copyOf(counts);
            notes = List.copyOf(notes);
        }

        public int count(Status s) {
            return counts.getOrDefault(s, 0);
        }
    }

    /** A stored result: the target and checks are the JSON report's objects. */
    public record Result(String rule, String number, Status status, String targetKey, JsonNode target, JsonNode checks) {}

    /** A certificate a rule read, with its expiry. */
    public record Certificate(String targetKey, String file, Instant notAfter) {}

    /** A scan with all of its results. */
    public record StoredScan(Scan scan, List<Result> results, List<Certificate> certificates) {
        public StoredScan {
            results = List.copyOf(results);
            certificates = List.copyOf(certificates);
        }
    }

    /** A rule's status on a target in one scan. */
    public record Point(long scanId, Instant started, String host, String cluster, String rule, String number,
                        String targetKey, Status status) {}
}
