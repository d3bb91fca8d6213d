package dev.etcdguard.collect;

import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Invocation.Arg;
import dev.etcdguard.etcd.Invocation.EnvVar;
import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Finds etcd containers in a pod spec and turns each into an {@link Invocation}: {@code command} and
 * {@code args} together as etcd's argv (or the etcd command inside a shell wrapper's script), the
 * container's {@code ETCD_*} environment as Kubernetes would set it, and its volumes as its files.
 */
final class EtcdContainers {

    private static final Set<String> SHELLS = Set.of("sh", "bash", "ash", "dash", "zsh", "ksh");

    private EtcdContainers() {}

    static List<Invocation> read(String file, int document, Manifests.PodSpec pod, ConfigMaps configMaps, Path nodeRoot) {
        List<Invocation> out = new ArrayList<>();
        for (String list : List.of("initContainers", "containers")) {
            for (Node container : Yaml.seq(Yaml.get(pod.spec(), list))) {
                List<Arg> argv = argv(file, container);
                if (argv == null) {
                    continue;
                }
                List<String> warnings = new ArrayList<>();
                List<EnvVar> env = env(file, container, pod.namespace(), configMaps, warnings);
                Target.Manifest target = new Target.Manifest(file, document, Yaml.line(container), Yaml.column(container),
                        pod.resource(), Yaml.str(container, "name"), null);
                out.add(new Invocation(argv, env,
                        new ManifestFileView(container, pod.spec(), pod.namespace(), configMaps, nodeRoot), -1, target,
                        List.of(), warnings, pod.clusterHint()));
            }
        }
        return out;
    }

    /** True when the pod spec has an etcd container (for static-pod duplicate detection). */
    static boolean hasEtcd(String file, Manifests.PodSpec pod) {
        for (String list : List.of("initContainers", "containers")) {
            for (Node container : Yaml.seq(Yaml.get(pod.spec(), list))) {
                if (argv(file, container) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** etcd's argv from {@code command} + {@code args}, or null when the container does not run etcd. */
    static List<Arg> argv(String file, Node container) {
        List<Node> command = Yaml.seq(Yaml.get(container, "command"));
        List<Node> args = Yaml.seq(Yaml.get(container, "args"));
        List<Arg> all = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            all.add(arg(file, command.get(i), "command[" + i + "]"));
        }
        for (int i = 0; i < args.size(); i++) {
            all.add(arg(file, args.get(i), "args[" + i + "]"));
        }
        if (all.isEmpty() || all.get(0).value() == null) {
            return null;
        }
        String program = ProcCollector.basename(all.get(0).value());
        if (program.equals("etcd")) {
            return all;
        }
        if (SHELLS.contains(program)) {
            return fromShell(all);
        }
        return null;
    }

    /** {@code sh -c SCRIPT}: the etcd command in the script, located at the script. */
    private static List<Arg> fromShell(List<Arg> all) {
        for (int i = 1; i + 1 < all.size(); i++) {
            if (all.get(i).value() != null && all.get(i).value().startsWith("-") && all.get(i).value().contains("c")) {
                Arg script = all.get(i + 1);
                List<String> words = script.value() == null ? null : ShellScript.etcdCommand(script.value());
                if (words == null) {
                    return null;
                }
                List<Arg> argv = new ArrayList<>();
                for (int w = 0; w < words.size(); w++) {
                    Location at = script.location();
                    argv.add(new Arg(words.get(w), new Location(at.file() + ":" + at.line() + ":" + at.column()
                            + " (shell script word " + w + ")", at.file(), at.line(), at.column())));
                }
                return argv;
            }
        }
        return null;
    }

    private static Arg arg(String file, Node node, String what) {
        return new Arg(Yaml.str(node), Yaml.location(file, node, what));
    }

    /**
     * The container's ETCD_* environment as Kubernetes builds it: {@code envFrom} first, then {@code env}
     * (which wins); a later duplicate in {@code env} wins. Values from Secrets and fields are unknown here.
     */
    private static List<EnvVar> env(String file, Node container, String namespace, ConfigMaps configMaps,
                                    List<String> warnings) {
        Map<String, EnvVar> env = new LinkedHashMap<>();
        for (Node from : Yaml.seq(Yaml.get(container, "envFrom"))) {
            Node ref = Yaml.get(from, "configMapRef");
            String prefix = Yaml.str(from, "prefix") == null ? "" : Yaml.str(from, "prefix");
            if (ref != null) {
                String name = Yaml.str(ref, "name");
                Map<String, ConfigMaps.Value> data = configMaps.get(namespace, name);
                if (data == null) {
                    warnings.add("envFrom ConfigMap " + namespace + "/" + name
                            + " is not among the scanned files: ETCD_* variables it may set are unknown");
                    continue;
                }
                data.forEach((k, v) -> {
                    if ((prefix + k).startsWith("ETCD_")) {
                        env.put(prefix + k, new EnvVar(prefix + k, v.text(), new Location("ConfigMap " + namespace + "/"
                                + name + " key " + k + " at " + v.origin().file() + ":" + (v.origin().line() + 1),
                                v.origin().file(), v.origin().line() + 1, 0)));
                    }
                });
            } else if (Yaml.get(from, "secretRef") != null) {
                warnings.add("envFrom Secret " + Yaml.str(Yaml.get(from, "secretRef"), "name")
                        + ": ETCD_* variables it may set are unknown to a manifest scan");
            }
        }
        for (Node var : Yaml.seq(Yaml.get(container, "env"))) {
            String name = Yaml.str(var, "name");
            if (name == null || !name.startsWith("ETCD_")) {
                continue;
            }
            Node valueFrom = Yaml.get(var, "valueFrom");
            if (valueFrom == null) {
                String value = Yaml.str(var, "value");
                env.remove(name);
                env.put(name, new EnvVar(name, value == null ? "" : value,
                        Yaml.location(file, Yaml.get(var, "value") != null ? Yaml.get(var, "value") : var, "env " + name)));
                continue;
            }
            Node ref = Yaml.get(valueFrom, "configMapKeyRef");
            if (ref != null) {
                String cm = Yaml.str(ref, "name");
                String key = Yaml.str(ref, "key");
                Map<String, ConfigMaps.Value> data = configMaps.get(namespace, cm);
                ConfigMaps.Value v = data == null ? null : data.get(key);
                if (v != null) {
                    env.remove(name);
                    env.put(name, new EnvVar(name, v.text(), new Location("ConfigMap " + namespace + "/" + cm
                            + " key " + key + " at " + v.origin().file() + ":" + (v.origin().line() + 1),
                            v.origin().file(), v.origin().line() + 1, 0)));
                    continue;
                }
            }
            env.remove(name);
            warnings.add(name + " comes from valueFrom (" + describe(valueFrom) + ") that this scan cannot resolve;"
                    + " its value is unknown");
        }
        return new ArrayList<>(env.values());
    }

    private static String describe(Node valueFrom) {
        for (String kind : List.of("configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef")) {
            Node ref = Yaml.get(valueFrom, kind);
            if (ref != null) {
                String name = Yaml.str(ref, "name");
                return kind + (name == null ? "" : " " + name) + (Yaml.str(ref, "key") == null ? "" : "/" + Yaml.str(ref, "key"));
            }
        }
        return "unknown source";
    }
}
