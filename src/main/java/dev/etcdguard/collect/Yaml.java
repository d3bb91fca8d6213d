package dev.etcdguard.collect;

import dev.etcdguard.etcd.Location;
import java.util.List;
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
