package dev.etcdguard.report;

import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.io.PrintWriter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON report: a public contract (see docs/json-report.md); keep it stable and extend it only by
 * adding fields.
 */
public final class JsonReport {

    public static final String VERSION = "0.1.0";

    private final JsonMapper mapper = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    /** Streams the report: one result's tree at a time, so memory does not hold the whole document. */
    public void render(ScanReport report, PrintWriter out) {
        try (JsonGenerator g = mapper.writerWithDefaultPrettyPrinter().createGenerator(out)) {
            g.writeStartObject();
            g.writeName("tool");
            g.writeTree(mapper.createObjectNode().put("name", "etcdguard").put("version", VERSION));
            g.writeName("results");
            g.writeStartArray();
            for (Result r : report.results()) {
                g.writeTree(result(r));
            }
            g.writeEndArray();
            ObjectNode summary = mapper.createObjectNode();
            report.summary().forEach((status, count) -> summary.put(status.name(), count));
            g.writeName("summary");
            g.writeTree(summary);
            ArrayNode notes = mapper.createArrayNode();
            report.notes().forEach(notes::add);
            g.writeName("notes");
            g.writeTree(notes);
            g.writeEndObject();
        }
        out.println();
        out.flush();
    }

    /** One result as the report's {@code results} array holds it (the history store keeps its checks and target). */
    public ObjectNode result(Result r) {
        ObjectNode node = mapper.createObjectNode();
        node.put("rule", r.rule().id());
        node.put("number", r.rule().number());
        node.put("title", r.rule().title());
        node.put("severity", r.rule().severity());
        node.put("scope", r.rule().scope());
        ArrayNode controls = node.putArray("controls");
        r.rule().controls().forEach(controls::add);
        node.put("status", r.status().name());
        node.set("target", target(node.objectNode(), r.target()));
        ArrayNode checks = node.putArray("checks");
        for (CheckResult c : r.checks()) {
            ObjectNode check = checks.addObject();
            check.put("id", c.id());
            check.put("status", c.status().name());
            check.put("message", c.message());
            ArrayNode evidence = check.putArray("evidence");
            c.evidence().forEach(e -> evidence.add(evidence(e)));
        }
        node.put("remediation", r.status() == Status.FAIL || r.status() == Status.WARN ? r.rule().remediation() : "");
        node.put("document", r.rule().source());
        return node;
    }

    /** The target as the JSON report shows it (the SARIF report's result properties reuse it). */
    static ObjectNode target(ObjectNode node, Target target) {
        switch (target) {
            case Target.Process p -> {
                node.put("kind", "process");
                node.put("pid", p.pid());
                node.put("exe", p.exe());
                node.put("member", p.member());
            }
            case Target.Manifest m -> {
                node.put("kind", "manifest");
                node.put("file", m.file());
                node.put("document", m.document());
                node.put("line", m.line());
                node.put("column", m.column());
                node.put("resource", m.resource());
                node.put("container", m.container());
                node.put("member", m.member());
            }
            case Target.Endpoint e -> {
                node.put("kind", "endpoint");
                node.put("url", e.url());
                node.put("member", e.member());
            }
        }
        return node;
    }

    private ObjectNode evidence(Evidence e) {
        ObjectNode node = mapper.createObjectNode();
        switch (e) {
            case Evidence.Setting s -> {
                Resolved r = s.resolved();
                node.put("setting", r.name());
                node.put("value", r.value());
                node.put("source", r.provenance().source());
                node.put("at", r.provenance().at());
                location(node, r.provenance().location());
            }
            case Evidence.File f -> {
                node.put("file", f.path());
                node.put("facts", f.facts());
            }
            case Evidence.Wire w -> {
                node.put("endpoint", w.endpoint());
                node.put("facts", w.facts());
            }
            case Evidence.Issue i -> {
                node.put("issue", i.issue().message());
                node.put("fatal", i.issue().fatal());
                if (i.issue().setting() != null) {
                    node.put("setting", i.issue().setting());
                }
                if (i.issue().location() != null) {
                    node.put("at", i.issue().location().label());
                    location(node, i.issue().location());
                }
            }
        }
        return node;
    }

    private static void location(ObjectNode node, Location location) {
        if (location != null && location.file() != null && location.line() > 0) {
            node.put("file", location.file());
            node.put("line", location.line());
            node.put("column", location.column());
        }
    }
}
