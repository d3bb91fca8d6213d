package dev.etcdguard.etcd;

import java.nio.file.Path;
import java.util.List;

/**
 * What a source saw of one etcd member (or kube-apiserver, etcd's client), before any interpretation: the
 * command line with the location of every element, the environment, a way to read files as that program
 * would, and the target it describes. The same model serves every source (process, manifest, Kubernetes API).
 *
 * @param component which program this is
 * @param argv     the command line, argv[0] being the program
 * @param env      the environment, or null when it could not be read (see {@code problems})
 * @param files    reads files the way the member sees them
 * @param runAsUid the uid the member runs as, or -1 when unknown
 * @param target   what this invocation describes, for reports
 * @param problems evidence that could not be read; a non-empty list makes the verdict ERROR
 * @param warnings evidence that is incomplete but not missing (e.g. an environment value from a Secret)
 * @param clusterHint why this member belongs to a multi-member cluster although its own configuration
 *                    does not say so (e.g. {@code replicas: 3}), or null
 * @param podSpecFile the kubelet static-pod file on this machine that runs it, or null when there is none or
 *                    it is not known (a manifest outside a static-pod directory)
 * @param version  the program's version as the source shows it (an image tag such as {@code 3.5.9}), or null when
 *                 unknown
 * @param notes    what the source assumed, or could not know, about some settings (see {@link Note}); unlike
 *                 {@code warnings}, which concern every setting, a note concerns only the settings it names
 */
public record Invocation(Component component, List<Arg> argv, List<EnvVar> env, FileView files, int runAsUid, Target target,
                         List<String> problems, List<String> warnings, String clusterHint,
                         Path podSpecFile, String version, List<Note> notes) {

    public Invocation {
        argv = List.copyOf(argv);
        env = env == null ? null : List.copyOf(env);
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** Without notes. */
    public Invocation(Component component, List<Arg> argv, List<EnvVar> env, FileView files, int runAsUid, Target target,
                      List<String> problems, List<String> warnings, String clusterHint, Path podSpecFile, String version) {
        this(component, argv, env, files, runAsUid, target, problems, warnings, clusterHint, podSpecFile, version, List.of());
    }

    /** A running process: no warnings, no cluster hint, no static-pod file known yet. */
    public Invocation(Component component, List<Arg> argv, List<EnvVar> env, FileView files, int runAsUid,
                      Target target, List<String> problems) {
        this(component, argv, env, files, runAsUid, target, problems, List.of(), null, null, null);
    }

    public Invocation withClusterHint(String hint) {
        return new Invocation(component, argv, env, files, runAsUid, target, problems, warnings, hint, podSpecFile, version,
                notes);
    }

    public Invocation withPodSpecFile(Path file) {
        return new Invocation(component, argv, env, files, runAsUid, target, problems, warnings, clusterHint, file, version,
                notes);
    }

    public Invocation withVersion(String v) {
        return new Invocation(component, argv, env, files, runAsUid, target, problems, warnings, clusterHint, podSpecFile, v,
                notes);
    }

    /** The same invocation with more warnings. */
    public Invocation withWarnings(List<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(warnings);
        all.addAll(more);
        return new Invocation(component, argv, env, files, runAsUid, target, problems, all, clusterHint, podSpecFile, version,
                notes);
    }

    /** True when this is a running process (it started, so its etcd accepted its configuration). */
    public boolean running() {
        return target instanceof Target.Process;
    }

    /** One command-line element. */
    public record Arg(String value, Location location) {}

    /** One environment variable. */
    public record EnvVar(String name, String value, Location location) {}

    /**
     * Something the source assumed, or could not know, about the evidence.
     *
     * @param kind     {@code ASSUMED}: a fact the verdicts rest on (the image's entrypoint runs etcd), shown with the
     *                 result of every rule that reads one of {@code settings}; {@code NOTED}: context said once per
     *                 target; {@code UNKNOWN}: a value a manifest cannot show (a pod IP), which lowers (WARN) only the
     *                 rules that read one of {@code settings} and is explained once per target
     * @param message  one sentence for the report
     * @param settings the settings (flag names) it concerns; empty for all of them
     */
    public record Note(Kind kind, String message, List<String> settings) {

        public enum Kind { ASSUMED, NOTED, UNKNOWN }

        public Note {
            settings = List.copyOf(settings);
        }

        public static Note assumed(String message, List<String> settings) {
            return new Note(Kind.ASSUMED, message, settings);
        }

        public static Note noted(String message) {
            return new Note(Kind.NOTED, message, List.of());
        }

        public static Note unknown(String message, List<String> settings) {
            return new Note(Kind.UNKNOWN, message, settings);
        }
    }
}
