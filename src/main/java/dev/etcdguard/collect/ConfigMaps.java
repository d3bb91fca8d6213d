package dev.etcdguard.collect;

import dev.etcdguard.etcd.Location;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The ConfigMaps among the scanned documents, by namespace and name. While files are parsed only
 * where each ConfigMap is (file and document) is kept, so memory does not grow with their data; the
 * few an etcd container refers to are read again when asked for. ConfigMaps from standard input, which
 * cannot be read again, keep their data.
 */
final class ConfigMaps {

    /** One data value and where its text starts (the line before its first line of text). */
    record Value(String text, Location origin) {}

    private record Where(String file, Path path, int document, Map<String, Value> data) {}

    private final Map<String, Where> index = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Value>> loaded = new HashMap<>();
    private final int codePointLimit;

    ConfigMaps(int codePointLimit) {
        this.codePointLimit = codePointLimit;
    }

    /** Records a ConfigMap document; {@code path} null means the text cannot be read again (stdin). */
    void add(String file, Path path, int document, Node node) {
        String name = Yaml.str(Yaml.path(node, "metadata", "name"));
        if (name != null) {
            index.put(key(Manifests.namespace(node), name), new Where(file, path, document, path == null ? data(file, node) : null));
        }
    }

    /** The ConfigMap's data, or null when it is not among the scanned documents (or no longer readable). */
    synchronized Map<String, Value> get(String namespace, String name) {
        Where where = index.get(key(namespace, name));
        if (where == null) {
            return null;
        }
        if (where.data() != null) {
            return where.data();
        }
        return loaded.computeIfAbsent(key(namespace, name), k -> reload(where));
    }

    private Map<String, Value> reload(Where where) {
        try {
            String text = Files.readString(where.path(), StandardCharsets.UTF_8);
            int i = 0;
            for (Node doc : new Compose(Yaml.settings(where.file(), codePointLimit)).composeAllFromString(text)) {
                if (i++ == where.document()) {
                    return data(where.file(), doc);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // changed or gone since it was parsed: treated as not scanned
        }
        return null;
    }

    private static Map<String, Value> data(String file, Node node) {
        Map<String, Value> data = new HashMap<>();
        for (NodeTuple t : Yaml.entries(Yaml.get(node, "data"))) {
            if (t.getKeyNode() instanceof ScalarNode key && t.getValueNode() instanceof ScalarNode value) {
                int line = Yaml.line(value);
                boolean block = value.getScalarStyle() == ScalarStyle.LITERAL || value.getScalarStyle() == ScalarStyle.FOLDED;
                data.put(key.getValue(), new Value(value.getValue(), new Location(file + ":" + line, file, block ? line : line - 1, 0)));
            }
        }
        return data;
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
