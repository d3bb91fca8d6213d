package dev.etcdguard.etcd;

import dev.etcdguard.etcd.Invocation.Arg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a kube-apiserver command line as spf13/pflag does with Kubernetes' word-separator normalisation:
 * {@code --name=value}, {@code --name value} (not for booleans), {@code --name} for a boolean,
 * {@code _} and {@code -} alike in names, {@code --} ends the flags. A repeated string flag keeps its last
 * value; a repeated list flag ({@code --etcd-servers}) accumulates. Problems that stop kube-apiserver are
 * reported, not thrown: a single-dash long flag (pflag reads {@code -etcd-servers} as shorthands) and a
 * positional argument.
 */
public final class PflagParser {

    private PflagParser() {}

    /** Parses {@code argv}, skipping argv[0] (the program); only flags of {@link ApiServerSettings} are kept. */
    public static GoFlagParser.Result parse(List<Arg> argv) {
        Map<String, GoFlagParser.Occurrence> flags = new LinkedHashMap<>();
        List<ConfigIssue> issues = new ArrayList<>();
        int i = 1;
        while (i < argv.size()) {
            Arg arg = argv.get(i++);
            String s = arg.value();
            if (s.equals("--")) {
                if (i < argv.size()) {
                    issues.add(positional(argv.get(i)));
                }
                break;
            }
            if (s.isEmpty()) {
                continue; // kube-apiserver ignores empty arguments
            }
            if (!s.startsWith("-") || s.equals("-")) {
                issues.add(positional(arg));
                continue;
            }
            if (!s.startsWith("--")) {
                if (s.equals("-v")) {
                    if (i++ >= argv.size()) { // -v LEVEL, klog's verbosity: kube-apiserver's one shorthand with a value
                        issues.add(ConfigIssue.fatal(null, "flag needs an argument: -v", arg.location()));
                    }
                } else if (s.equals("-h")) {
                    issues.add(ConfigIssue.fatal(null, "-h prints the usage and exits", arg.location()));
                } else if (!s.matches("-v=?\\d+")) {
                    String meant = s.substring(1, s.contains("=") ? s.indexOf('=') : s.length()).replace('_', '-');
                    issues.add(ConfigIssue.fatal(ApiServerSettings.byFlag(meant) == null ? null : meant, "'" + s
                            + "': pflag reads a single dash as shorthand flags, and kube-apiserver refuses it (write -"
                            + s + ")", arg.location()));
                }
                continue;
            }
            String name = s.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            name = name.replace('_', '-');
            Setting setting = ApiServerSettings.byFlag(name);
            if (setting == null) {
                // a flag etcdguard does not read: a following non-flag word is its value (kube-apiserver takes
                // no positional arguments, so a running one has none)
                if (value == null && i < argv.size() && !argv.get(i).value().startsWith("-")) {
                    i++;
                }
                continue;
            }
            if (setting.isBool()) {
                String normalised = value == null ? "true" : GoBool.parse(value);
                if (normalised == null) {
                    issues.add(ConfigIssue.fatal(name, "invalid boolean value \"" + value + "\" for --" + name,
                            arg.location()));
                    continue;
                }
                value = normalised;
            } else if (value == null) {
                if (i >= argv.size()) {
                    issues.add(ConfigIssue.fatal(name, "flag needs an argument: --" + name, arg.location()));
                    break;
                }
                value = argv.get(i++).value();
            }
            GoFlagParser.Occurrence before = flags.get(name);
            if (before != null && setting.kind() == Setting.Kind.LIST) {
                // pflag's string slices: the first occurrence replaces the default, later ones append
                value = before.value().isEmpty() ? value : value.isEmpty() ? before.value() : before.value() + "," + value;
            }
            flags.put(name, new GoFlagParser.Occurrence(setting, value, s, arg.location()));
        }
        return new GoFlagParser.Result(flags, issues);
    }

    private static ConfigIssue positional(Arg arg) {
        return ConfigIssue.fatal(null, "'" + arg.value() + "' is a positional argument: kube-apiserver takes none and"
                + " refuses to start", arg.location());
    }
}
