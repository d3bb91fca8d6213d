package dev.etcdguard.collect;

import dev.etcdguard.etcd.Location;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The ConfigMaps among the scanned documents, by namespace and name. While files are parsed only
 * where each ConfigMap is (file and document) is kept, so memory does not grow with their data; the
 * few an etcd container refers to are read again when asked for. ConfigMaps from standard input, which
 * cannot be read again, keep their data. A name defined by several scanned documents is ambiguous: the
 * last one in the order the inputs were given is read (as {@code kubectl apply} of them in that order
 * would leave it), and {@link #ambiguity} says so.
 */
final class ConfigMaps {

    /**
     * One data value and where its text starts: {@code origin}'s line is the line before the text's first line,
     * its column the number of columns before the text (a block scalar's indentation), so that line {@code l},
     * column {@code c} of the text is line {@code origin.line + l}, column {@code origin.column + c} of the file.
     * Exact for a literal block scalar ({@code |}) and a value of one line; a folded block ({@code >}) is exact on
     * its first line. A negative column marks a quoted or plain value of several lines, whose lines are not the
     * file's: every position in it is the value's own, line {@code origin.line + 1}, column {@code -origin.column}.
     */
    record Value(String text, Location origin) {}

    /** Where a ConfigMap is: document {@code document} of the file, or item {@code item} of that document (a List). */
    private record Where(String file, Path path, int document, int item, int order, int line, Map<String, Value> data) {}

    private final Map<String, List<Where>> index = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Value>> loaded = new HashMap<>();
    private final int codePointLimit;

    ConfigMaps(int codePointLimit) {
        this.codePointLimit = codePointLimit;
    }

    /**
     * Records a ConfigMap document; {@code path} null means the text cannot be read again (stdin).
     *
     * @param item  its index in the {@code items} of a List document, or -1 when it is the document
     * @param order the position of its file among the inputs (a later one wins over an earlier one)
     * @param text  the text of the whole file, for the indentation of block scalars
     */
    void add(String file, Path path, int document, int item, int order, Node node, String text) {
        String name = Yaml.str(Yaml.path(node, "metadata", "name"));
        if (name != null) {
            Where where = new Where(file, path, document, item, order, Yaml.line(node),
                    path == null ? data(file, node, text) : null);
            index.compute(key(Manifests.namespace(node), name), (k, list) -> {
                List<Where> l = list == null ? new ArrayList<>() : new ArrayList<>(list);
                l.add(where);
                l.sort(Comparator.comparingInt(Where::order).thenComparingInt(Where::document).thenComparingInt(Where::item));
                return List.copyOf(l);
            });
        }
    }

    /** The ConfigMap's data, or null when it is not among the scanned documents (or no longer readable). */
    synchronized Map<String, Value> get(String namespace, String name) {
        List<Where> all = index.get(key(namespace, name));
        if (all == null) {
            return null;
        }
        Where where = all.get(all.size() - 1);
        if (where.data() != null) {
            return where.data();
        }
        return loaded.computeIfAbsent(key(namespace, name), k -> reload(where));
    }

    /** Why the ConfigMap's name is ambiguous (defined by several scanned documents), or null. */
    String ambiguity(String namespace, String name) {
        List<Where> all = index.get(key(namespace, name));
        if (all == null || all.size() < 2) {
            return null;
        }
        Where read = all.get(all.size() - 1);
        return "ConfigMap " + namespace + "/" + name + " is defined in " + all.size() + " scanned documents ("
                + all.stream().map(ConfigMaps::place).collect(Collectors.joining(", "))
                + "): which one the cluster has depends on which was applied last; this scan reads " + place(read)
                + ", the last one given";
    }

    /**
     * The ambiguities of the ConfigMaps a container of the pod reads: through {@code envFrom}, {@code env}
     * {@code configMapKeyRef}, and the {@code configMap} and {@code projected} volumes it mounts.
     */
    List<String> ambiguities(Manifests.PodSpec pod, String containerName) {
        Node container = null;
        for (String list : List.of("initContainers", "containers")) {
            for (Node c : Yaml.seq(Yaml.get(pod.spec(), list))) {
                if (container == null && containerName != null && containerName.equals(Yaml.str(c, "name"))) {
                    container = c;
                }
            }
        }
        if (container == null) {
            return List.of();
        }
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (Node from : Yaml.seq(Yaml.get(container, "envFrom"))) {
            names.add(Yaml.str(Yaml.get(from, "configMapRef"), "name"));
        }
        for (Node var : Yaml.seq(Yaml.get(container, "env"))) {
            names.add(Yaml.str(Yaml.path(var, "valueFrom", "configMapKeyRef"), "name"));
        }
        java.util.Set<String> mounted = new java.util.HashSet<>();
        for (Node m : Yaml.seq(Yaml.get(container, "volumeMounts"))) {
            mounted.add(Yaml.str(m, "name"));
        }
        for (Node v : Yaml.seq(Yaml.get(pod.spec(), "volumes"))) {
            if (mounted.contains(Yaml.str(v, "name"))) {
                names.add(Yaml.str(Yaml.get(v, "configMap"), "name"));
                for (Node source : Yaml.seq(Yaml.path(v, "projected", "sources"))) {
                    names.add(Yaml.str(Yaml.get(source, "configMap"), "name"));
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String name : names) {
            String why = name == null ? null : ambiguity(pod.namespace(), name);
            if (why != null) {
                out.add(why);
            }
        }
        return out;
    }

    private static String place(Where w) {
        return w.file() + ":" + w.line();
    }

    private Map<String, Value> reload(Where where) {
        try {
            String text = Files.readString(where.path(), StandardCharsets.UTF_8);
            int i = 0;
            for (Node doc : new Compose(Yaml.settings(where.file(), codePointLimit)).composeAllFromString(text)) {
                if (i++ == where.document()) {
                    List<Node> items = Yaml.seq(Yaml.get(doc, "items"));
                    Node node = where.item() < 0 ? doc : where.item() < items.size() ? items.get(where.item()) : null;
                    return node == null ? null : data(where.file(), node, text);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // changed or gone since it was parsed: treated as not scanned
        }
        return null;
    }

    private static Map<String, Value> data(String file, Node node, String text) {
        Map<String, Value> data = new HashMap<>();
        int[] lineStarts = null;
        for (NodeTuple t : Yaml.entries(Yaml.get(node, "data"))) {
            if (t.getKeyNode() instanceof ScalarNode key && t.getValueNode() instanceof ScalarNode value) {
                int line = Yaml.line(value);
                int column = Yaml.column(value);
                Location origin;
                ScalarStyle style = value.getScalarStyle();
                if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
                    lineStarts = lineStarts != null ? lineStarts : lineStarts(text);
                    origin = new Location(file + ":" + line, file, line, blockIndent(text, lineStarts, line, value.getValue()));
                } else if (value.getValue().indexOf('\n') < 0) { // one line: exact
                    int quote = style == ScalarStyle.PLAIN ? 0 : 1; // the text starts after the opening quote
                    origin = new Location(file + ":" + line, file, line - 1, column - 1 + quote);
                } else { // a quoted or plain scalar of several lines: they are not the file's; all at the value
                    origin = new Location(file + ":" + line, file, line - 1, -column);
                }
                data.put(key.getValue(), new Value(value.getValue(), origin));
            }
        }
        return data;
    }

    /**
     * The indentation of a block scalar whose indicator is on (1-based) line {@code indicatorLine}: the
     * indentation of its first non-blank line in the file less the spaces that line keeps in the value.
     */
    static int blockIndent(String text, int[] lineStarts, int indicatorLine, String value) {
        if (text == null) {
            return 0;
        }
        String first = value.lines().filter(l -> !l.isBlank()).findFirst().orElse(null);
        if (first == null) {
            return 0;
        }
        int kept = first.length() - first.stripLeading().length();
        for (int l = indicatorLine; l < lineStarts.length; l++) { // 0-based l: the lines after the indicator's
            int start = lineStarts[l];
            int end = l + 1 < lineStarts.length ? lineStarts[l + 1] : text.length();
            String source = text.substring(start, end);
            if (!source.isBlank()) {
                int spaces = 0;
                while (spaces < source.length() && source.charAt(spaces) == ' ') {
                    spaces++;
                }
                return Math.max(0, spaces - kept);
            }
        }
        return 0;
    }

    /** The offset of each (0-based) line's first character. */
    static int[] lineStarts(String text) {
        if (text == null) {
            return new int[0];
        }
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        int[] starts = new int[n];
        int k = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts[k++] = i + 1;
            }
        }
        return starts;
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
