package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Invocation.Arg;
import dev.etcdguard.etcd.Invocation.EnvVar;
import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Finds etcd containers (and kube-apiserver containers, etcd's client) in a pod spec and turns each into
 * an {@link Invocation}: {@code command} and {@code args} together as the program's argv (or each etcd
 * command inside a shell wrapper's script), with {@code $(VAR)} references expanded as Kubernetes does,
 * the container's {@code ETCD_*} environment as Kubernetes would set it, and its volumes as its files.
 */
final class Containers {

    private static final Set<String> SHELLS = Set.of("sh", "bash", "ash", "dash", "zsh", "ksh");

    /** A variable of the container's environment: its value, or why it is unknown (value null). */
    private record Var(String value, String unknownBecause) {}

    /**
     * etcd's (or kube-apiserver's) argv, and the variables a shell wrapper gives it: {@code unknownEnv} are those it
     * sets to values known only when it runs, {@code warnings} this command's own, {@code branch} says which of the
     * script's etcd commands it is (null when the container runs one), {@code clusterHint} why it is not provably
     * alone although its configuration as written says so (or null).
     */
    private record Program(Component component, List<Arg> argv, List<EnvVar> shellEnv, List<String> unknownEnv,
                           List<String> warnings, String branch, String clusterHint) {
        Program(Component component, List<Arg> argv) {
            this(component, argv, List.of(), List.of(), List.of(), null, null);
        }
    }

    private Containers() {}

    static List<Invocation> read(String file, int document, Manifests.PodSpec pod, ConfigMaps configMaps, Path nodeRoot) {
        List<Invocation> out = new ArrayList<>();
        for (String list : List.of("initContainers", "containers")) {
            for (Node container : Yaml.seq(Yaml.get(pod.spec(), list))) {
                if (program(file, container, Map.of(), new ArrayList<>()).isEmpty()) {
                    continue; // decided on the manifest as written, as components() does
                }
                List<String> containerWarnings = new ArrayList<>();
                Map<String, Var> vars = new LinkedHashMap<>();
                Map<String, EnvVar> containerEnv = env(file, container, pod.namespace(), configMaps, vars, containerWarnings);
                for (Program program : program(file, container, vars, containerWarnings)) { // a script may have several
                    Map<String, EnvVar> env = new LinkedHashMap<>(containerEnv);
                    List<String> warnings = new ArrayList<>(containerWarnings);
                    warnings.addAll(program.warnings());
                    program.unknownEnv().forEach(env::remove);
                    for (EnvVar v : program.shellEnv()) { // the script's assignments win over the container's env
                        env.remove(v.name());
                        env.put(v.name(), v);
                    }
                    String name = Yaml.str(container, "name");
                    Target.Manifest target = new Target.Manifest(file, document, Yaml.line(container), Yaml.column(container),
                            pod.resource(), program.branch() == null ? name : name + " (" + program.branch() + ")", null);
                    boolean etcd = program.component() == Component.ETCD;
                    out.add(new Invocation(program.component(), program.argv(),
                            etcd ? new ArrayList<>(env.values()) : List.of(), // kube-apiserver reads no setting from env
                            new ManifestFileView(container, pod.spec(), pod.namespace(), configMaps, nodeRoot),
                            runAsUser(container, pod.spec()), target, List.of(), warnings,
                            !etcd ? null : pod.clusterHint() != null ? pod.clusterHint() : program.clusterHint(),
                            null, null));
                }
            }
        }
        return out;
    }

    /** The programs the pod spec's containers run, of those etcdguard judges (etcd, kube-apiserver). */
    static Set<Component> components(String file, Manifests.PodSpec pod) {
        Set<Component> found = EnumSet.noneOf(Component.class);
        for (String list : List.of("initContainers", "containers")) {
            for (Node container : Yaml.seq(Yaml.get(pod.spec(), list))) {
                program(file, container, Map.of(), new ArrayList<>()).forEach(p -> found.add(p.component()));
            }
        }
        return found;
    }

    /**
     * etcd's argv from {@code command} + {@code args} with {@code $(VAR)} references to {@code vars} expanded,
     * or none when the container does not run etcd (several when its shell script has several etcd commands).
     */
    private static List<Program> program(String file, Node container, Map<String, Var> vars, List<String> warnings) {
        List<Node> command = Yaml.seq(Yaml.get(container, "command"));
        List<Node> args = Yaml.seq(Yaml.get(container, "args"));
        Node first = !command.isEmpty() ? command.get(0) : !args.isEmpty() ? args.get(0) : null;
        // In a shell's script, $(word) is mostly command substitution: only the shell's own warning is given
        boolean shell = Yaml.str(first) != null && SHELLS.contains(ProcCollector.basename(Yaml.str(first)));
        List<Arg> all = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            all.add(arg(file, command.get(i), "command[" + i + "]", vars, !shell, warnings));
        }
        for (int i = 0; i < args.size(); i++) {
            all.add(arg(file, args.get(i), "args[" + i + "]", vars, !shell, warnings));
        }
        if (all.isEmpty()) {
            return List.of();
        }
        String program = ProcCollector.basename(all.get(0).value());
        Component component = Component.ofProgram(program);
        if (component != null) {
            return List.of(new Program(component, all));
        }
        if (SHELLS.contains(program)) {
            List<Node> nodes = new ArrayList<>(command);
            nodes.addAll(args);
            return fromShell(all, nodes, vars);
        }
        return List.of();
    }

    /**
     * {@code sh [options] -c SCRIPT}: the etcd commands in the script (see {@link ShellScript}), each word located
     * at its line of the script (of the manifest, for a literal block scalar). The script is the first argument
     * after the options, when one of them is {@code -c}; the container's env is the shell's.
     */
    private static List<Program> fromShell(List<Arg> all, List<Node> nodes, Map<String, Var> vars) {
        boolean dashC = false;
        int i = 1;
        for (; i < all.size(); i++) {
            String v = all.get(i).value();
            if (v.equals("--") || v.equals("-")) {
                i++;
                break;
            }
            if (v.startsWith("--")) { // bash's long options; two take an argument
                if (v.equals("--rcfile") || v.equals("--init-file")) {
                    i++;
                }
                continue;
            }
            if (v.length() > 1 && (v.charAt(0) == '-' || v.charAt(0) == '+')) {
                dashC |= v.charAt(0) == '-' && v.indexOf('c') > 0;
                if (v.indexOf('o') > 0 || v.indexOf('O') > 0) { // -o pipefail
                    i++;
                }
                continue;
            }
            break;
        }
        if (!dashC || i >= all.size()) {
            return List.of();
        }
        Arg script = all.get(i);
        Map<String, ShellScript.Value> shellEnv = new LinkedHashMap<>();
        vars.forEach((name, v) -> shellEnv.put(name, v.value() != null ? ShellScript.Value.known(v.value(), 0)
                : ShellScript.Value.unknown(name + " comes from the container's env (" + v.unknownBecause()
                + "), unknown to a manifest scan", 0)));
        List<ShellScript.Command> commands = ShellScript.etcdCommands(script.value(), shellEnv);
        // a literal block scalar keeps the script's lines: script line k is the k-th line after the '|'
        boolean literal = nodes.get(i) instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.LITERAL;
        Location at = script.location();
        java.util.function.IntFunction<Location> line = k -> {
            int l = literal ? at.line() + k : at.line();
            int c = literal ? 0 : at.column();
            return new Location(at.file() + ":" + l + (c > 0 ? ":" + c : "") + " (shell script line " + k, at.file(), l, c);
        };
        List<Program> programs = new ArrayList<>();
        for (ShellScript.Command command : commands) {
            List<Arg> argv = new ArrayList<>();
            for (int w = 0; w < command.words().size(); w++) {
                ShellScript.Word word = command.words().get(w);
                Location l = line.apply(word.line());
                argv.add(new Arg(word.text(), new Location(l.label() + ", word " + w
                        + (word.via() == null ? "" : "; " + word.via()) + ")", l.file(), l.line(), l.column())));
            }
            List<EnvVar> env = new ArrayList<>();
            List<String> unknownEnv = new ArrayList<>();
            command.env().forEach((name, value) -> {
                if (name.startsWith("ETCD_") && value.isKnown()) {
                    Location l = line.apply(value.line());
                    env.add(new EnvVar(name, value.text(), new Location(l.label() + ": " + name + " set by the shell script)",
                            l.file(), l.line(), l.column())));
                } else if (name.startsWith("ETCD_")) {
                    unknownEnv.add(name);
                }
            });
            Location l = line.apply(command.line());
            String branch = commands.size() == 1 ? null
                    : "shell script line " + command.line() + (literal ? ", file line " + l.line() : "");
            programs.add(new Program(Component.ETCD, argv, env, unknownEnv, command.unknowns(), branch,
                    command.clusterUnknown()));
        }
        return programs;
    }

    private static Arg arg(String file, Node node, String what, Map<String, Var> vars, boolean warnUndefined,
                           List<String> warnings) {
        String value = Yaml.str(node);
        if (value == null) {
            if (!(node instanceof ScalarNode)) {
                warnings.add(what + " is not a string: Kubernetes rejects this pod");
            }
            value = ""; // YAML null in a list of strings is the empty string
        }
        return new Arg(expand(value, vars, what, warnUndefined, warnings), Yaml.location(file, node, what));
    }

    /**
     * Kubernetes' expansion of {@code $(VAR)} in command, args and env values: a defined variable is
     * replaced, {@code $$} is a literal {@code $}, anything else is left as written.
     */
    private static String expand(String s, Map<String, Var> vars, String what, boolean warnUndefined,
                                 List<String> warnings) {
        if (s.indexOf('$') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 >= n) {
                out.append(c);
            } else if (s.charAt(i + 1) == '$') {
                out.append('$');
                i++;
            } else if (s.charAt(i + 1) == '(' && s.indexOf(')', i + 2) > 0) {
                int close = s.indexOf(')', i + 2);
                String name = s.substring(i + 2, close);
                Var var = vars.get(name);
                if (var != null && var.value() != null) {
                    out.append(var.value());
                } else {
                    out.append(s, i, close + 1);
                    if (var != null) {
                        warnings.add(what + " refers to $(" + name + "), whose value comes from " + var.unknownBecause()
                                + " and is unknown here; this scan takes it as written");
                    } else if (warnUndefined) {
                        warnings.add(what + " refers to $(" + name + "), which the container's env does not define"
                                + " (Kubernetes leaves it as written unless it is a service variable); this scan takes"
                                + " it as written");
                    }
                }
                i = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * The container's environment as Kubernetes builds it: {@code envFrom} first, then {@code env} (which
     * wins, and whose values may refer to the variables before them); a later duplicate in {@code env}
     * wins. Every variable goes into {@code vars} (for {@code $(VAR)} references); the {@code ETCD_*} ones
     * are returned. Values from Secrets and fields are unknown here.
     */
    private static Map<String, EnvVar> env(String file, Node container, String namespace, ConfigMaps configMaps,
                                           Map<String, Var> vars, List<String> warnings) {
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
                new java.util.TreeMap<>(data).forEach((k, v) -> {
                    vars.put(prefix + k, new Var(v.text(), null));
                    if ((prefix + k).startsWith("ETCD_")) {
                        env.remove(prefix + k);
                        env.put(prefix + k, new EnvVar(prefix + k, v.text(), configMapLocation(namespace, name, k, v)));
                    }
                });
            } else if (Yaml.get(from, "secretRef") != null) {
                warnings.add("envFrom Secret " + Yaml.str(Yaml.get(from, "secretRef"), "name")
                        + ": ETCD_* variables it may set are unknown to a manifest scan");
            }
        }
        for (Node var : Yaml.seq(Yaml.get(container, "env"))) {
            String name = Yaml.str(var, "name");
            if (name == null) {
                continue;
            }
            boolean etcd = name.startsWith("ETCD_");
            Node valueFrom = Yaml.get(var, "valueFrom");
            if (valueFrom == null) {
                String value = Yaml.str(var, "value");
                value = expand(value == null ? "" : value, vars, "env " + name, true, etcd ? warnings : new ArrayList<>());
                vars.put(name, new Var(value, null));
                if (etcd) {
                    env.remove(name);
                    env.put(name, new EnvVar(name, value,
                            Yaml.location(file, Yaml.get(var, "value") != null ? Yaml.get(var, "value") : var, "env " + name)));
                }
                continue;
            }
            Node ref = Yaml.get(valueFrom, "configMapKeyRef");
            if (ref != null) {
                String cm = Yaml.str(ref, "name");
                String key = Yaml.str(ref, "key");
                Map<String, ConfigMaps.Value> data = configMaps.get(namespace, cm);
                ConfigMaps.Value v = data == null ? null : data.get(key);
                if (v != null) {
                    vars.put(name, new Var(v.text(), null));
                    if (etcd) {
                        env.remove(name);
                        env.put(name, new EnvVar(name, v.text(), configMapLocation(namespace, cm, key, v)));
                    }
                    continue;
                }
            }
            vars.put(name, new Var(null, describe(valueFrom)));
            if (etcd) {
                env.remove(name);
                warnings.add(name + " comes from valueFrom (" + describe(valueFrom) + ") that this scan cannot resolve;"
                        + " its value is unknown");
            }
        }
        return env;
    }

    private static Location configMapLocation(String namespace, String name, String key, ConfigMaps.Value v) {
        return new Location("ConfigMap " + namespace + "/" + name + " key " + key + " at " + v.origin().file() + ":"
                + (v.origin().line() + 1), v.origin().file(), v.origin().line() + 1, 0);
    }

    /** {@code runAsUser} of the container's securityContext, else of the pod's, else -1 (the image decides). */
    private static int runAsUser(Node container, Node podSpec) {
        for (Node context : new Node[] {Yaml.get(container, "securityContext"), Yaml.get(podSpec, "securityContext")}) {
            String uid = Yaml.str(context, "runAsUser");
            if (uid != null) {
                try {
                    return Integer.parseInt(uid.trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static String describe(Node valueFrom) {
        for (String kind : List.of("configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef")) {
            Node ref = Yaml.get(valueFrom, kind);
            if (ref != null) {
                String name = Yaml.str(ref, kind.equals("fieldRef") ? "fieldPath" : "name");
                return kind + (name == null ? "" : " " + name) + (Yaml.str(ref, "key") == null ? "" : "/" + Yaml.str(ref, "key"));
            }
        }
        return "unknown source";
    }
}
