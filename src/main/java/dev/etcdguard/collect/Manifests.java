package dev.etcdguard.collect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/** Where Kubernetes workload kinds keep their pod spec, and how many pods they run. */
final class Manifests {

    /** A pod spec found in a document. */
    record PodSpec(String kind, String resource, String namespace, Node spec, Node anchor, String clusterHint) {}

    private Manifests() {}

    static String namespace(Node document) {
        String ns = Yaml.str(Yaml.path(document, "metadata", "namespace"));
        return ns == null ? "default" : ns;
    }

    /**
     * The pod specs of a document: the workload kinds, and {@code List} items recursively. An item that is
     * a YAML alias of another is the same object and counts once.
     */
    static List<PodSpec> podSpecs(Node document) {
        List<PodSpec> out = new ArrayList<>();
        collect(document, out, 0, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void collect(Node doc, List<PodSpec> out, int depth, Set<Node> seen) {
        String kind = Yaml.str(Yaml.get(doc, "kind"));
        if (kind == null || depth > 5 || !seen.add(doc)) {
            return;
        }
        if (kind.equals("List") || kind.endsWith("List")) {
            for (Node item : Yaml.seq(Yaml.get(doc, "items"))) {
                collect(item, out, depth + 1, seen);
            }
            return;
        }
        Node spec = switch (kind) {
            case "Pod" -> Yaml.get(doc, "spec");
            case "PodTemplate" -> Yaml.path(doc, "template", "spec");
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job" ->
                    Yaml.path(doc, "spec", "template", "spec");
            case "CronJob" -> Yaml.path(doc, "spec", "jobTemplate", "spec", "template", "spec");
            default -> null;
        };
        if (spec == null) {
            return;
        }
        String ns = namespace(doc);
        String name = Yaml.str(Yaml.path(doc, "metadata", "name"));
        out.add(new PodSpec(kind, kind + "/" + ns + "/" + (name == null ? "(unnamed)" : name), ns, spec, doc,
                clusterHint(kind, doc)));
    }

    /** Why a workload runs several etcd members, or null. */
    private static String clusterHint(String kind, Node doc) {
        if (kind.equals("DaemonSet")) {
            return "a DaemonSet runs a member on every matching node";
        }
        String replicas = Yaml.str(Yaml.path(doc, "spec", "replicas"));
        if (replicas != null && (kind.equals("StatefulSet") || kind.equals("Deployment") || kind.equals("ReplicaSet")
                || kind.equals("ReplicationController"))) {
            try {
                int n = Integer.parseInt(replicas.trim());
                if (n > 1) {
                    return kind + " with replicas: " + n;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
