package dev.etcdguard.rules;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
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
                rules.add(parse("builtin:rules/" + name.strip(), resource(name.strip())));
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
     * The built-in rules, plus a user's own documents ({@code *.md} in {@code userDir}, validated: every
     * problem of every document is reported at once), numbered as the CIS benchmark version
     * {@code benchmark} ({@code cis-1.5.1}, ...) numbers them.
     *
     * @param userDir null for the built-in rules only
     * @throws IllegalArgumentException listing what is wrong (a document, an id used twice, an unknown benchmark)
     */
    public static List<RuleDocument> load(Path userDir, String benchmark) {
        List<RuleDocument> rules = new ArrayList<>(builtIn());
        List<String> errors = new ArrayList<>();
        if (userDir != null) {
            List<Path> files;
            try (Stream<Path> list = Files.list(userDir)) {
                files = list.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read rules directory " + userDir + ": " + IoErrors.reason(e));
            }
            if (files.isEmpty()) {
                errors.add(userDir + ": no rule documents (*.md)");
            }
            Set<String> ids = new HashSet<>();
            rules.forEach(r -> ids.add(r.id()));
            for (Path file : files) {
                try {
                    RuleDocument rule = parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
                    if (!ids.add(rule.id())) {
                        errors.add(file + ": rule id '" + rule.id() + "' is already used by another rule");
                    } else {
                        rules.add(rule);
                    }
                } catch (IllegalArgumentException e) {
                    errors.add(e.getMessage());
                } catch (IOException e) {
                    errors.add(file + ": " + IoErrors.reason(e));
                }
            }
        }
        Set<String> known = benchmarks(rules);
        if (!known.contains(benchmark)) {
            errors.add("unknown benchmark '" + benchmark + "' (known: " + String.join(", ", known) + ")");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", errors));
        }
        return rules.stream().map(r -> r.forBenchmark(benchmark)).toList();
    }

    /**
     * CIS Kubernetes Benchmark releases, newest first. The numbers are not chronological: the v1.20,
     * v1.23 and v1.24 benchmarks (named after Kubernetes releases) came before v1.7.
     */
    private static final List<String> CHRONOLOGY = List.of("cis-1.12", "cis-1.11", "cis-1.10", "cis-1.9", "cis-1.8",
            "cis-1.7", "cis-1.24", "cis-1.23", "cis-1.20", "cis-1.6", "cis-1.5.1", "cis-1.4.1", "cis-1.3.0");

    /** The CIS benchmark versions the rules' controls name, as {@code cis-VERSION}, newest first. */
    public static Set<String> benchmarks(List<RuleDocument> rules) {
        Set<String> named = new HashSet<>();
        for (RuleDocument r : rules) {
            named.addAll(benchmarksOf(r.controls()));
        }
        Set<String> ordered = new java.util.LinkedHashSet<>();
        CHRONOLOGY.stream().filter(named::contains).forEach(ordered::add);
        named.stream().sorted().forEach(ordered::add); // versions only a user's rules name
        return ordered;
    }

    /** The CIS benchmark versions a list of controls names, as {@code cis-VERSION}. */
    private static Set<String> benchmarksOf(List<String> controls) {
        Set<String> named = new HashSet<>();
        for (String c : controls) {
            if (c.startsWith("cis-kubernetes-") && c.indexOf(':') > 0) {
                named.add("cis-" + c.substring("cis-kubernetes-".length(), c.indexOf(':')));
            }
        }
        return named;
    }

    /**
     * Parses one document.
     *
     * @param name where it comes from: shown in errors and kept as the rule's source
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
        String scope = String.valueOf(front.getOrDefault("scope", "etcd"));
        Component component = Component.ofProgram(scope);
        if (component == null) {
            throw new IllegalArgumentException(name + ": scope must be etcd or kube-apiserver, not '" + scope + "'");
        }
        String appliesTo = String.valueOf(front.getOrDefault("applies-to", "any-member"));
        Set<String> applicable = component == Component.ETCD ? Set.of("any-member", "multi-member", RuleDocument.SOURCE)
                : Set.of("any-member");
        if (!applicable.contains(appliesTo)) {
            throw new IllegalArgumentException(name + ": applies-to must be " + String.join(", ", new TreeSet<>(applicable))
                    + " for scope " + scope + ", not '" + appliesTo + "'");
        }
        String severity = String.valueOf(front.getOrDefault("severity", "medium"));
        if (!Set.of("info", "low", "medium", "high", "critical").contains(severity)) {
            throw new IllegalArgumentException(name + ": severity must be info, low, medium, high or critical, not '"
                    + severity + "'");
        }
        // A rule judged by a source about its input (applies-to: source) composes no member checks.
        List<String> controls = strings(front.get("controls"));
        Set<String> benchmarks = new java.util.LinkedHashSet<>(CHRONOLOGY);
        benchmarks.addAll(benchmarksOf(controls));
        List<CheckSpec> checks = appliesTo.equals(RuleDocument.SOURCE) && front.get("check") == null
                ? List.of() : checks(name, component, front.get("check"), benchmarks);
        Map<String, String> titles = new LinkedHashMap<>();
        String title;
        if (front.get("title") instanceof Map<?, ?> m) {
            ByBenchmark variants = byBenchmark(name, "title", stringKeys(m), benchmarks);
            title = String.valueOf(variants.defaultValue());
            variants.values().forEach((b, t) -> titles.put(b, String.valueOf(t)));
        } else {
            title = required(name, front, "title");
        }
        return new RuleDocument(id, String.valueOf(front.getOrDefault("number", "")), title, severity, scope, controls,
                appliesTo, checks, sections(normalized.substring(end + 5)), name, titles);
    }

    /**
     * A value written per benchmark version, {@code {default: V, cis-1.23: W, ...}}: a default, and only benchmark
     * versions etcdguard knows or the document's controls name.
     */
    private static ByBenchmark byBenchmark(String name, String what, Map<String, Object> m, Set<String> benchmarks) {
        if (!m.containsKey(ByBenchmark.DEFAULT) || m.get(ByBenchmark.DEFAULT) == null) {
            throw new IllegalArgumentException(name + ": " + what + " varies by benchmark but has no 'default'"
                    + " (write {default: VALUE, cis-1.23: VALUE, ...})");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (e.getKey().equals(ByBenchmark.DEFAULT)) {
                continue;
            }
            if (!benchmarks.contains(e.getKey())) {
                throw new IllegalArgumentException(name + ": " + what + " names benchmark '" + e.getKey()
                        + "', which is not a known benchmark (known: " + String.join(", ", benchmarks) + ")");
            }
            if (e.getValue() == null || e.getValue() instanceof Map<?, ?>) {
                throw new IllegalArgumentException(name + ": " + what + " for " + e.getKey() + " must be a value");
            }
            values.put(e.getKey(), e.getValue());
        }
        return new ByBenchmark(m.get(ByBenchmark.DEFAULT), values);
    }

    private static List<CheckSpec> checks(String name, Component component, Object value, Set<String> benchmarks) {
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
            // a mapping-valued parameter varies by benchmark version: validate every value it can take
            List<String> variants = new ArrayList<>(List.of(ByBenchmark.DEFAULT));
            for (Map.Entry<String, Object> e : params.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> perBenchmark) {
                    ByBenchmark b = byBenchmark(name, "check " + id + " parameter " + e.getKey(), stringKeys(perBenchmark),
                            benchmarks);
                    e.setValue(b);
                    variants.addAll(b.values().keySet());
                }
            }
            for (String variant : variants) {
                Map<String, Object> chosen = new LinkedHashMap<>();
                params.forEach((k, v) -> chosen.put(k, v instanceof ByBenchmark b
                        ? (variant.equals(ByBenchmark.DEFAULT) ? b.defaultValue() : b.forBenchmark(variant)) : v));
                validateParams(name, component, id, chosen);
            }
            checks.add(new CheckSpec(id, primitive, params, onFail));
        }
        return checks;
    }

    /**
     * Settings a check names must be settings of the rule's program; a TLS check names one of its profiles.
     * Never substring matching.
     */
    private static void validateParams(String name, Component component, String id, Map<String, Object> params) {
        for (String key : List.of("setting", "settings", "urls")) {
            Object v = params.get(key);
            List<?> values = v instanceof List<?> l ? l : v == null ? List.of() : List.of(v);
            for (Object value : values) {
                String setting = String.valueOf(value);
                if (!setting.equals("initial-cluster:self") && component.setting(setting) == null) {
                    throw new IllegalArgumentException(name + ": check " + id + " names '" + setting
                            + "', which is not " + (component == Component.ETCD ? "an etcd setting"
                            : "a kube-apiserver setting etcdguard reads"));
                }
            }
        }
        if (Set.of("path-mode", "path-owner").contains(String.valueOf(params.get("primitive")))
                && (params.containsKey("setting") == params.containsKey("file")
                    || params.containsKey("file") && !PathChecks.POD_SPEC.equals(String.valueOf(params.get("file"))))) {
            throw new IllegalArgumentException(name + ": check " + id + " names the entry to check by 'setting: NAME' or by"
                    + " 'file: " + PathChecks.POD_SPEC + "' (the static-pod file that runs the program), one of them");
        }
        if (String.valueOf(params.get("primitive")).equals("path-mode")) {
            try {
                Integer.parseInt(String.valueOf(params.get("max-mode")), 8);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": check " + id + " needs max-mode in octal, e.g. \"0700\"");
            }
        }
        Object tls = params.get("tls");
        String profiles = TlsProfile.names(component);
        if (tls != null && (TlsProfile.find(String.valueOf(tls)) == null
                || TlsProfile.find(String.valueOf(tls)).component != component)) {
            throw new IllegalArgumentException(name + ": check " + id + " has tls '" + tls + "' (use " + profiles + ")");
        }
        String primitive = String.valueOf(params.get("primitive"));
        if ((primitive.startsWith("tls-") || primitive.equals("auto-tls-not-in-effect") || primitive.equals("cert-auth-effective"))
                && tls == null) {
            throw new IllegalArgumentException(name + ": check " + id + " (" + primitive + ") needs " + profiles);
        }
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
