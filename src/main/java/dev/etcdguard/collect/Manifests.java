package dev.etcdguard.collect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/** Where Kubernetes workload kinds keep their pod spec, and how many pods they run. */
final class Manifests {

    /**
     * A pod spec found in a document.
     *
     * @param claimTemplates the names of the StatefulSet's {@code volumeClaimTemplates}: volumes of every pod it runs
     * @param warning        why the document is not read as Kubernetes would read it, or null
     */
    record PodSpec(String kind, String resource, String namespace, Node spec, Node anchor, String clusterHint,
                   List<String> claimTemplates, String warning) {
        PodSpec {
            claimTemplates = List.copyOf(claimTemplates);
        }
    }

    /** The warning for a document that is no Kubernetes object but holds a pod spec. */
    static final String NOT_AN_OBJECT = "not a Kubernetes object; evaluated as a pod template (the document has no kind)";

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

    /**
     * The pod spec of a document without {@code kind} (a pod template, a chart's values, a snippet):
     * {@code spec.template.spec}, {@code template.spec}, {@code spec} or the document itself, whichever has
     * {@code containers}; or null.
     */
    static PodSpec template(Node document) {
        if (Yaml.get(document, "kind") != null) {
            return null;
        }
        for (String[] path : new String[][] {{"spec", "template", "spec"}, {"template", "spec"}, {"spec"}, {}}) {
            Node spec = Yaml.path(document, path);
            if (spec != null && Yaml.get(spec, "containers") != null) {
                String ns = namespace(document);
                String name = Yaml.str(Yaml.path(document, "metadata", "name"));
                return new PodSpec(null, "(pod template)/" + ns + "/" + (name == null ? "(unnamed)" : name), ns, spec,
                        document, null, List.of(), NOT_AN_OBJECT);
            }
        }
        return null;
    }

    private static void collect(Node doc, List<PodSpec> out, int depth, Set<Node> seen) {
        String kind = Yaml.str(Yaml.get(doc, "kind"));
        if (kind == null || depth > 5 || !seen.add(doc)) {
            return;
        }
        if (kind.equals("PetSet")) { // apps/v1alpha1, StatefulSet's name before Kubernetes 1.5
            kind = "StatefulSet";
        } else if (kind.equals("ScheduledJob")) { // batch/v2alpha1, CronJob's name before Kubernetes 1.5
            kind = "CronJob";
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
        List<String> claims = new ArrayList<>();
        if (kind.equals("StatefulSet")) {
            for (Node claim : Yaml.seq(Yaml.path(doc, "spec", "volumeClaimTemplates"))) {
                String claimName = Yaml.str(Yaml.path(claim, "metadata", "name"));
                if (claimName != null) {
                    claims.add(claimName);
                }
            }
        }
        String written = Yaml.str(Yaml.get(doc, "kind"));
        out.add(new PodSpec(written, written + "/" + ns + "/" + (name == null ? "(unnamed)" : name), ns, spec, doc,
                clusterHint(kind, doc), claims, null));
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
                    return Yaml.str(Yaml.get(doc, "kind")) + " with replicas: " + n;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
