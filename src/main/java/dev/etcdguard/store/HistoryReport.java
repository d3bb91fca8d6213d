package dev.etcdguard.store;

import dev.etcdguard.rules.Status;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Renders history and diffs as text (a table a person reads) or JSON (for scripts). */
public final class HistoryReport {

    private static final JsonMapper MAPPER = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private HistoryReport() {}

    // ---- scans and fleet ----

    public static void scansText(String title, List<History.Scan> scans, PrintWriter out) {
        out.println(title);
        if (scans.isEmpty()) {
            out.println("  (no scans stored)");
            out.flush();
            return;
        }
        String fmt = "%6s  %-20s  %-24s  %-16s  %5s %5s %5s %5s %5s  %8s%n";
        out.printf(fmt, "ID", "STARTED (UTC)", "HOST", "CLUSTER", "PASS", "FAIL", "WARN", "N/A", "ERROR", "DURATION");
        for (History.Scan s : scans) {
            out.printf(fmt, s.id(), s.started().toString().replaceFirst("\\.\\d+Z$", "Z"), s.host(),
                    s.cluster() == null ? "-" : s.cluster(), s.count(Status.PASS), s.count(Status.FAIL),
                    s.count(Status.WARN), s.count(Status.NOT_APPLICABLE), s.count(Status.ERROR), s.duration().toMillis() + " ms");
        }
        out.flush();
    }

    public static void scansJson(String field, List<History.Scan> scans, PrintWriter out) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode arr = root.putArray(field);
        scans.forEach(s -> arr.add(scan(s)));
        print(root, out);
    }

    static ObjectNode scan(History.Scan s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", s.id());
        n.put("host", s.host());
        n.put("cluster", s.cluster());
        n.put("started", s.started().toString());
        n.put("durationMillis", s.duration().toMillis());
        n.put("toolVersion", s.toolVersion());
        ObjectNode summary = n.putObject("summary");
        for (Status st : Status.values()) {
            summary.put(st.name(), s.count(st));
        }
        ArrayNode notes = n.putArray("notes");
        s.notes().forEach(notes::add);
        return n;
    }

    // ---- a rule's or target's status over time ----

    public static void pointsText(String title, List<History.Point> points, PrintWriter out) {
        out.println(title);
        if (points.isEmpty()) {
            out.println("  (no results stored for it)");
            out.flush();
            return;
        }
        String fmt = "%6s  %-20s  %-6s  %-24s  %-14s  %s%s%n";
        out.printf(fmt, "SCAN", "STARTED (UTC)", "NUMBER", "RULE", "STATUS", "TARGET", "");
        Map<String, Status> last = new HashMap<>();
        for (History.Point p : points) {
            Status previous = last.put(p.rule() + " " + p.targetKey(), p.status());
            String mark = previous == null || previous == p.status() ? ""
                    : "   (was " + previous + (p.status().severity() > previous.severity() ? ": worse)" : ": better)");
            out.printf(fmt, p.scanId(), p.started().toString().replaceFirst("\\.\\d+Z$", "Z"),
                    p.number() == null ? "-" : p.number(), p.rule(), p.status(), p.targetKey(), mark);
        }
        out.flush();
    }

    public static void pointsJson(List<History.Point> points, PrintWriter out) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode arr = root.putArray("points");
        for (History.Point p : points) {
            ObjectNode n = arr.addObject();
            n.put("scan", p.scanId());
            n.put("started", p.started().toString());
            n.put("host", p.host());
            n.put("cluster", p.cluster());
            n.put("rule", p.rule());
            n.put("number", p.number());
            n.put("target", p.targetKey());
            n.put("status", p.status().name());
        }
        print(root, out);
    }

    // ---- diff ----

    public static void diffText(Diff d, PrintWriter out) {
        out.println("scan " + d.older().id() + " (" + d.older().started() + ", " + d.older().host() + ") -> scan "
                + d.newer().id() + " (" + d.newer().started() + ", " + d.newer().host() + ")");
        if (d.changes().isEmpty()) {
            out.println("  no change");
        }
        for (Diff.Change c : d.changes()) {
            out.printf("  %-9s %-5s %-24s %s  %s -> %s%n", label(c.kind()), c.number() == null ? "-" : c.number(),
                    c.rule(), c.targetKey(), c.before() == null ? "(none)" : c.before(), c.after() == null ? "(none)" : c.after());
            c.details().forEach(line -> out.println("              " + line));
        }
        out.println("summary: " + d.count(Diff.Kind.NEW_FAIL) + " new FAIL, " + d.count(Diff.Kind.WORSE) + " worse, "
                + d.count(Diff.Kind.FIXED) + " fixed, " + d.count(Diff.Kind.BETTER) + " better, "
                + d.count(Diff.Kind.EVIDENCE) + " changed evidence, " + d.count(Diff.Kind.ADDED) + " added, "
                + d.count(Diff.Kind.REMOVED) + " removed" + (d.worse() ? " -- WORSE" : ""));
        out.flush();
    }

    public static void diffJson(Diff d, PrintWriter out) {
        ObjectNode root = MAPPER.createObjectNode();
        root.set("old", scan(d.older()));
        root.set("new", scan(d.newer()));
        root.put("worse", d.worse());
        ObjectNode summary = root.putObject("summary");
        for (Diff.Kind k : Diff.Kind.values()) {
            summary.put(k.name(), d.count(k));
        }
        ArrayNode arr = root.putArray("changes");
        for (Diff.Change c : d.changes()) {
            ObjectNode n = arr.addObject();
            n.put("kind", c.kind().name());
            n.put("rule", c.rule());
            n.put("number", c.number());
            n.put("target", c.targetKey());
            n.put("before", c.before() == null ? null : c.before().name());
            n.put("after", c.after() == null ? null : c.after().name());
            ArrayNode details = n.putArray("details");
            c.details().forEach(details::add);
        }
        print(root, out);
    }

    private static String label(Diff.Kind k) {
        return switch (k) {
            case NEW_FAIL -> "NEW FAIL";
            case WORSE -> "WORSE";
            case FIXED -> "FIXED";
            case BETTER -> "BETTER";
            case EVIDENCE -> "EVIDENCE";
            case ADDED -> "ADDED";
            case REMOVED -> "REMOVED";
        };
    }

    private static void print(ObjectNode root, PrintWriter out) {
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, root);
        out.println();
        out.flush();
    }
}
