package dev.etcdguard.collect;

import dev.etcdguard.etcd.FileView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Files as a container of a manifest would see them: through its volumeMounts. A ConfigMap volume whose
 * ConfigMap is among the scanned documents gives the content; a hostPath volume is read under
 * {@code --node-root} when given (never from this machine's own root otherwise); anything outside every
 * volumeMount is most likely missing in the container.
 */
final class ManifestFileView implements FileView {

    private final Node container;
    private final Node podSpec;
    private final String namespace;
    private final ConfigMaps configMaps;
    private final Path nodeRoot;

    ManifestFileView(Node container, Node podSpec, String namespace, ConfigMaps configMaps, Path nodeRoot) {
        this.container = container;
        this.podSpec = podSpec;
        this.namespace = namespace;
        this.configMaps = configMaps;
        this.nodeRoot = nodeRoot;
    }

    @Override
    public Lookup accounts(String path) {
        return nodeAccounts(nodeRoot, path);
    }

    /** The node's account database under {@code --node-root}: the owners of hostPath files are the node's users. */
    static Lookup nodeAccounts(Path nodeRoot, String path) {
        return nodeRoot == null
                ? new Lookup.Elsewhere("on the node; pass --node-root DIR to name the owners of its files", false)
                : new Lookup.OnDisk(NodeRoot.resolve(nodeRoot, path));
    }

    @Override
    public Lookup lookup(String path) {
        String containerName = Yaml.str(container, "name");
        if (!path.startsWith("/")) {
            String workingDir = Yaml.str(container, "workingDir");
            if (workingDir == null) {
                return new Lookup.Elsewhere("a relative path, and the container's working directory comes from its image", false);
            }
            path = workingDir.replaceAll("/+$", "") + "/" + path;
        }
        path = NodeRoot.normalize(path);
        Node mount = null;
        String mountPath = null;
        for (Node m : Yaml.seq(Yaml.get(container, "volumeMounts"))) {
            String mp = Yaml.str(m, "mountPath");
            if (mp == null) {
                continue;
            }
            String normalized = NodeRoot.normalize(mp);
            boolean inside = path.equals(normalized) || path.startsWith(normalized.equals("/") ? "/" : normalized + "/");
            if (inside && (mountPath == null || normalized.length() > mountPath.length())) {
                mount = m;
                mountPath = normalized;
            }
        }
        if (mount == null) {
            return new Lookup.Elsewhere("not inside any volumeMount of container " + containerName
                    + ": unless the image ships it, the container cannot read it", true);
        }
        String volumeName = Yaml.str(mount, "name");
        Node volume = null;
        for (Node v : Yaml.seq(Yaml.get(podSpec, "volumes"))) {
            if (volumeName != null && volumeName.equals(Yaml.str(v, "name"))) {
                volume = v;
            }
        }
        if (volume == null) {
            return new Lookup.Elsewhere("volumeMount " + mountPath + " names volume " + volumeName
                    + ", which the pod does not define", true);
        }
        String rest = path.equals(mountPath) ? "" : path.substring(mountPath.equals("/") ? 1 : mountPath.length() + 1);
        String subPath = Yaml.str(mount, "subPath");
        if (subPath != null && !subPath.isEmpty()) {
            rest = rest.isEmpty() ? subPath : subPath.replaceAll("/+$", "") + "/" + rest;
        }
        Node hostPath = Yaml.get(volume, "hostPath");
        if (hostPath != null) {
            String base = Yaml.str(hostPath, "path");
            String onNode = (base == null ? "" : base.replaceAll("/+$", "")) + (rest.isEmpty() ? "" : "/" + rest);
            if (nodeRoot == null) {
                return new Lookup.Elsewhere("on the node, " + onNode + " in hostPath volume " + volumeName
                        + "; pass --node-root DIR to check the file itself", false);
            }
            return new Lookup.OnDisk(NodeRoot.resolve(nodeRoot, onNode));
        }
        Node configMap = Yaml.get(volume, "configMap");
        if (configMap != null) {
            return configMapFile(configMap, rest, volumeName);
        }
        Node secret = Yaml.get(volume, "secret");
        if (secret != null) {
            return new Lookup.Elsewhere("in Secret " + Yaml.str(secret, "secretName")
                    + " (Secrets are not read from manifests)", false);
        }
        return new Lookup.Elsewhere("in volume " + volumeName + ", whose content a manifest does not show", false);
    }

    private Lookup configMapFile(Node configMap, String rest, String volumeName) {
        String name = Yaml.str(configMap, "name");
        Map<String, ConfigMaps.Value> data = configMaps.get(namespace, name);
        if (data == null) {
            return new Lookup.Elsewhere("in ConfigMap " + namespace + "/" + name + " (volume " + volumeName
                    + "), which is not among the scanned files", false);
        }
        String key = rest;
        List<Node> items = Yaml.seq(Yaml.get(configMap, "items"));
        if (!items.isEmpty()) { // only the listed keys are in the volume, each at its path
            key = null;
            for (Node item : items) {
                String itemPath = Yaml.str(item, "path");
                if (itemPath != null && NodeRoot.normalize(rest).equals(NodeRoot.normalize(itemPath))) {
                    key = Yaml.str(item, "key");
                }
            }
            if (key == null) {
                return new Lookup.Elsewhere("volume " + volumeName + " holds only the items it lists of ConfigMap "
                        + namespace + "/" + name + ", and none at " + rest, true);
            }
        }
        ConfigMaps.Value value = data.get(key);
        if (value == null) {
            return new Lookup.Elsewhere("ConfigMap " + namespace + "/" + name + " has no key " + key, true);
        }
        return new Lookup.Content(value.text().getBytes(StandardCharsets.UTF_8), value.origin());
    }
}
