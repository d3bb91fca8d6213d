package dev.etcdguard.etcd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads an etcd {@code --config-file} the way etcd does (YAML turned into JSON, then matched against
 * etcd's keys, case-insensitively like Go's encoding/json), keeping the line of every value.
 */
final class ConfigFileReader {

    /** Settings read from the file, and what etcd would ignore or reject in it. */
    record Parsed(Map<String, Resolved> values, List<ConfigIssue> issues) {}

    private static final Map<String, Setting> BY_KEY = new HashMap<>();
    /** Keys whose value is a Go {@code []string} in etcd's config-file structs (3.4 embed.Config; 3.5 allowed-*). */
    private static final java.util.Set<String> SEQUENCE_KEYS = java.util.Set.of("log-outputs", "cipher-suites",
            "peer-transport-security.allowed-cn", "peer-transport-security.allowed-hostname");

    static {
        for (Setting s : EtcdSettings.all()) {
            if (s.configKey() != null) {
                BY_KEY.put(s.configKey().toLowerCase(Locale.ROOT), s);
            }
        }
    }

    private ConfigFileReader() {}

    /**
     * Parses the file's text.
     *
     * @param file   the path as etcd names it, used in locations
     * @param origin where the text itself stands when it is embedded in another file (a ConfigMap value:
     *               locations then point into that file), or null
     * @throws IllegalArgumentException with a one-line reason when the text is not a YAML mapping
     */
    static Parsed parse(String file, String text, Location origin) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(50)
                .setCodePointLimit(4 * 1024 * 1024)
                .build();
        Node root;
        try {
            root = new Compose(settings).composeString(text).orElse(null);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException("not valid YAML: " + firstLine(e.getMessage()));
        }
        Map<String, Resolved> values = new LinkedHashMap<>();
        List<ConfigIssue> issues = new ArrayList<>();
        if (root == null) {
            return new Parsed(values, issues);
        }
        if (!(root instanceof MappingNode map)) {
            throw new IllegalArgumentException("not a YAML mapping of etcd settings");
        }
        readMapping(new Where(file, origin), map, "", values, issues);
        return new Parsed(values, issues);
    }

    private static void readMapping(Where file, MappingNode map, String prefix,
                                    Map<String, Resolved> values, List<ConfigIssue> issues) {
        for (NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                issues.add(ConfigIssue.ignored(null, "non-scalar key ignored", location(file, tuple.getKeyNode())));
                continue;
            }
            String key = prefix + keyNode.getValue();
            Node valueNode = tuple.getValueNode();
            if (prefix.isEmpty() && (key.equalsIgnoreCase("peer-transport-security")
                    || key.equalsIgnoreCase("client-transport-security")
                    || key.equalsIgnoreCase("socket-options"))) { // 3.5: embed.Config SocketOpts (k3s writes it)
                if (valueNode instanceof MappingNode inner) {
                    readMapping(file, inner, key.toLowerCase(Locale.ROOT) + ".", values, issues);
                } else if (!isNull(valueNode)) {
                    issues.add(ConfigIssue.fatal(null, key + " must be a mapping", location(file, valueNode)));
                }
                continue;
            }
            Setting setting = BY_KEY.get(key.toLowerCase(Locale.ROOT));
            if (setting == null) {
                Setting misplaced = EtcdSettings.byFlag(key);
                issues.add(ConfigIssue.ignored(misplaced == null ? null : misplaced.flag(), unknownKeyMessage(key),
                        location(file, keyNode)));
                continue;
            }
            if (isNull(valueNode)) {
                continue;
            }
            if (valueNode instanceof SequenceNode seq && SEQUENCE_KEYS.contains(key.toLowerCase(Locale.ROOT))
                    && seq.getValue().stream().allMatch(n -> n instanceof ScalarNode)) {
                // a Go []string in etcd's config struct: a YAML sequence (log-outputs: [stderr], as k3s writes it)
                String joined = String.join(",", seq.getValue().stream().map(n -> ((ScalarNode) n).getValue()).toList());
                values.put(setting.flag(), new Resolved(setting, joined,
                        new Provenance.ConfigFile(key, location(file, valueNode))));
                continue;
            }
            if (!(valueNode instanceof ScalarNode scalar)) {
                issues.add(ConfigIssue.fatal(setting.flag(), key + " must be a single value"
                        + (setting.kind() == Setting.Kind.URLS ? " (a comma-separated string of URLs)" : ""),
                        location(file, valueNode)));
                continue;
            }
            String value = scalar.getValue();
            if (setting.isBool()) {
                value = yamlBool(scalar);
                if (value == null) {
                    issues.add(ConfigIssue.fatal(setting.flag(), key + " must be true or false, not \"" + scalar.getValue() + "\"",
                            location(file, valueNode)));
                    continue;
                }
            }
            Location at = location(file, valueNode);
            values.put(setting.flag(), new Resolved(setting, value, new Provenance.ConfigFile(key, at)));
        }
    }

    /** YAML 1.1 booleans as etcd's YAML library reads them; quoted text is not a boolean. */
    private static String yamlBool(ScalarNode scalar) {
        if (scalar.getScalarStyle() != ScalarStyle.PLAIN) {
            return null;
        }
        return switch (scalar.getValue()) {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y" -> "true";
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N" -> "false";
            default -> null;
        };
    }

    private static String unknownKeyMessage(String key) {
        Setting flag = EtcdSettings.byFlag(key);
        if (flag != null && flag.configKey() != null) {
            return "key '" + key + "' is ignored by etcd: in a config file this setting is '" + flag.configKey() + "'";
        }
        return "key '" + key + "' is not an etcd config-file setting and is ignored";
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN
                && (s.getValue().isEmpty() || s.getValue().equals("null") || s.getValue().equals("~"));
    }

    /** Where the text is: the config file itself, or a value embedded in another file. */
    private record Where(String file, Location origin) {}

    private static Location location(Where where, Node node) {
        int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        int column = node.getStartMark().map(m -> m.getColumn() + 1).orElse(0);
        if (where.origin() == null) {
            return Location.fileLine(where.file(), line, column);
        }
        // A block scalar's text starts on the line after its indicator; its columns are shifted by the indentation.
        Location o = where.origin();
        return new Location(o.file() + ":" + (o.line() + line) + " (" + where.file() + " line " + line + ")",
                o.file(), o.line() + line, column);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "parse error";
        }
        return message.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
