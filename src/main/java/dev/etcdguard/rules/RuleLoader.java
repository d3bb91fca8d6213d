package dev.etcdguard.rules;

import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/** Reads rule documents: YAML front matter between {@code ---} lines, then Markdown sections. */
public final class RuleLoader {

    private RuleLoader() {}

    /** The rules that ship with etcdguard, listed in {@code rules/index.txt}. */
    public static List<RuleDocument> builtIn() {
        List<RuleDocument> rules = new ArrayList<>();
        for (String name : resource("index.txt").split("\n")) {
            if (!name.isBlank()) {
                rules.add(parse(name.strip(), resource(name.strip())));
            }
        }
        return rules;
    }

    private static String resource(String name) {
        try (InputStream in = RuleLoader.class.getResourceAsStream("/rules/" + name)) {
            if (in == null) {
                throw new IllegalStateException("rule resource missing from the jar: rules/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read rules/" + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses one document.
     *
     * @throws IllegalArgumentException naming the document and what is wrong with it
     */
    public static RuleDocument parse(String name, String text) {
        String normalized = text.replace("\r\n", "\n");
        if (!normalized.startsWith("---\n")) {
            throw new IllegalArgumentException(name + ": a rule document starts with '---' and YAML front matter");
        }
        int end = normalized.indexOf("\n---\n", 3);
        if (end < 0) {
            throw new IllegalArgumentException(name + ": front matter is not closed by a '---' line");
        }
        Map<String, Object> front;
        try {
            Object loaded = new Load(LoadSettings.builder().setLabel(name).build())
                    .loadFromString(normalized.substring(4, end));
            if (!(loaded instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(name + ": front matter must be a YAML mapping");
            }
            front = stringKeys(m);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(name + ": front matter is not valid YAML: " + e.getMessage());
        }
        String id = required(name, front, "id");
        String appliesTo = String.valueOf(front.getOrDefault("applies-to", "any-member"));
        // A rule judged by a source about its input (applies-to: source) composes no member checks.
        List<CheckSpec> checks = appliesTo.equals(RuleDocument.SOURCE) && front.get("check") == null
                ? List.of() : checks(name, front.get("check"));
        return new RuleDocument(id, String.valueOf(front.getOrDefault("number", "")), required(name, front, "title"),
                String.valueOf(front.getOrDefault("severity", "medium")), strings(front.get("controls")),
                appliesTo, checks,
                sections(normalized.substring(end + 5)));
    }

    private static List<CheckSpec> checks(String name, Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(name + ": 'check' must be a non-empty list of checks");
        }
        List<CheckSpec> checks = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(name + ": each check is a mapping with id and primitive");
            }
            Map<String, Object> params = stringKeys(m);
            String id = required(name, params, "id");
            String primitive = required(name, params, "primitive");
            if (!Primitives.exists(primitive)) {
                throw new IllegalArgumentException(name + ": check " + id + " uses unknown primitive '" + primitive
                        + "' (known: " + String.join(", ", Primitives.names()) + ")");
            }
            Status onFail;
            try {
                onFail = Status.valueOf(String.valueOf(params.getOrDefault("on-fail", "FAIL")).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": check " + id + " has an unknown on-fail status");
            }
            checks.add(new CheckSpec(id, primitive, params, onFail));
        }
        return checks;
    }

    private static Map<String, String> sections(String body) {
        Map<String, String> sections = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            if (line.startsWith("## ")) {
                if (current != null) {
                    sections.put(current, text.toString().strip());
                }
                current = line.substring(3).strip();
                text.setLength(0);
            } else if (current != null) {
                text.append(line).append('\n');
            }
        }
        if (current != null) {
            sections.put(current, text.toString().strip());
        }
        return sections;
    }

    private static String required(String name, Map<String, Object> map, String key) {
        Object v = map.get(key);
        if (v == null || String.valueOf(v).isBlank()) {
            throw new IllegalArgumentException(name + ": '" + key + "' is required");
        }
        return String.valueOf(v);
    }

    private static List<String> strings(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
