package dev.etcdguard.etcd;

import dev.etcdguard.etcd.Setting.FileType.Yaml;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
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
 * Reads an etcd {@code --config-file} the way etcd does, keeping the line of every value. etcd (3.4 to 3.6) reads
 * it with {@code sigs.k8s.io/yaml}: YAML (1.1, go-yaml v2) turned into JSON, then Go's encoding/json into etcd's
 * typed fields, keys matched case-insensitively; unknown keys are ignored. Because those fields sit in embedded
 * structs, sigs.k8s.io/yaml does not turn numbers or booleans into strings for string fields: {@code name: 123}
 * is refused like {@code snapshot-count: "100"}. A value of the wrong YAML type makes etcd refuse the file; that,
 * and only that, is a fatal type issue here.
 */
final class ConfigFileReader {

    /** Settings read from the file, and what etcd would ignore or reject in it. */
    record Parsed(Map<String, Resolved> values, List<ConfigIssue> issues) {}

    private static final Map<String, Setting> BY_KEY = new HashMap<>();

    /** Nested mappings ({@code peer-transport-security}, {@code discovery-config.client}), with the versions having them. */
    private static final Map<String, Setting.Versions> CONTAINERS = new HashMap<>();

    /** Containers whose unknown keys are not reported: etcd has more keys there than the catalogue has flags for. */
    private static final String PARTLY_KNOWN = "discovery-config";

