package dev.etcdguard.etcd;

import dev.etcdguard.etcd.Invocation.Arg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a command line exactly as Go's {@code flag} package does for etcd: {@code -name},
 * {@code --name}, {@code -name=value}, {@code --name=value}, {@code -name value} (not for booleans),
 * {@code --} ends the flags, the first non-flag argument ends parsing. A repeated flag keeps its last
 * value. Problems that make etcd refuse to start are reported, not thrown.
 */
public final class GoFlagParser {

    /** One flag as given: the setting, its value (booleans normalised), and where it stood. */
    public record Occurrence(Setting setting, String value, String argument, Location location) {}

    /** The flags set on the command line (last occurrence wins) and the problems found. */
    public record Result(Map<String, Occurrence> flags, List<ConfigIssue> issues) {}

    private GoFlagParser() {}

    /** Parses {@code argv}, skipping argv[0] (the program), for an etcd of unknown version. */
    public static Result parse(List<Arg> argv) {
        return parse(argv, null);
    }

    /**
     * Parses {@code argv}, skipping argv[0] (the program), as etcd {@code version} does (as a source shows it,
     * e.g. {@code 3.5.9} or {@code v3.6.0}; null when unknown). With the version unknown a flag is unknown only
     * when no supported etcd version (3.4, 3.5, 3.6) defines it.
     */
    public static Result parse(List<Arg> argv, String version) {
        Map<String, Occurrence> flags = new LinkedHashMap<>();
        List<ConfigIssue> issues = new ArrayList<>();
        int i = 1;
        while (i < argv.size()) {
            Arg arg = argv.get(i);
            String s = arg.value();
            if (s.length() < 2 || s.charAt(0) != '-') {
                issues.add(ConfigIssue.fatal(null, "'" + s + "' is not a valid flag (Go's flag parsing stops at the first"
                        + " non-flag argument)", arg.location()));
                break;
            }
            int minuses = s.charAt(1) == '-' ? 2 : 1;
            if (minuses == 2 && s.length() == 2) {
                if (i + 1 < argv.size()) {
                    Arg next = argv.get(i + 1);
                    issues.add(ConfigIssue.fatal(null, "'" + next.value() + "' after '--' is not a valid flag",
                            next.location()));
                }
                break;
            }
            String name = s.substring(minuses);
            if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
                issues.add(ConfigIssue.fatal(null, "bad flag syntax: " + s, arg.location()));
                break;
            }
            i++;
            String value = null;
            int eq = name.indexOf('=', 1);
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Setting setting = EtcdSettings.byFlag(name);
            if (setting == null || !setting.isFlag()) {
                if (name.equals("h") || name.equals("help")) {
                    issues.add(ConfigIssue.fatal(null, "-" + name + " prints the usage and exits", arg.location()));
                    break;
                }
                issues.add(ConfigIssue.fatal(null, "flag provided but not defined: -" + name
                        + " (unknown to etcd 3.4, 3.5 and 3.6)", arg.location()));
                // Keep going as well as we can: a following non-flag word is most likely its value.
                if (value == null && i < argv.size() && !argv.get(i).value().startsWith("-")) {
                    i++;
                }
                continue;
            }
            if (!setting.existsIn(version)) {
                issues.add(ConfigIssue.fatal(name, "flag provided but not defined: -" + name + " (--" + name
                        + " exists in etcd " + setting.flagVersions().describe() + ", not in " + version + ")",
                        arg.location()));
                if (value == null && !setting.isBool() && i < argv.size()) {
                    i++;
                }
                continue;
            }
            if (setting.kind() == Setting.Kind.IGNORED) {
                issues.add(ConfigIssue.ignored(name, s + ": etcd no longer supports -" + name + " and ignores it",
                        arg.location()));
                continue;
            }
            if (setting.isBool()) {
                String normalised = value == null ? "true" : GoBool.parse(value);
                if (normalised == null) {
                    issues.add(ConfigIssue.fatal(name, "invalid boolean value \"" + value + "\" for -" + name,
                            arg.location()));
                    continue;
                }
                value = normalised;
            } else if (value == null) {
                if (i >= argv.size()) {
                    issues.add(ConfigIssue.fatal(name, "flag needs an argument: -" + name, arg.location()));
                    break;
                }
                value = argv.get(i).value();
                i++;
            }
            flags.put(name, new Occurrence(setting, value, s, arg.location()));
        }
        return new Result(flags, issues);
    }
}
