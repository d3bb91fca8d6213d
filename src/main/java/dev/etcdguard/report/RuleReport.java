package dev.etcdguard.report;

import dev.etcdguard.rules.RuleDocument;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Renders the rule catalogue ({@code rules list}) and one rule document ({@code rules explain}). */
public final class RuleReport {

    private RuleReport() {}

    public static void list(List<RuleDocument> rules, boolean json, PrintWriter out) {
        if (json) {
            JsonMapper mapper = JsonMapper.builder().build();
            ArrayNode array = mapper.createArrayNode();
            rules.forEach(r -> array.add(summary(mapper.createObjectNode(), r)));
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array));
        } else {
            int idWidth = Math.max(2, rules.stream().mapToInt(r -> r.id().length()).max().orElse(2));
            String row = "%-" + idWidth + "s  %-6s  %-8s  %-14s  %s%n";
            out.printf(row, "ID", "NUMBER", "SEVERITY", "SCOPE", "TITLE");
            for (RuleDocument r : rules) {
                out.printf(row, r.id(), r.number(), r.severity(), r.scope(), r.title());
            }
        }
        out.flush();
    }

    public static void explain(RuleDocument r, boolean json, PrintWriter out) {
        if (json) {
            JsonMapper mapper = JsonMapper.builder().build();
            ObjectNode node = summary(mapper.createObjectNode(), r);
            ArrayNode checks = node.putArray("checks");
            for (RuleDocument.CheckSpec c : r.checks()) {
                ObjectNode check = checks.addObject();
                check.put("id", c.id());
                check.put("primitive", c.primitive());
                check.put("onFail", c.onFail().name());
                ObjectNode params = check.putObject("params");
                c.params().forEach((k, v) -> {
                    if (!List.of("id", "primitive", "on-fail").contains(k)) {
                        params.set(k, mapper.valueToTree(v));
                    }
                });
            }
            ObjectNode sections = node.putObject("sections");
            r.sections().forEach(sections::put);
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            out.flush();
            return;
        }
        out.println((r.number().isBlank() ? "" : r.number() + "  ") + r.title());
        out.println("id: " + r.id() + "   severity: " + r.severity() + "   applies to: " + switch (r.appliesTo()) {
            case "multi-member" -> "clusters of more than one member";
            case RuleDocument.SOURCE -> "the scanned input (judged by the source)";
            default -> r.scope().equals("etcd") ? "every etcd member" : "every " + r.scope();
        });
        if (!r.controls().isEmpty()) {
            out.println("controls: " + String.join(", ", r.controls()));
        }
        out.println("document: " + r.source());
        if (!r.checks().isEmpty()) {
            out.println();
            out.println("Checks");
            for (RuleDocument.CheckSpec c : r.checks()) {
                out.println("  " + c.id() + " (" + c.primitive() + (c.onFail().name().equals("FAIL") ? "" : ", " + c.onFail()
                        + " when it does not hold") + ")");
            }
        }
        for (Map.Entry<String, String> section : r.sections().entrySet()) {
            out.println();
            out.println(section.getKey());
            out.println("-".repeat(section.getKey().length()));
            for (String line : section.getValue().split("\n", -1)) {
                out.println(line.isEmpty() ? "" : "  " + line);
            }
        }
        out.flush();
    }

    private static ObjectNode summary(ObjectNode node, RuleDocument r) {
        node.put("id", r.id());
        node.put("number", r.number());
        node.put("title", r.title());
        node.put("severity", r.severity());
        node.put("scope", r.scope());
        node.put("appliesTo", r.appliesTo());
        ArrayNode controls = node.putArray("controls");
        r.controls().forEach(controls::add);
        node.put("document", r.source());
        return node;
    }
}
