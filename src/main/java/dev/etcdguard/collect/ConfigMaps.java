package dev.etcdguard.collect;

import dev.etcdguard.etcd.Location;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** The ConfigMaps among the scanned documents, by namespace and name: only their data is kept. */
final class ConfigMaps {

    /** One data value and where its text starts (the line before its first line of text). */
    record Value(String text, Location origin) {}

    private final Map<String, Map<String, Value>> byName = new ConcurrentHashMap<>();

    void add(String file, Node document) {
        String name = Yaml.str(Yaml.path(document, "metadata", "name"));
        if (name == null) {
            return;
        }
        Map<String, Value> data = new ConcurrentHashMap<>();
        for (NodeTuple t : Yaml.entries(Yaml.get(document, "data"))) {
            if (t.getKeyNode() instanceof ScalarNode key && t.getValueNode() instanceof ScalarNode value) {
                int line = Yaml.line(value);
                boolean block = value.getScalarStyle() == ScalarStyle.LITERAL || value.getScalarStyle() == ScalarStyle.FOLDED;
                Location origin = new Location(file + ":" + line, file, block ? line : line - 1, 0);
                data.put(key.getValue(), new Value(value.getValue(), origin));
            }
        }
        byName.put(key(Manifests.namespace(document), name), data);
    }

    /** The ConfigMap's data, or null when it is not among the scanned documents. */
    Map<String, Value> get(String namespace, String name) {
        return byName.get(key(namespace, name));
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
