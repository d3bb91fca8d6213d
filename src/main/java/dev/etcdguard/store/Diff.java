package dev.etcdguard.store;

import dev.etcdguard.rules.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * What changed between two stored scans, result by result (matched by rule and stable target key): new FAILs,
 * other statuses that got worse, fixed FAILs, other improvements, changed evidence with the same status, results
 * that appeared or went away.
 */
public record Diff(History.Scan older, History.Scan newer, List<Change> changes) {

    public enum Kind {
        /** FAIL now, not FAIL before (or a new result that FAILs). */
        NEW_FAIL,
        /** A worse status that is not FAIL (PASS to WARN, WARN to ERROR; a new WARN or ERROR result). */
        WORSE,
        /** FAIL before, better now. */
        FIXED,
        /** A better status that was not FAIL before. */
        BETTER,
        /** The same status, other checks, messages or evidence. */
        EVIDENCE,
        /** A new result that is neither FAIL, WARN nor ERROR. */
        ADDED,
        /** A result of the old scan the new one does not have (target or rule gone). */
        REMOVED
    }

    /** One result's change; {@code before} or {@code after} is null when the result is only in one scan. */
    public record Change(Kind kind, String rule, String number, String targetKey, Status before, Status after,
                         List<String> details) {
        public Change {
            details = List.copyOf(details);
        }
    }

    public Diff {
        changes = List.copyOf(changes);
    }

    /** True when something got worse: a new FAIL or a worse status (the diff command's exit code 1). */
    public boolean worse() {
        return changes.stream().anyMatch(c -> c.kind() == Kind.NEW_FAIL || c.kind() == Kind.WORSE);
    }

    public long count(Kind kind) {
        return changes.stream().filter(c -> c.kind() == kind).count();
    }

    public static Diff of(History.StoredScan older, History.StoredScan newer) {
        Map<String, History.Result> before = byKey(older.results());
        Map<String, History.Result> after = byKey(newer.results());
        List<Change> changes = new ArrayList<>();
        for (var e : after.entrySet()) {
            History.Result now = e.getValue();
            History.Result was = before.get(e.getKey());
            if (was == null) {
                Kind kind = now.status() == Status.FAIL ? Kind.NEW_FAIL
                        : now.status() == Status.WARN || now.status() == Status.ERROR ? Kind.WORSE : Kind.ADDED;
                changes.add(new Change(kind, now.rule(), now.number(), now.targetKey(), null, now.status(),
                        failing(now.checks())));
                continue;
            }
            int delta = now.status().severity() - was.status().severity();
            Kind kind;
            if (now.status() == Status.FAIL && was.status() != Status.FAIL) {
                kind = Kind.NEW_FAIL;
            } else if (delta > 0) {
                kind = Kind.WORSE;
            } else if (was.status() == Status.FAIL && now.status() != Status.FAIL) {
                kind = Kind.FIXED;
            } else if (delta < 0) {
                kind = Kind.BETTER;
            } else if (!Objects.equals(was.checks(), now.checks())) {
                kind = Kind.EVIDENCE;
            } else {
                continue;
            }
            changes.add(new Change(kind, now.rule(), now.number(), now.targetKey(), was.status(), now.status(),
                    checkChanges(was.checks(), now.checks())));
        }
        for (var e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                History.Result was = e.getValue();
                changes.add(new Change(Kind.REMOVED, was.rule(), was.number(), was.targetKey(), was.status(), null, List.of()));
            }
        }
        changes.sort((a, b) -> a.kind() != b.kind() ? a.kind().compareTo(b.kind())
                : (a.targetKey() + " " + a.rule()).compareTo(b.targetKey() + " " + b.rule()));
        return new Diff(older.scan(), newer.scan(), changes);
    }

    /** Rule and target; a second result with the same pair (two unnamed members of one program) gets #2, #3... */
    private static Map<String, History.Result> byKey(List<History.Result> results) {
        Map<String, History.Result> out = new LinkedHashMap<>();
        for (History.Result r : results) {
            String key = r.rule() + " " + r.targetKey();
            String k = key;
            for (int n = 2; out.containsKey(k); n++) {
                k = key + " #" + n;
            }
            out.put(k, r);
        }
        return out;
    }

    /** How the checks differ: per check id, its status change, or that its message or evidence changed. */
    private static List<String> checkChanges(JsonNode was, JsonNode now) {
        Map<String, JsonNode> before = checks(was);
        Map<String, JsonNode> after = checks(now);
        List<String> out = new ArrayList<>();
        for (var e : after.entrySet()) {
            JsonNode b = before.get(e.getKey());
            JsonNode a = e.getValue();
            String id = e.getKey();
            if (b == null) {
                out.add(id + ": new check, " + a.path("status").asString() + ": " + a.path("message").asString());
            } else if (!b.path("status").equals(a.path("status"))) {
                out.add(id + ": " + b.path("status").asString() + " -> " + a.path("status").asString() + ": "
                        + a.path("message").asString());
            } else if (!b.path("message").equals(a.path("message"))) {
                out.add(id + ": " + b.path("message").asString() + " -> " + a.path("message").asString());
            } else if (!b.equals(a)) {
                out.add(id + ": evidence changed: " + a.path("message").asString());
            }
        }
        before.keySet().stream().filter(id -> !after.containsKey(id)).forEach(id -> out.add(id + ": check gone"));
        return out;
    }

    private static List<String> failing(JsonNode checks) {
        List<String> out = new ArrayList<>();
        checks(checks).forEach((id, c) -> {
            String s = c.path("status").asString();
            if (s.equals("FAIL") || s.equals("WARN") || s.equals("ERROR")) {
                out.add(id + ": " + s + ": " + c.path("message").asString());
            }
        });
        return out;
    }

    private static Map<String, JsonNode> checks(JsonNode checks) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (checks != null) {
            checks.forEach(c -> {
                String id = c.path("id").asString();
                String k = id;
                for (int n = 2; out.containsKey(k); n++) {
                    k = id + "#" + n;
                }
                out.put(k, c);
            });
        }
        return out;
    }
}
