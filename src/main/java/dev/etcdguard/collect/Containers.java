package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Invocation.Arg;
import dev.etcdguard.etcd.Invocation.EnvVar;
import dev.etcdguard.etcd.Invocation.Note;
import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Finds etcd containers (and kube-apiserver containers, etcd's client) in a pod spec and turns each into
 * an {@link Invocation}: {@code command} and {@code args} together as the program's argv (or each etcd
 * command inside a shell wrapper's script, or the etcd an etcd image runs when the pod sets no command,
 * see {@link EtcdImages}), with {@code $(VAR)} references expanded as Kubernetes does, the container's
 * {@code ETCD_*} environment as Kubernetes would set it (with the pod fields a manifest shows, such as a
 * StatefulSet pod's name), and its volumes as its files.
 */
final class Containers {

    private static final Set<String> SHELLS = Set.of("sh", "bash", "ash", "dash", "zsh", "ksh");

    /** A variable of the container's environment: its value, or why it is unknown (value null). */
    private record Var(String value, String unknownBecause) {}

    /**
     * etcd's (or kube-apiserver's) argv, and the variables a shell wrapper gives it.
     *
     * @param image       the etcd image that runs it when the pod sets no command (or Bitnami's scripts), or null
     * @param bitnami     true when Bitnami's run.sh starts etcd (its environment rules apply)
     * @param problem     why the container cannot run etcd as the manifest intends, or null
     * @param unknownEnv  variables a shell script sets to values known only when it runs
     * @param warnings    this command's own warnings (a shell script's)
     * @param branch      which of a script's etcd commands it is, or null when the container runs one
     * @param clusterHint why it is not provably alone although its configuration as written says so, or null
     */
    private record Program(Component component, List<Arg> argv, List<EnvVar> shellEnv, EtcdImages.Match image,
                           boolean bitnami, String problem, List<String> unknownEnv, List<String> warnings,
                           String branch, String clusterHint) {

        Program(Component component, List<Arg> argv) {
            this(component, argv, List.of(), null, false, null);
        }

        Program(Component component, List<Arg> argv, List<EnvVar> shellEnv, EtcdImages.Match image, boolean bitnami,
                String problem) {
            this(component, argv, shellEnv, image, bitnami, problem, List.of(), List.of(), null, null);
        }

        Program(Component component, List<Arg> argv, List<EnvVar> shellEnv, List<String> unknownEnv,
                List<String> warnings, String branch, String clusterHint) {
            this(component, argv, shellEnv, null, false, null, unknownEnv, warnings, branch, clusterHint);
        }
    }

    private Containers() {}

    static List<Invocation> read(String file, int document, Manifests.PodSpec pod, ConfigMaps configMaps, Path nodeRoot) {
        List<Invocation> out = new ArrayList<>();
        for (String list : List.of("initContainers", "containers")) {
            for (Node container : Yaml.seq(Yaml.get(pod.spec(), list))) {
                if (program(file, container, Map.of(), new ArrayList<>(), new ArrayList<>()).isEmpty()) {
                    continue; // decided on the manifest as written, as components() does
                }
                List<String> containerWarnings = new ArrayList<>();
                List<Note> containerNotes = new ArrayList<>();
                Map<String, Var> vars = new LinkedHashMap<>();
                Map<String, Note> containerEnvNotes = new LinkedHashMap<>();
                String[] ordinal = new String[2]; // the StatefulSet pod-name assumption, and the name it gives
                Map<String, EnvVar> containerEnv = env(file, container, pod, configMaps, vars, containerWarnings,
                        containerEnvNotes, ordinal);
                for (Program program : program(file, container, vars, containerWarnings, containerNotes)) {
                    // a shell script may hold several etcd commands: each is an invocation of its own
                    Map<String, EnvVar> env = new LinkedHashMap<>(containerEnv);
                    List<String> warnings = new ArrayList<>(containerWarnings);
                    warnings.addAll(program.warnings());
                    List<Note> notes = new ArrayList<>(containerNotes);
                    Map<String, Note> envNotes = new LinkedHashMap<>(containerEnvNotes);
                    program.unknownEnv().forEach(env::remove);
                    for (EnvVar v : program.shellEnv()) { // the script's assignments win over the container's env
                        env.remove(v.name());
                        env.put(v.name(), v);
                        envNotes.remove(v.name());
                    }
                    out.add(invocation(file, document, pod, configMaps, nodeRoot, container, program, env, envNotes,
                            warnings, notes, ordinal));
                }
            }
        }
        return out;
    }

    private static Invocation invocation(String file, int document, Manifests.PodSpec pod, ConfigMaps configMaps,
                                         Path nodeRoot, Node container, Program program, Map<String, EnvVar> env,
                                         Map<String, Note> envNotes, List<String> warnings, List<Note> notes,
                                         String[] ordinal) {
        ManifestFileView files = new ManifestFileView(container, pod, configMaps, nodeRoot);
        List<Arg> argv = program.argv();
        List<String> problems = new ArrayList<>();
        if (program.problem() != null) {
            problems.add(program.problem());
        }
        if (program.image() != null && program.problem() == null) {
            notes.add(0, Note.assumed(program.image().describe() + " runs etcd as its entrypoint"
                    + (program.bitnami() ? " (Bitnami's entrypoint.sh and run.sh: etcd with the container's ETCD_*"
                    + " variables" + (argv.size() > 1 ? " and the run.sh arguments" : "") + ")"
                    : " (" + program.image().entry().program() + ")"), List.of()));
        }
        if (program.bitnami()) {
            argv = bitnami(container, pod.spec(), files, argv, env, envNotes, warnings, notes);
        }
        String name = Yaml.str(container, "name");
        Target.Manifest target = new Target.Manifest(file, document, Yaml.line(container), Yaml.column(container),
                pod.resource(), program.branch() == null ? name : name + " (" + program.branch() + ")", null);
        boolean etcd = program.component() == Component.ETCD;
        if (etcd) {
            notes.addAll(envNotes.values());
        }
        if (ordinal[0] != null) {
            notes.add(Note.assumed(ordinal[0], settingsHolding(ordinal[1], argv, etcd ? env.values() : List.of())));
        }
        int uid = runAsUser(container, pod.spec());
        if (uid < 0 && program.bitnami()) {
            uid = BitnamiEtcd.IMAGE_UID;
        }
        EtcdImages.Match image = EtcdImages.match(Yaml.str(container, "image"));
        return new Invocation(program.component(), argv,
                etcd ? new ArrayList<>(env.values()) : List.of(), // kube-apiserver reads no setting from env
                files, uid, target, problems, warnings,
                !etcd ? null : pod.clusterHint() != null ? pod.clusterHint() : program.clusterHint(),
                null, etcd && image != null ? image.version() : null,
                notes); // a kube-apiserver's notes come from its args only
    }

    /**
     * Bitnami's run.sh: the scripts' own ETCD_* variables are theirs, etcd-env.sh defaults some of etcd's
     * and sets ETCD_DATA_DIR, and {@code --config-file} comes first when /opt/bitnami/etcd/conf/etcd.yaml exists.
     */
    private static List<Arg> bitnami(Node container, Node podSpec, FileView files, List<Arg> argv,
                                     Map<String, EnvVar> env, Map<String, Note> envNotes, List<String> warnings,
                                     List<Note> notes) {
        Location script = new Location("etcd-env.sh of the image (run.sh sources it)", null, 0, 0);
        Set<String> own = new TreeSet<>();
        for (String name : List.copyOf(env.keySet())) {
            if (BitnamiEtcd.scriptVariable(name)) {
                own.add(name);
                env.remove(name);
                String filled = BitnamiEtcd.filledFromFile(name);
                if (filled != null && !BitnamiEtcd.SCRIPT_VARIABLES.contains(filled)) {
                    env.remove(filled);
                    envNotes.put(filled, Note.unknown(filled + " is read by the image's etcd-env.sh from the file " + name
                            + " names; its value is unknown to a manifest scan", List.of(flagOf(filled))));
                }
            }
        }
        for (String name : List.copyOf(envNotes.keySet())) {
            if (BitnamiEtcd.SCRIPT_VARIABLES.contains(name) || BitnamiEtcd.filledFromFile(name) != null) {
                own.add(name);
                envNotes.remove(name); // e.g. ETCD_ROOT_PASSWORD from a Secret: the scripts', not etcd's
            }
        }
        if (!own.isEmpty()) {
            notes.add(Note.noted(String.join(", ", own) + (own.size() == 1 ? " is" : " are")
                    + " read by the image's entrypoint scripts, not by etcd (run.sh unsets ETCD_ROOT_PASSWORD)"));
        }
        List<String> cfg = env.keySet().stream().filter(n -> n.startsWith(BitnamiEtcd.CONFIG_VARIABLE_PREFIX)).toList();
        if (!cfg.isEmpty()) {
            cfg.forEach(env::remove);
            warnings.add(String.join(", ", cfg) + ": the image's setup writes them into " + BitnamiEtcd.CONF_FILE
                    + ", which run.sh then passes as --config-file, so etcd ignores every ETCD_* variable; this scan does"
                    + " not model that generated file");
        }
        List<String> defaulted = new ArrayList<>();
        BitnamiEtcd.DEFAULTS.forEach((name, value) -> {
            EnvVar given = env.get(name);
            if ((given == null || given.value().isEmpty()) && !envNotes.containsKey(name)) {
                env.put(name, new EnvVar(name, value, script));
                defaulted.add(name + "=" + value);
            }
        });
        BitnamiEtcd.FORCED.forEach((name, value) -> {
            EnvVar given = env.remove(name);
            envNotes.remove(name);
            env.put(name, new EnvVar(name, value, new Location("etcd-env.sh of the image sets it"
                    + (given != null && !given.value().equals(value) ? ", replacing the container's " + given.value() : ""),
                    null, 0, 0)));
        });
        if (!defaulted.isEmpty()) {
            notes.add(Note.assumed("the image's etcd-env.sh sets " + String.join(", ", defaulted)
                    + " when the container leaves them unset", defaulted.stream()
                    .map(d -> flagOf(d.substring(0, d.indexOf('=')))).toList()));
        }
        notes.add(Note.assumed("evaluated as a member that bootstraps the cluster: a member run.sh adds to a running"
                + " cluster takes initial-cluster from etcdctl member add (/bitnami/etcd/data/new_member_envs)",
                List.of("initial-cluster", "initial-cluster-state")));
        List<Arg> out = new ArrayList<>();
        out.add(argv.get(0));
        switch (files.lookup(BitnamiEtcd.CONF_FILE)) {
            case FileView.Lookup.Content c -> {
                Location at = new Location("run.sh passes --config-file: " + BitnamiEtcd.CONF_FILE + " exists ("
                        + c.origin() + ")", c.origin() == null ? null : c.origin().file(),
                        c.origin() == null ? 0 : c.origin().line(), 0);
                out.add(new Arg("--config-file", at));
                out.add(new Arg(BitnamiEtcd.CONF_FILE, at));
            }
            case FileView.Lookup.Elsewhere e -> {
                if (!e.suspicious() && !emptyDirAt(container, podSpec, BitnamiEtcd.CONF_DIR)) {
                    warnings.add(BitnamiEtcd.CONF_FILE + " is " + e.reason() + ": when it exists, run.sh passes it as"
                            + " --config-file and etcd ignores every ETCD_* variable");
                }
            }
            case FileView.Lookup.OnDisk d -> warnings.add(BitnamiEtcd.CONF_FILE + " may exist on the node (" + d.path()
                    + "): when it does, run.sh passes it as --config-file and etcd ignores every ETCD_* variable");
        }
        out.addAll(argv.subList(1, argv.size()));
        return out;
    }

    /** The settings whose value (a flag's or an ETCD_* variable's) contains {@code text}. */
    private static List<String> settingsHolding(String text, List<Arg> argv, java.util.Collection<EnvVar> env) {
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < argv.size(); i++) {
            String flag = flagAt(argv, i);
            if (flag != null && argv.get(i).value().contains(text)) {
                out.add(flag);
            }
        }
        env.stream().filter(v -> v.value().contains(text)).forEach(v -> out.add(flagOf(v.name())));
        return out.isEmpty() ? List.of("name") : List.copyOf(out);
    }

    /** Whether the volumeMount covering {@code dir} in the container is an emptyDir (empty when the pod starts). */
    private static boolean emptyDirAt(Node container, Node podSpec, String dir) {
        String best = null;
        String volume = null;
        for (Node m : Yaml.seq(Yaml.get(container, "volumeMounts"))) {
            String mp = Yaml.str(m, "mountPath");
            String normalized = mp == null ? null : NodeRoot.normalize(mp);
            if (normalized != null && (dir.equals(normalized) || dir.startsWith(normalized + "/"))
                    && (best == null || normalized.length() > best.length())) {
                best = normalized;
                volume = Yaml.str(m, "name");
            }
        }
        for (Node v : Yaml.seq(Yaml.get(podSpec, "volumes"))) {
            if (volume != null && volume.equals(Yaml.str(v, "name"))) {
                return Yaml.get(v, "emptyDir") != null;
            }
        }
        return false;
    }

    /** The programs the pod spec's containers run, of those etcdguard judges (etcd, kube-apiserver). */
    static Set<Component> components(String file, Manifests.PodSpec pod) {
        Set<Component> found = EnumSet.noneOf(Component.class);
        for (String list : List.of("initContainers", "containers")) {
            for (Node container : Yaml.seq(Yaml.get(pod.spec(), list))) {
                program(file, container, Map.of(), new ArrayList<>(), new ArrayList<>()).forEach(p -> found.add(p.component()));
            }
        }
        return found;
    }

    /**
     * etcd's argv from {@code command} + {@code args} with {@code $(VAR)} references to {@code vars} expanded,
     * or none when the container does not run etcd (several when its shell script has several etcd commands). A
     * reference whose value is unknown is a note on the setting of the flag it is part of (or a warning inside a
     * shell script).
     */
    private static List<Program> program(String file, Node container, Map<String, Var> vars, List<String> warnings,
                                         List<Note> notes) {
        List<Node> command = Yaml.seq(Yaml.get(container, "command"));
        List<Node> args = Yaml.seq(Yaml.get(container, "args"));
        Node first = !command.isEmpty() ? command.get(0) : !args.isEmpty() ? args.get(0) : null;
        // In a shell's script, $(word) is mostly command substitution: only the shell's own warning is given
        boolean shell = Yaml.str(first) != null && SHELLS.contains(ProcCollector.basename(Yaml.str(first)));
        List<Arg> all = new ArrayList<>();
        List<List<String>> unknown = new ArrayList<>();
        for (int i = 0; i < command.size(); i++) {
            List<String> u = new ArrayList<>();
            all.add(arg(file, command.get(i), "command[" + i + "]", vars, !shell, warnings, u));
            unknown.add(u);
        }
        for (int i = 0; i < args.size(); i++) {
            List<String> u = new ArrayList<>();
            all.add(arg(file, args.get(i), "args[" + i + "]", vars, !shell, warnings, u));
            unknown.add(u);
        }
        List<Node> nodes = new ArrayList<>(command);
        nodes.addAll(args);
        List<Program> programs = detect(file, container, command.isEmpty(), all, nodes, vars);
        boolean toWarnings = shell || programs.stream().anyMatch(p -> p.problem() != null);
        for (int i = 0; i < all.size() && !programs.isEmpty(); i++) {
            for (String message : unknown.get(i)) {
                if (toWarnings) {
                    warnings.add(message);
                } else {
                    String flag = flagAt(all, i);
                    notes.add(Note.unknown(message, flag != null && programs.get(0).component().setting(flag) != null
                            ? List.of(flag) : List.of()));
                }
            }
        }
        return programs;
    }

    /** The programs the container runs, from its command, its args, or its image's entrypoint; none when not ours. */
    private static List<Program> detect(String file, Node container, boolean noCommand, List<Arg> all, List<Node> nodes,
                                        Map<String, Var> vars) {
        EtcdImages.Match image = EtcdImages.match(Yaml.str(container, "image"));
        if (image != null) {
            Program fromImage = fromImage(file, container, image, noCommand, all);
            if (fromImage != null) {
                return List.of(fromImage);
            }
        }
        if (noCommand && (all.isEmpty() || all.get(0).value().startsWith("-"))
                && EtcdImages.looksLikeEtcd(Yaml.str(container, "image"))) {
            return List.of(unknownEtcdImage(file, container, all));
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
            return fromShell(all, nodes, vars);
        }
        return List.of();
    }

    /**
     * What an etcd image runs when the pod leaves its entrypoint in place (see etcd-images.txt), or null when
     * the command and args decide as for any image.
     */
    private static Program fromImage(String file, Node container, EtcdImages.Match image, boolean noCommand, List<Arg> all) {
        Node imageNode = Yaml.get(container, "image");
        Location at = Yaml.location(file, imageNode == null ? container : imageNode, "image");
        Location imageAt = new Location(at.file() + ":" + at.line() + ":" + at.column() + " (" + image.describe()
                + ": its entrypoint)", at.file(), at.line(), at.column());
        String quotedFirst = all.isEmpty() ? null : "'" + all.get(0).value() + "'";
        boolean flagFirst = !all.isEmpty() && all.get(0).value().startsWith("-");
        switch (image.entry().entrypoint()) {
            case BITNAMI -> {
                List<Arg> rest = all;
                boolean viaEntrypoint = noCommand;
                if (!noCommand && !all.isEmpty() && all.get(0).value().equals(BitnamiEtcd.ENTRYPOINT)) {
                    rest = all.subList(1, all.size());
                    viaEntrypoint = true;
                }
                if (!noCommand && !viaEntrypoint && !(all.get(0).value().equals(BitnamiEtcd.RUN))) {
                    return null; // a command of its own: program detection by command
                }
                if (rest.isEmpty() || rest.get(0).value().equals(BitnamiEtcd.RUN)) {
                    List<Arg> argv = new ArrayList<>();
                    argv.add(new Arg("etcd", rest.isEmpty() ? imageAt : rest.get(0).location()));
                    argv.addAll(rest.isEmpty() ? List.of() : rest.subList(1, rest.size()));
                    return new Program(Component.ETCD, argv, List.of(), image, true, null);
                }
                if (rest.get(0).value().startsWith("-")) {
                    List<Arg> argv = new ArrayList<>();
                    argv.add(new Arg("etcd", imageAt));
                    argv.addAll(rest);
                    return new Program(Component.ETCD, argv, List.of(), image, false, image.describe()
                            + ": its entrypoint.sh ends in exec \"$@\", so it runs " + "'" + rest.get(0).value()
                            + "' as a program and the container does not start; etcd flags go after "
                            + BitnamiEtcd.RUN + " in args");
                }
                return null;
            }
            case CMD -> {
                if (!noCommand) {
                    return null;
                }
                if (all.isEmpty()) {
                    return new Program(Component.ETCD, List.of(new Arg(image.entry().program(), imageAt)), List.of(),
                            image, false, null);
                }
                if (flagFirst) {
                    return withProblem(image, imageAt, all, image.describe() + " has no ENTRYPOINT and its CMD is "
                            + image.entry().program() + ": args replace the CMD, so Kubernetes runs " + quotedFirst
                            + " as the program and the container does not start; put etcd in command");
                }
                return null;
            }
            case NONE -> {
                if (!noCommand || (!all.isEmpty() && !flagFirst)) {
                    return null;
                }
                return withProblem(image, imageAt, all, image.describe() + " has no ENTRYPOINT and no CMD"
                        + (all.isEmpty() ? ": a container without command does not start"
                        : ": Kubernetes runs args[0] " + quotedFirst + " as the program and the container does not start")
                        + "; put etcd in command");
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * A container without {@code command} whose image is named etcd but is not a known etcd image: what its entrypoint
     * runs is unknown, so it is judged as nothing rather than silently skipped (every rule says why).
     */
    private static Program unknownEtcdImage(String file, Node container, List<Arg> all) {
        Node imageNode = Yaml.get(container, "image");
        Location at = Yaml.location(file, imageNode == null ? container : imageNode, "image");
        List<Arg> argv = new ArrayList<>();
        argv.add(new Arg("etcd", at));
        argv.addAll(all);
        return new Program(Component.ETCD, argv, List.of(), null, false, "image " + Yaml.str(container, "image")
                + " is named etcd but is not one of the etcd images etcdguard knows (src/main/resources/etcd-images.txt):"
                + " what its entrypoint runs, and with which settings, is unknown to a manifest scan; set the"
                + " container's command (e.g. [etcd, --name=...]) so that it can be judged");
    }

    private static Program withProblem(EtcdImages.Match image, Location imageAt, List<Arg> all, String problem) {
        List<Arg> argv = new ArrayList<>();
        argv.add(new Arg("etcd", imageAt));
        argv.addAll(all);
        return new Program(Component.ETCD, argv, List.of(), image, false, problem);
    }

    /** The flag argv[i] belongs to ({@code --name=$(X)} or {@code --name $(X)}), or null. */
    private static String flagAt(List<Arg> all, int i) {
        String v = all.get(i).value();
        if (v.startsWith("-")) {
            String f = v.replaceFirst("^-{1,2}", "");
            int eq = f.indexOf('=');
            return eq < 0 ? null : f.substring(0, eq);
        }
        if (i > 0) {
            String prev = all.get(i - 1).value();
            if (prev.startsWith("-") && prev.indexOf('=') < 0 && prev.length() > 1) {
                return prev.replaceFirst("^-{1,2}", "");
            }
        }
        return null;
    }

    /** {@code ETCD_PEER_CERT_FILE -> peer-cert-file}. */
    static String flagOf(String envVar) {
        return envVar.substring("ETCD_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
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
                           List<String> warnings, List<String> unknown) {
        String value = Yaml.str(node);
        if (value == null) {
            if (!(node instanceof ScalarNode)) {
                warnings.add(what + " is not a string: Kubernetes rejects this pod");
            }
            value = ""; // YAML null in a list of strings is the empty string
        }
        return new Arg(expand(value, vars, what, warnUndefined, unknown), Yaml.location(file, node, what));
    }

    /**
     * Kubernetes' expansion of {@code $(VAR)} in command, args and env values: a defined variable is
     * replaced, {@code $$} is a literal {@code $}, anything else is left as written. A reference whose value
     * is unknown here is said in {@code unknown}.
     */
    private static String expand(String s, Map<String, Var> vars, String what, boolean warnUndefined,
                                 List<String> unknown) {
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
                        unknown.add(what + " refers to $(" + name + "), whose value comes from " + var.unknownBecause()
                                + " and is unknown here; this scan takes it as written");
                    } else if (warnUndefined) {
                        unknown.add(what + " refers to $(" + name + "), which the container's env does not define"
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
     * are returned. Values from Secrets, and pod fields a manifest does not show, are unknown here: an
     * {@code ETCD_*} variable so affected gets a note in {@code envNotes} on its setting.
     */
    private static Map<String, EnvVar> env(String file, Node container, Manifests.PodSpec pod, ConfigMaps configMaps,
                                           Map<String, Var> vars, List<String> warnings, Map<String, Note> envNotes,
                                           String[] ordinal) {
        String namespace = pod.namespace();
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
                        envNotes.remove(prefix + k);
                        env.put(prefix + k, new EnvVar(prefix + k, v.text(), configMapLocation(namespace, name, k, v)));
                    }
                });
            } else if (Yaml.get(from, "secretRef") != null) {
                warnings.add("envFrom Secret " + Yaml.str(Yaml.get(from, "secretRef"), "name")
                        + ": ETCD_* variables it may set are unknown to a manifest scan");
            }
        }
        PodFields fields = new PodFields(pod);
        for (Node var : Yaml.seq(Yaml.get(container, "env"))) {
            String name = Yaml.str(var, "name");
            if (name == null) {
                continue;
            }
            boolean etcd = name.startsWith("ETCD_");
            // an unknown config file replaces every setting: its note concerns them all
            List<String> settings = etcd && !name.equals("ETCD_CONFIG_FILE") ? List.of(flagOf(name)) : List.of();
            Node valueFrom = Yaml.get(var, "valueFrom");
            if (valueFrom == null) {
                String value = Yaml.str(var, "value");
                List<String> unknown = new ArrayList<>();
                value = expand(value == null ? "" : value, vars, "env " + name, true, unknown);
                vars.put(name, new Var(value, null));
                if (etcd) {
                    env.remove(name);
                    envNotes.remove(name);
                    env.put(name, new EnvVar(name, value,
                            Yaml.location(file, Yaml.get(var, "value") != null ? Yaml.get(var, "value") : var, "env " + name)));
                    if (!unknown.isEmpty()) {
                        envNotes.put(name, Note.unknown(String.join("; ", unknown), settings));
                    }
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
                        envNotes.remove(name);
                        env.put(name, new EnvVar(name, v.text(), configMapLocation(namespace, cm, key, v)));
                    }
                    continue;
                }
            }
            Node fieldRef = Yaml.get(valueFrom, "fieldRef");
            String fieldValue = fieldRef == null ? null : fields.value(Yaml.str(fieldRef, "fieldPath"), name);
            if (fieldValue != null) {
                vars.put(name, new Var(fieldValue, null));
                if (etcd) {
                    env.remove(name);
                    envNotes.remove(name);
                    env.put(name, new EnvVar(name, fieldValue, Yaml.location(file, valueFrom, "env " + name
                            + " (fieldRef " + Yaml.str(fieldRef, "fieldPath") + ")")));
                }
                continue;
            }
            vars.put(name, new Var(null, describe(valueFrom)));
            if (etcd) {
                env.remove(name);
                envNotes.put(name, Note.unknown(name + " comes from valueFrom (" + describe(valueFrom)
                        + ") that this scan cannot resolve; its value is unknown", settings));
            }
        }
        ordinal[0] = fields.ordinalNote;
        ordinal[1] = fields.podName;
        return env;
    }

    /**
     * The pod fields a manifest shows ({@code fieldRef}): {@code metadata.name} (a Pod's own name; a StatefulSet's
     * pods are {@code <name>-<ordinal>}, evaluated as ordinal 0), {@code metadata.namespace},
     * {@code spec.serviceAccountName}, {@code metadata.labels['k']} and {@code metadata.annotations['k']} of the
     * pod template. Addresses and node names are known only once the pod runs.
     */
    private static final class PodFields {
        private final Manifests.PodSpec pod;
        /** The assumption about a StatefulSet pod's ordinal, once a variable used it, and the name it gave. */
        String ordinalNote;
        String podName;

        PodFields(Manifests.PodSpec pod) {
            this.pod = pod;
        }

        String value(String path, String variable) {
            if (path == null) {
                return null;
            }
            String p = path.trim();
            Node doc = pod.anchor();
            String workload = Yaml.str(Yaml.path(doc, "metadata", "name"));
            Node templateMeta = pod.kind().equals("Pod") ? Yaml.get(doc, "metadata")
                    : pod.kind().equals("CronJob") ? Yaml.path(doc, "spec", "jobTemplate", "spec", "template", "metadata")
                    : pod.kind().equals("PodTemplate") ? Yaml.path(doc, "template", "metadata")
                    : Yaml.path(doc, "spec", "template", "metadata");
            switch (p) {
                case "metadata.namespace" -> {
                    return pod.namespace();
                }
                case "spec.serviceAccountName" -> {
                    String sa = Yaml.str(pod.spec(), "serviceAccountName");
                    return sa == null ? "default" : sa;
                }
                case "metadata.name" -> {
                    if (workload == null) {
                        return null;
                    }
                    if (pod.kind().equals("Pod")) {
                        return workload;
                    }
                    if (pod.kind().equals("StatefulSet")) {
                        if (ordinalNote == null) {
                            String replicas = Yaml.str(Yaml.path(doc, "spec", "replicas"));
                            ordinalNote = variable + " is the pod's name (fieldRef metadata.name): StatefulSet "
                                    + workload + "'s pods are " + workload + "-0" + (replicas == null || replicas.equals("1")
                                    ? "" : " … " + workload + "-" + lastOrdinal(replicas)) + "; evaluated as "
                                    + workload + "-0";
                            podName = workload + "-0";
                        }
                        return workload + "-0";
                    }
                    return null; // a generated name
                }
                default -> {
                    for (String kind : List.of("labels", "annotations")) {
                        String prefix = "metadata." + kind + "['";
                        if (p.startsWith(prefix) && p.endsWith("']")) {
                            return Yaml.str(Yaml.path(templateMeta, kind, p.substring(prefix.length(), p.length() - 2)));
                        }
                    }
                    return null;
                }
            }
        }

        private static String lastOrdinal(String replicas) {
            try {
                return String.valueOf(Integer.parseInt(replicas.trim()) - 1);
            } catch (NumberFormatException e) {
                return "<n-1>";
            }
        }
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
