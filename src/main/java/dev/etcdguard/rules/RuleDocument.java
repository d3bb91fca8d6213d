package dev.etcdguard.rules;

import java.util.List;
import java.util.Map;

/**
 * A rule as a document: front matter (identity, controls, applicability, checks) and the Markdown
 * sections (Description, Rationale, Audit, Remediation, Impact, Default value, References).
 *
 * @param number     the benchmark number shown in reports (CIS numbering), e.g. {@code 2.4}
 * @param scope      the program the rule judges: {@code etcd} or {@code kube-apiserver}
 * @param controls   every framework mapping, e.g. {@code cis-kubernetes-1.5.1:2.4}
 * @param appliesTo  {@code any-member} (every etcd member, or every kube-apiserver); {@code multi-member}
 *                   (etcd only: not applicable to a lone member); or
 *                   {@code source} (judged from what a source found about its input, not per member)
 * @param sections   section title to Markdown text, in document order
 * @param source     where the document was loaded from ({@code builtin:rules/NAME.md}, or a file path)
 * @param titles     the title of benchmark versions whose control is worded otherwise ({@code cis-1.23} to title);
 *                   {@code title} is the default
 */
public record RuleDocument(String id, String number, String title, String severity, String scope, List<String> controls,
                           String appliesTo, List<CheckSpec> checks, Map<String, String> sections, String source,
                           Map<String, String> titles) {

    public RuleDocument {
        titles = titles == null ? Map.of() : Map.copyOf(titles);
    }

    /** A rule whose title does not vary by benchmark. */
    public RuleDocument(String id, String number, String title, String severity, String scope, List<String> controls,
                        String appliesTo, List<CheckSpec> checks, Map<String, String> sections, String source) {
        this(id, number, title, severity, scope, controls, appliesTo, checks, sections, source, Map.of());
    }

    public static final String SOURCE = "source";

    /** The CIS benchmark whose numbering is shown by default: the newest. */
    public static final String DEFAULT_BENCHMARK = "cis-1.12";

    /**
     * This rule as a CIS benchmark version ({@code cis-1.5.1}) words it: that version's control number (unchanged
     * when the rule has no control in that version), its title, and the check parameters that version asks for
     * (a parameter written as {@code {default: ..., cis-1.23: ...}}).
     */
    public RuleDocument forBenchmark(String benchmark) {
        String prefix = "cis-kubernetes-" + benchmark.substring("cis-".length()) + ":";
        String shown = controls.stream().filter(c -> c.startsWith(prefix)).findFirst()
                .map(c -> c.substring(prefix.length())).orElse(number);
        List<CheckSpec> chosen = checks.stream().map(c -> c.forBenchmark(benchmark)).toList();
        return new RuleDocument(id, shown, titles.getOrDefault(benchmark, title), severity, scope, controls, appliesTo,
                chosen, sections, source, Map.of());
    }

    /** The text of the Remediation section, or an empty string. */
    public String remediation() {
        return sections.getOrDefault("Remediation", "");
    }

    /** One sub-check: which primitive to run, with which parameters, and what a failure means. */
    public record CheckSpec(String id, String primitive, Map<String, Object> params, Status onFail) {

        /** This check with every per-benchmark parameter resolved for {@code benchmark}. */
        public CheckSpec forBenchmark(String benchmark) {
            if (params.values().stream().noneMatch(v -> v instanceof ByBenchmark)) {
                return this;
            }
            Map<String, Object> chosen = new java.util.LinkedHashMap<>();
            params.forEach((k, v) -> chosen.put(k, ByBenchmark.resolve(v, benchmark)));
            return new CheckSpec(id, primitive, chosen, onFail);
        }

        /** A parameter's value; a per-benchmark one not yet resolved gives its default. */
        private Object value(String name) {
            Object v = params.get(name);
            return v instanceof ByBenchmark b ? b.defaultValue() : v;
        }

        /** A list parameter as strings (empty when absent). */
        public List<String> list(String name) {
            Object v = value(name);
            if (v instanceof List<?> l) {
                return l.stream().map(String::valueOf).toList();
            }
            return v == null ? List.of() : List.of(String.valueOf(v));
        }

        public String string(String name) {
            Object v = value(name);
            return v == null ? null : String.valueOf(v);
        }
    }
}
