package dev.etcdguard.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kubernetes manifests in {@code deploy/}, read into fabric8's model (each document by its apiVersion and kind)
 * so that a test sees them as the API server would: a field the model does not know (a typo, a wrong nesting) is
 * reported, not silently kept in fabric8's additionalProperties.
 */
public final class DeployManifests {

    public static final Path DIR = Path.of(System.getProperty("user.dir")).resolve("deploy");

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "v1/Namespace", Namespace.class, "v1/ServiceAccount", ServiceAccount.class, "v1/Secret", Secret.class,
            "v1/Service", Service.class, "apps/v1/DaemonSet", DaemonSet.class, "batch/v1/Job", Job.class);

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private DeployManifests() {}

    /** Every document of {@code deploy/FILE}, typed; a kind fabric8 has no model for (a CRD's) stays generic. */
    public static List<HasMetadata> load(String file) throws IOException {
        return load(DIR.resolve(file));
    }

    /** Every document of a manifest file, typed (see {@link #load(String)}). */
    public static List<HasMetadata> load(Path file) throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        for (Map<String, Object> doc : documents(file)) {
            String key = doc.get("apiVersion") + "/" + doc.get("kind");
            Class<? extends HasMetadata> type = KINDS.get(key);
            if (type == null) {
                out.add(MAPPER.convertValue(doc, GenericKubernetesResource.class));
                continue;
            }
            HasMetadata resource = MAPPER.convertValue(doc, type);
            List<String> unknown = new ArrayList<>();
            unknownFields(resource, key, unknown, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(file.getFileName() + ": fields the Kubernetes model does not have: " + unknown);
            }
            out.add(resource);
        }
        return out;
    }

    /** The one resource of {@code type} named {@code name} in {@code deploy/FILE}. */
    public static <T extends HasMetadata> T one(String file, Class<T> type, String name) throws IOException {
        return load(file).stream().filter(type::isInstance).map(type::cast)
                .filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + file));
    }

    /** The YAML documents of a file, as maps (snakeyaml-engine, the project's YAML parser). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(file))) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    /** Walks fabric8's model by its getters and collects every non-empty additionalProperties with its path. */
    private static void unknownFields(Object node, String path, List<String> out, Set<Object> seen) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, out, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + m.getName().substring(3), out, seen);
            }
        }
    }
}
