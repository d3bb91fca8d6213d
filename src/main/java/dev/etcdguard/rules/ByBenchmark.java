package dev.etcdguard.rules;

import java.util.Map;

/**
 * A rule-document value that differs between CIS benchmark versions, written as a mapping:
 * {@code max-mode: {default: "0600", cis-1.23: "0644"}}. {@code --benchmark} chooses the value; a benchmark
 * the mapping does not name takes {@code default}.
 *
 * @param defaultValue the value for every benchmark not named
 * @param values       benchmark ({@code cis-1.23}) to value
 */
public record ByBenchmark(Object defaultValue, Map<String, Object> values) {

    public static final String DEFAULT = "default";

    public ByBenchmark {
        values = Map.copyOf(values);
    }

    /** The value for a benchmark ({@code cis-1.23}), or the default. */
    public Object forBenchmark(String benchmark) {
        return values.getOrDefault(benchmark, defaultValue);
    }

    /** A value as written (a mapping with {@code default}) resolved, or the value itself when it does not vary. */
    static Object resolve(Object value, String benchmark) {
        return value instanceof ByBenchmark b ? b.forBenchmark(benchmark) : value;
    }
}
