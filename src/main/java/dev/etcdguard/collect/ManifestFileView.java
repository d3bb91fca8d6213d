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
    private final List<String> claimTemplates;
    private final ConfigMaps configMaps;
    private final Path nodeRoot;

    ManifestFileView(Node container, Manifests.PodSpec pod, ConfigMaps configMaps, Path nodeRoot) {
        this.container = container;
        this.podSpec = pod.spec();
        this.namespace = pod.namespace();
        this.claimTemplates = pod.claimTemplates();
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
        if (volume == null && claimTemplates.contains(volumeName)) {
            return new Lookup.Elsewhere("in volume " + volumeName + ", the PersistentVolumeClaim of each pod from the"
                    + " StatefulSet's volumeClaimTemplates, whose content a manifest does not show", false);
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
            Lookup found = configMapFile(configMap, rest, "volume " + volumeName, false);
            return found != null ? found : new Lookup.Elsewhere("volume " + volumeName + " holds only the items it lists of"
                    + " ConfigMap " + namespace + "/" + Yaml.str(configMap, "name") + ", and none at " + rest, true);
        }
        Node secret = Yaml.get(volume, "secret");
        if (secret != null) {
            return new Lookup.Elsewhere("in Secret " + Yaml.str(secret, "secretName")
                    + " (Secrets are not read from manifests)", false);
        }
        Node projected = Yaml.get(volume, "projected");
        if (projected != null) {
            return projected(projected, rest, volumeName);
        }
        return new Lookup.Elsewhere("in volume " + volumeName + ", whose content a manifest does not show", false);
    }

    /**
     * A file of a projected volume: the source that puts a file at {@code rest} (a ConfigMap among the scanned
     * documents gives its content; a Secret, the downward API or a service-account token are there but not
     * readable here), or what may put it there.
     */
    private Lookup projected(Node projected, String rest, String volumeName) {
        String where = "projected volume " + volumeName;
        List<String> maybe = new java.util.ArrayList<>();
        for (Node source : Yaml.seq(Yaml.get(projected, "sources"))) {
            Node configMap = Yaml.get(source, "configMap");
            if (configMap != null) {
                Lookup found = configMapFile(configMap, rest, where, true);
                if (found instanceof Lookup.Elsewhere e && !e.suspicious() && Yaml.seq(Yaml.get(configMap, "items")).isEmpty()) {
                    maybe.add("ConfigMap " + namespace + "/" + Yaml.str(configMap, "name") + " (not among the scanned files)");
                } else if (found != null) {
                    return found;
                }
            }
            Node secret = Yaml.get(source, "secret");
            if (secret != null) {
                String name = Yaml.str(secret, "name");
                List<Node> items = Yaml.seq(Yaml.get(secret, "items"));
                if (items.isEmpty()) {
                    maybe.add("Secret " + name);
                } else if (items.stream().anyMatch(i -> samePath(rest, Yaml.str(i, "path")))) {
                    return new Lookup.Elsewhere("in Secret " + name + " of " + where
                            + " (Secrets are not read from manifests)", false);
                }
            }
            for (Node item : Yaml.seq(Yaml.path(source, "downwardAPI", "items"))) {
                if (samePath(rest, Yaml.str(item, "path"))) {
                    return new Lookup.Elsewhere("from the downward API in " + where + ", whose content a manifest does not"
                            + " show", false);
                }
            }
            Node token = Yaml.get(source, "serviceAccountToken");
            if (token != null && samePath(rest, Yaml.str(token, "path"))) {
                return new Lookup.Elsewhere("the service-account token of " + where + ", not a file a manifest shows", false);
            }
            Node bundle = Yaml.get(source, "clusterTrustBundle");
            if (bundle != null && samePath(rest, Yaml.str(bundle, "path"))) {
                return new Lookup.Elsewhere("a ClusterTrustBundle of " + where + ", whose content a manifest does not show",
                        false);
            }
        }
        if (!maybe.isEmpty()) {
            return new Lookup.Elsewhere("in " + where + ", from " + String.join(" or ", maybe)
                    + (maybe.stream().anyMatch(m -> m.startsWith("Secret")) ? " (Secrets are not read from manifests)" : ""),
                    false);
        }
        return new Lookup.Elsewhere(where + " has no source that puts a file at " + rest, true);
    }

    private static boolean samePath(String rest, String itemPath) {
        return itemPath != null && NodeRoot.normalize(rest).equals(NodeRoot.normalize(itemPath));
    }

    /**
     * The file at {@code rest} of a ConfigMap volume (or projected source): its content, why it is not known, or
     * null when the ConfigMap's listed items put nothing there.
     *
     * @param projected a source of a projected volume: a key the scanned ConfigMap lacks is null (another source
     *                  may provide the file), not a missing file
     */
    private Lookup configMapFile(Node configMap, String rest, String where, boolean projected) {
        String name = Yaml.str(configMap, "name");
        List<Node> items = Yaml.seq(Yaml.get(configMap, "items"));
        String key = rest;
        if (!items.isEmpty()) { // only the listed keys are in the volume, each at its path
            key = null;
            for (Node item : items) {
                if (samePath(rest, Yaml.str(item, "path"))) {
                    key = Yaml.str(item, "key");
                }
            }
            if (key == null) {
                return null;
            }
        }
        Map<String, ConfigMaps.Value> data = configMaps.get(namespace, name);
        if (data == null) {
            return new Lookup.Elsewhere("in ConfigMap " + namespace + "/" + name + " (" + where
                    + "), which is not among the scanned files", false);
        }
        ConfigMaps.Value value = data.get(key);
        if (value == null) {
            return projected && items.isEmpty() ? null
                    : new Lookup.Elsewhere("ConfigMap " + namespace + "/" + name + " has no key " + key, true);
        }
        return new Lookup.Content(value.text().getBytes(StandardCharsets.UTF_8), value.origin());
    }
}
