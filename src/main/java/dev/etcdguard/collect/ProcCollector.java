package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Invocation.Arg;
import dev.etcdguard.etcd.Invocation.EnvVar;
import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds every etcd server process on this node, and every kube-apiserver (etcd's client), by reading a
 * procfs directly (no {@code ps}): a process whose executable's basename is exactly {@code etcd} or
 * {@code kube-apiserver}, containerized ones included. {@code etcdctl} and shell wrappers (whose argv
 * mentions etcd) are neither. A {@code k3s server} process runs etcd embedded: it gives the member k3s
 * configures through its etcd config file, or a finding saying why it runs none ({@link K3s}).
 */
public final class ProcCollector {

    private final Path procRoot;

    /** @param procRoot the procfs to read: {@code /proc}, or a host's procfs mounted elsewhere */
    public ProcCollector(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** The members and clients found, and what the scan found about processes that run no etcd member. */
    public record Output(List<Invocation> invocations, List<SourceFinding> findings) {}

    /**
     * One invocation per etcd or kube-apiserver process, in pid order (the findings about k3s servers that
     * run no etcd are left out: see {@link #scan}).
     *
     * @param pids when not empty, only these pids are considered
     * @throws IOException when the procfs itself cannot be listed
     */
    public List<Invocation> collect(Set<Long> pids) throws IOException {
        return scan(pids).invocations();
    }

    /**
     * One invocation per etcd or kube-apiserver process and k3s server running embedded etcd, in pid order;
     * one finding per k3s server that runs no etcd member (SQLite, an external datastore, --disable-etcd).
     *
     * @param pids when not empty, only these pids are considered
     * @throws IOException when the procfs itself cannot be listed
     */
    public Output scan(Set<Long> pids) throws IOException {
        List<Long> candidates = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(procRoot)) {
            for (Path entry : dir) {
                long pid = parsePid(entry.getFileName().toString());
                if (pid > 0 && (pids.isEmpty() || pids.contains(pid))) {
                    candidates.add(pid);
                }
            }
        }
        candidates.sort(null);
        List<Invocation> found = new ArrayList<>();
        List<SourceFinding> findings = new ArrayList<>();
        for (long pid : candidates) {
            Invocation inv = read(pid, findings);
            if (inv != null) {
                found.add(inv);
            }
        }
        return new Output(found, findings);
    }

    /**
     * The invocation of {@code pid} when it is an etcd server or kube-apiserver process (or a k3s server
     * running embedded etcd), else null; a k3s server that runs no etcd adds a finding instead.
     */
    Invocation read(long pid, List<SourceFinding> findings) {
        Path dir = procRoot.resolve(Long.toString(pid));
        List<String> argv;
        try {
            argv = splitNul(Files.readAllBytes(dir.resolve("cmdline")));
        } catch (IOException e) {
            return null; // gone, or not a process we may look at
        }
        if (argv.isEmpty()) {
            return null; // kernel thread or zombie
        }
        String exe = readExe(dir);
        String program = exe != null ? exe : argv.get(0);
        Component component = Component.ofProgram(basename(program));
        if (component == null) {
            if (K3s.isServer(basename(program), argv)) {
                List<EnvVar> env = readEnv(dir, new ArrayList<>()); // null when unreadable: K3s says what that leaves unknown
                K3s.Found k3s = K3s.read(pid, dir, program, argv, env, readUid(dir));
                if (k3s instanceof K3s.Found.Member m) {
                    return m.invocation();
                }
                findings.add(((K3s.Found.NoEtcd) k3s).finding());
            }
            return null;
        }
        List<String> problems = new ArrayList<>();
        List<Arg> args = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            args.add(new Arg(argv.get(i), Location.argv(i)));
        }
        // kube-apiserver takes no setting from its environment
        List<EnvVar> env = component == Component.ETCD ? readEnv(dir, problems) : List.of();
        int uid = readUid(dir);
        String shownExe = exe != null ? exe : argv.get(0) + " (from argv[0]; " + dir.resolve("exe") + " unreadable)";
        return new Invocation(component, args, env, new ProcFileView(dir), uid,
                new Target.Process(pid, shownExe, null), problems);
    }

    private static String readExe(Path dir) {
        try {
            String link = Files.readSymbolicLink(dir.resolve("exe")).toString();
            return link.endsWith(" (deleted)") ? link.substring(0, link.length() - " (deleted)".length()) : link;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static List<EnvVar> readEnv(Path dir, List<String> problems) {
        Path file = dir.resolve("environ");
        try {
            Location at = Location.environ(file.toString());
            List<EnvVar> env = new ArrayList<>();
            for (String entry : splitNul(Files.readAllBytes(file))) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.add(new EnvVar(entry.substring(0, eq), entry.substring(eq + 1), at));
                }
            }
            return env;
        } catch (IOException e) {
            problems.add("cannot read " + file + ": " + IoErrors.reason(e)
                    + "; ETCD_* settings in the environment are unknown");
            return null;
        }
    }

    private static int readUid(Path dir) {
        try {
            for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown owner: the key-file owner check says so
        }
        return -1;
    }

    static List<String> splitNul(byte[] bytes) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            out.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static long parsePid(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(name);
    }

    /** Files as the process sees them: through its root (and working directory for relative paths). */
    record ProcFileView(Path processDir) implements FileView {
        @Override
        public Lookup lookup(String path) {
            if (path.startsWith("/")) {
                return new Lookup.OnDisk(processDir.resolve("root").resolve(path.substring(1)));
            }
            return new Lookup.OnDisk(processDir.resolve("cwd").resolve(path));
        }
    }
}