    static {
        for (Setting s : EtcdSettings.all()) {
            if (s.configKey() != null) {
                String key = s.configKey().toLowerCase(Locale.ROOT);
                BY_KEY.put(key, s);
                for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
                    CONTAINERS.merge(key.substring(0, dot), s.keyVersions(), Setting.Versions::or);
                }
            }
        }
    }

    private ConfigFileReader() {}

    /** Parses the file's text for an etcd of unknown version. */
    static Parsed parse(String file, String text, Location origin) {
        return parse(file, text, origin, null);
    }

    /**
     * Parses the file's text as etcd {@code version} reads it.
     *
     * @param file    the path as etcd names it, used in locations
     * @param origin  where the text itself stands when it is embedded in another file (a ConfigMap value:
     *                locations then point into that file), or null
     * @param version the etcd version as a source shows it, or null when unknown: then every key and type that some
     *                supported version (3.4, 3.5, 3.6) accepts is accepted
     * @throws IllegalArgumentException with a one-line reason when the text is not a YAML mapping
     */
    static Parsed parse(String file, String text, Location origin, String version) {
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
        new Reading(new Where(file, origin), version, values, issues).mapping(map, "");
        return new Parsed(values, issues);
    }

    /** One reading of a file: where it is, the etcd version, and what was found so far. */
    private record Reading(Where file, String version, Map<String, Resolved> values, List<ConfigIssue> issues) {

        void mapping(MappingNode map, String prefix) {
            for (NodeTuple tuple : map.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                    issues.add(ConfigIssue.ignored(null, "non-scalar key ignored", location(file, tuple.getKeyNode())));
                    continue;
                }
                String key = prefix + keyNode.getValue();
                String lower = key.toLowerCase(Locale.ROOT);
                Node valueNode = tuple.getValueNode();
                Setting.Versions container = CONTAINERS.get(lower);
                if (container != null) {
                    container(key, container, keyNode, valueNode);
                    continue;
                }
                Setting setting = BY_KEY.get(lower);
                if (setting == null) {
                    if (!lower.startsWith(PARTLY_KNOWN + ".")) {
                        Setting misplaced = prefix.isEmpty() ? EtcdSettings.byFlag(key) : null;
                        issues.add(ConfigIssue.ignored(misplaced == null || !misplaced.isFlag() ? null : misplaced.flag(),
                                unknownKeyMessage(key), location(file, keyNode)));
                    }
                    continue;
                }
                if (!setting.keyExistsIn(version)) {
                    issues.add(ConfigIssue.ignored(setting.flag(), "key '" + key + "' is ignored by etcd " + version
                            + ": it exists in etcd " + setting.keyVersions().describe(), location(file, keyNode)));
                    continue;
                }
                if (isNull(valueNode)) {
                    continue;
                }
                value(key, setting, valueNode);
            }
        }

        private void container(String key, Setting.Versions versions, ScalarNode keyNode, Node valueNode) {
            if (!versions.includes(Setting.Version.parse(version))) {
                issues.add(ConfigIssue.ignored(null, "key '" + key + "' is ignored by etcd " + version
                        + ": it exists in etcd " + versions.describe(), location(file, keyNode)));
            } else if (valueNode instanceof MappingNode inner) {
                mapping(inner, key.toLowerCase(Locale.ROOT) + ".");
            } else if (isNull(valueNode)) {
                // etcd 3.6 reads the file a second time into a map and insists on a mapping here (v3.6.0 embed/config.go)
                Setting.Version v = Setting.Version.parse(version);
                if (key.equals("peer-transport-security") && v != null && v.supported() && v.minor() == 6) {
                    issues.add(ConfigIssue.fatal(null, key + " must be a mapping, not null: etcd " + version
                            + " refuses the config file (\"invalid peer-transport-security\")", location(file, valueNode)));
                }
            } else {
                issues.add(ConfigIssue.fatal(null, key + " must be a mapping, not " + yamlKind(valueNode)
                        + ": etcd refuses the config file", location(file, valueNode)));
            }
        }

        private void value(String key, Setting setting, Node node) {
            List<Yaml> types = setting.fileType().in(version);
            String reason = null;
            for (Yaml type : types) {
                Typed t = typed(type, node);
                if (t.value() != null) {
                    values.put(setting.flag(), new Resolved(setting, t.value(),
                            new Provenance.ConfigFile(key, location(file, node))));
                    return;
                }
                reason = reason == null ? t.reason() : reason;
            }
            String expected = String.join(" or ", types.stream().map(t -> expected(t, setting)).toList());
            issues.add(ConfigIssue.fatal(setting.flag(), key + " must be " + expected + ", not " + reason
                    + ": etcd refuses the config file", location(file, node)));
        }
    }

    /** A value as etcd reads it (its text, as a flag would give it), or why etcd cannot read it. */
    private record Typed(String value, String reason) {

        static Typed of(String value) {
            return new Typed(value, null);
        }

        static Typed not(String reason) {
            return new Typed(null, reason);
        }
    }

    private static Typed typed(Yaml type, Node node) {
        if (type == Yaml.SEQ) {
            if (!(node instanceof SequenceNode seq)) {
                return Typed.not(yamlKind(node));
            }
            List<String> elements = new ArrayList<>();
            for (Node element : seq.getValue()) {
                Scalar s = element instanceof ScalarNode scalar ? Scalar.of(scalar) : null;
                if (s == null || (s.kind() != Scalar.Kind.STRING && s.kind() != Scalar.Kind.NULL)) {
                    return Typed.not("a sequence holding " + (s == null ? yamlKind(element) : s.describe()));
                }
                elements.add(s.kind() == Scalar.Kind.NULL ? "" : s.text());
            }
            return Typed.of(String.join(",", elements));
        }
        if (!(node instanceof ScalarNode scalarNode)) {
            return Typed.not(yamlKind(node));
        }
        Scalar s = Scalar.of(scalarNode);
        return switch (type) {
            case STR -> s.kind() == Scalar.Kind.STRING ? Typed.of(s.text()) : Typed.not(s.describe());
            case BOOL -> s.kind() == Scalar.Kind.BOOL ? Typed.of(s.text()) : Typed.not(s.describe());
            case DUR -> {
                BigInteger n = integer(s, Yaml.INT64);
                yield n == null ? Typed.not(s.describe()) : Typed.of(goDuration(n.longValueExact()));
            }
            default -> {
                BigInteger n = integer(s, type);
                yield n == null ? Typed.not(s.describe()) : Typed.of(n.toString());
            }
        };
    }

    /** The integer encoding/json decodes from a YAML number into a Go integer of {@code type}, or null. */
    private static BigInteger integer(Scalar s, Yaml type) {
        if ((s.kind() != Scalar.Kind.INT && s.kind() != Scalar.Kind.FLOAT) || s.number() == null) {
            return null;
        }
        BigInteger n;
        try {
            n = s.number().toBigIntegerExact();
        } catch (ArithmeticException e) {
            return null;
        }
        BigInteger min = switch (type) {
            case INT, INT64 -> BigInteger.valueOf(Long.MIN_VALUE);
            default -> BigInteger.ZERO;
        };
        BigInteger max = switch (type) {
            case UINT32 -> BigInteger.valueOf(0xFFFF_FFFFL);
            case UINT, UINT64 -> BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
            default -> BigInteger.valueOf(Long.MAX_VALUE);
        };
        return n.compareTo(min) < 0 || n.compareTo(max) > 0 ? null : n;
    }

    /** Nanoseconds as a Go duration that {@code time.ParseDuration} reads back: {@code 5s}, {@code 100ms}. */
    static String goDuration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        String[] units = {"h", "m", "s", "ms", "us", "ns"};
        long[] sizes = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        for (int i = 0; i < units.length; i++) {
            if (nanos % sizes[i] == 0) {
                return nanos / sizes[i] + units[i];
            }
        }
        return nanos + "ns";
    }

    private static String expected(Yaml type, Setting setting) {
        return switch (type) {
            case STR -> setting.kind() == Setting.Kind.URLS || setting.kind() == Setting.Kind.LIST
                    ? "a comma-separated string" : "a string (quote numbers and booleans)";
            case SEQ -> "a YAML sequence of strings (e.g. [a, b])";
            case BOOL -> "true or false";
            case INT, INT64 -> "an integer";
            case UINT, UINT32, UINT64 -> "a non-negative integer";
            case DUR -> "an integer number of nanoseconds (a Go time.Duration: 100000000 for 100ms)";
        };
    }

    private static String yamlKind(Node node) {
        if (node instanceof SequenceNode) {
            return "a sequence";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        return node instanceof ScalarNode s ? Scalar.of(s).describe() : "this value";
    }

    /**
     * A scalar as go-yaml v2 (YAML 1.1) resolves it: quoted text is a string; plain text is null, a boolean
     * ({@code yes}, {@code on}, {@code true}, ...), an integer (decimal, {@code 0x}, {@code 0o}, {@code 0b}, leading
     * 0 for octal, {@code _} separators), a float, or else a string.
     */
    private record Scalar(Kind kind, String text, BigDecimal number) {

        enum Kind { NULL, BOOL, INT, FLOAT, STRING }

        private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

        static Scalar of(ScalarNode node) {
            String v = node.getValue();
            if (node.getScalarStyle() != ScalarStyle.PLAIN) {
                return new Scalar(Kind.STRING, v, null);
            }
            switch (v) {
                case "", "~", "null", "Null", "NULL" -> {
                    return new Scalar(Kind.NULL, v, null);
                }
                case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" -> {
                    return new Scalar(Kind.BOOL, "true", null);
                }
                case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" -> {
                    return new Scalar(Kind.BOOL, "false", null);
                }
                case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF" -> {
                    return new Scalar(Kind.FLOAT, v, null);
                }
                default -> { }
            }
            char c = v.charAt(0);
            if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
                String plain = v.replace("_", "");
                BigInteger i = goInteger(plain);
                if (i != null) {
                    return new Scalar(Kind.INT, v, new BigDecimal(i));
                }
                if (FLOAT.matcher(plain).matches()) {
                    try {
                        return new Scalar(Kind.FLOAT, v, new BigDecimal(Double.toString(Double.parseDouble(plain))));
                    } catch (NumberFormatException e) {
                        return new Scalar(Kind.FLOAT, v, null);
                    }
                }
            }
            return new Scalar(Kind.STRING, v, null);
        }

        /** Go's strconv.ParseInt(s, 0, 64), or ParseUint, or null. */
        private static BigInteger goInteger(String s) {
            boolean negative = s.startsWith("-");
            String body = negative || s.startsWith("+") ? s.substring(1) : s;
            int radix = 10;
            if (body.length() > 1 && body.charAt(0) == '0') {
                char p = Character.toLowerCase(body.charAt(1));
                radix = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 8;
                body = p == 'x' || p == 'o' || p == 'b' ? body.substring(2) : body.substring(1);
            }
            int base = radix;
            if (body.isEmpty() || !body.chars().allMatch(ch -> Character.digit(ch, base) >= 0)) {
                return null;
            }
            BigInteger n = new BigInteger(body, base);
            n = negative ? n.negate() : n;
            boolean fits = n.bitLength() < 64 || (!negative && n.bitLength() == 64);
            return fits ? n : null;
        }

        String describe() {
            return switch (kind) {
                case NULL -> "null";
                case BOOL -> "a boolean (" + text + ")";
                case INT, FLOAT -> "a number (" + text + ")";
                case STRING -> "a string";
            };
        }
    }

    private static String unknownKeyMessage(String key) {
        Setting flag = EtcdSettings.byFlag(key);
        if (flag != null && flag.configKey() != null && !flag.configKey().equals(key)) {
            return "key '" + key + "' is ignored by etcd: in a config file this setting is '" + flag.configKey() + "'";
        }
        return "key '" + key + "' is not an etcd config-file setting and is ignored";
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN
                && (s.getValue().isEmpty() || s.getValue().equals("null") || s.getValue().equals("~")
                || s.getValue().equals("Null") || s.getValue().equals("NULL"));
    }

    /**
     * Where the text is: the config file itself, or a value embedded in another file whose origin's line is the
     * line before the text's first line and whose column is the number of columns before the text (a block
     * scalar's indentation); a negative column puts every position at the value itself (line + 1, -column):
     * a quoted value's lines are not the file's.
     */
    private record Where(String file, Location origin) {}

    private static Location location(Where where, Node node) {
        int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        int column = node.getStartMark().map(m -> m.getColumn() + 1).orElse(0);
        if (where.origin() == null) {
            return Location.fileLine(where.file(), line, column);
        }
        // A block scalar's text starts on the line after its indicator, each line shifted by the indentation.
        Location o = where.origin();
        int outerLine = o.column() < 0 ? o.line() + 1 : o.line() + line;
        int outerColumn = o.column() < 0 ? -o.column() : o.column() + column;
        return new Location(o.file() + ":" + outerLine + ":" + outerColumn + " (" + where.file() + " line " + line + ")",
                o.file(), outerLine, outerColumn);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "parse error";
        }
        return message.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
