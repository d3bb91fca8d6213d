package dev.etcdguard.collect;

import dev.etcdguard.etcd.Location;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Small read-only helpers over SnakeYAML Engine node trees (which keep every node's line and column). */
final class Yaml {

    /** YAML aliases allowed per document: enough for real manifests, far too few for an alias bomb. */
    static final int MAX_ALIASES = 100;

    private Yaml() {}

    static LoadSettings settings(String label, int codePointLimit) {
        return LoadSettings.builder()
                .setLabel(label)
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setCodePointLimit(codePointLimit)
                .build();
    }

    /**
     * Why a composed document cannot be read as Kubernetes reads it, or null. SnakeYAML Engine's composer
     * shares the node of an anchor with every alias of it and checks neither duplicate keys (the
     * constructor would) nor how far aliases expand, so this walks the document as its expanded tree,
     * within a budget of visits: an alias bomb or a recursive alias runs out of it, a document without
     * aliases never does (it has fewer nodes than {@code textLength}). Iterative: no depth limit.
     *
     * @param budget how many nodes the expanded document may have; shared by the documents of a file
     */
    static String problem(Node document, long[] budget) {
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(document);
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            if (--budget[0] < 0) {
                return "YAML aliases expand to too many nodes (an alias bomb, or an alias inside its own anchor)";
            }
            if (node instanceof MappingNode map) {
                List<NodeTuple> tuples = map.getValue();
                Map<String, ScalarNode> keys = tuples.size() > 16 ? new HashMap<>() : null;
                for (int i = 0; i < tuples.size(); i++) {
                    NodeTuple t = tuples.get(i);
                    if (t.getKeyNode() instanceof ScalarNode k && !k.getValue().equals("<<")) {
                        ScalarNode first = keys != null ? keys.putIfAbsent(k.getValue(), k) : earlierKey(tuples, i, k.getValue());
                        if (first != null) {
                            return "duplicate key '" + k.getValue() + "' at line " + line(k) + " (first at line "
                                    + line(first) + ")";
                        }
                    }
                    pending.push(t.getValueNode());
                    pending.push(t.getKeyNode());
                }
            } else if (node instanceof SequenceNode seq) {
                seq.getValue().forEach(pending::push);
            }
        }
        return null;
    }

    private static ScalarNode earlierKey(List<NodeTuple> tuples, int before, String key) {
        for (int j = 0; j < before; j++) {
            if (tuples.get(j).getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return k;
            }
        }
        return null;
    }

    /** True for the node of an empty document ({@code ---} followed by nothing). */
    static boolean isEmptyDocument(Node document) {
        return document == null || document instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN
                && s.getValue().isEmpty();
    }

    /** The value under {@code key} of a mapping node, or null. */
    static Node get(Node node, String key) {
        if (node instanceof MappingNode map) {
            for (NodeTuple t : map.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    /** Follows a path of keys. */
    static Node path(Node node, String... keys) {
        Node n = node;
        for (String k : keys) {
            n = get(n, k);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    /** A scalar's text, or null for anything else (including YAML null). */
    static String str(Node node) {
        if (node instanceof ScalarNode s) {
            if (s.getScalarStyle() == ScalarStyle.PLAIN && (s.getValue().equals("null") || s.getValue().equals("~"))) {
                return null;
            }
            return s.getValue();
        }
        return null;
    }

    static String str(Node node, String key) {
        return str(get(node, key));
    }

    /** A sequence's items, or an empty list. */
    static List<Node> seq(Node node) {
        return node instanceof SequenceNode s ? s.getValue() : List.of();
    }

    static List<NodeTuple> entries(Node node) {
        return node instanceof MappingNode m ? m.getValue() : List.of();
    }

    static int line(Node node) {
        return node == null ? 0 : node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    static int column(Node node) {
        return node == null ? 0 : node.getStartMark().map(m -> m.getColumn() + 1).orElse(0);
    }

    static Location location(String file, Node node, String what) {
        int line = line(node);
        int column = column(node);
        return new Location(file + ":" + line + ":" + column + (what == null ? "" : " (" + what + ")"), file, line, column);
    }
}
