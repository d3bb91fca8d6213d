package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * A {@code k3s server} process: k3s runs etcd embedded in itself (no etcd process), started from the
 * YAML file it writes at {@code DATA_DIR/server/db/etcd/config} ({@code executor.ETCDConfig.ToConfigFile},
 * read back with etcd's {@code embed.ConfigFromFile}), so that file is the member's whole configuration.
 *
 * <p>Whether this server runs etcd at all is decided as k3s decides it ({@code assignManagedDriver}): an
 * etcd already initialized on disk ({@code server/db/etcd/member/wal}) is used whatever the flags say;
 * otherwise k3s uses kine, on SQLite ({@code server/db/state.db}) by default or on the
 * {@code --datastore-endpoint} given. {@code --disable-etcd} servers run none. The settings that decide it
 * come from argv, {@code K3S_*} variables and {@code /etc/rancher/k3s/config.yaml} (with its
 * {@code config.yaml.d/*.yaml}), all read as the process sees them.
 */
final class K3s {

    /** The k3s data directory of a root process ({@code datadir.DefaultDataDir}). */
    static final String DEFAULT_DATA_DIR = "/var/lib/rancher/k3s";
    private static final String DEFAULT_CONFIG = "/etc/rancher/k3s/config.yaml";
    /**
     * Why a k3s etcd member is judged as a cluster member whatever initial-cluster says: k3s starts etcd (rather
     * than SQLite) to be joined; servers join at run time, and on every restart k3s rewrites the file without
     * initial-cluster (its embedded executor's CurrentETCDOptions is empty).
     */
    static final String CLUSTER_HINT = "k3s embedded etcd: other k3s servers join it at run time, which its config file"
            + " does not list (k3s rewrites it without initial-cluster on each restart)";

    /** What one k3s server process gives: an embedded etcd member, or a reason why it runs none. */
    sealed interface Found {
        record Member(Invocation invocation) implements Found {}

        record NoEtcd(SourceFinding finding) implements Found {}
    }

    private K3s() {}

    /**
     * True for a {@code k3s server} process: executable {@code k3s} (the multicall binary; the wrapper
     * in {@code /usr/local/bin} execs {@code DATA_DIR/data/HASH/bin/k3s-server}, a link to {@code k3s},
     * keeping argv), subcommand {@code server}; or argv[0] {@code k3s-server}.
     */
    static boolean isServer(String exeBasename, List<String> argv) {
        if (!exeBasename.equals("k3s") && !exeBasename.equals("k3s-server")) {
            return false;
        }
        if (ProcCollector.basename(argv.get(0)).equals("k3s-server")) {
            return true;
        }
        for (int i = 1; i < argv.size(); i++) {
            if (!argv.get(i).startsWith("-")) {
                return argv.get(i).equals("server"); // the first argument that is not a flag is the subcommand
            }
        }
        return false;
    }

    /** Reads the k3s server process in {@code processDir} (a procfs entry). */
    static Found read(long pid, Path processDir, String exe, List<String> argv, List<EnvVar> env, int uid) {
        ProcCollector.ProcFileView files = new ProcCollector.ProcFileView(processDir);
        Settings s = Settings.of(argv, env, files, uid, exe);
        String dataDir = s.value("data-dir", s.defaultDataDir);
        String serverDir = stripSlash(dataDir) + "/server";
        String dbDir = serverDir + "/db/etcd";
        String configFile = dbDir + "/config";
        String wal = dbDir + "/member/wal";
        Target.Process member = new Target.Process(pid, exe + " (k3s server, embedded etcd, config " + configFile + ")", null);
        Target.Process target = new Target.Process(pid, exe + " (k3s server)", null);
        if (s.isTrue("disable-etcd")) {
            return noEtcd(target, "k3s server pid " + pid + " runs with disable-etcd (" + s.where("disable-etcd")
                    + "): this node runs no etcd member; its etcd runs in other k3s servers, scan those");
        }
        Path server = onDisk(files, serverDir);
        if (!Files.isDirectory(server)) {
            return unreadable(target, "cannot read k3s's server directory " + serverDir + " as pid " + pid + " sees it ("
                    + server + "): " + reason(server) + "; whether it runs etcd is unknown");
        }
        if (!s.problems.isEmpty() && !Files.isDirectory(onDisk(files, wal))) {
            return unreadable(target, String.join("; ", s.problems));
        }
        if (Files.isDirectory(onDisk(files, wal))) {
            List<Arg> args = List.of(
                    new Arg("etcd", new Location("etcd embedded in k3s pid " + pid, null, 0, 0)),
                    new Arg("--config-file=" + configFile, new Location("k3s writes " + configFile
                            + " and starts its embedded etcd from it (pid " + pid + ", data-dir " + dataDir
                            + " from " + s.where("data-dir") + ")", null, 0, 0)));
            // embedded etcd reads only that file (embed.ConfigFromFile): no ETCD_* variable applies
            // an initialized etcd is used whatever the other settings say, so what could not be read of them does not matter
            return new Found.Member(new Invocation(Component.ETCD, args, List.of(), files, uid, member, List.of())
                    .withClusterHint(CLUSTER_HINT));
        }
        String stale = Files.exists(onDisk(files, configFile))
                ? "; " + configFile + " is not in use (no " + wal + ")" : "";
        String endpoint = s.value("datastore-endpoint", "");
        if (!endpoint.isEmpty()) {
            return noEtcd(target, "k3s server pid " + pid + " keeps its data in an external datastore ("
                    + scheme(endpoint) + ", datastore-endpoint from " + s.where("datastore-endpoint")
                    + ", through kine), not in an embedded etcd" + stale
                    + (isEtcdScheme(endpoint) ? "; that etcd runs elsewhere: scan its hosts" : ""));
        }
        String token = s.values.containsKey("token") ? "token" : "token-file";
        if (s.isTrue("cluster-init") || (!s.value("server", "").isEmpty() && !s.value(token, "").isEmpty())) {
            return noEtcd(target, "k3s server pid " + pid + " is set to run embedded etcd ("
                    + (s.isTrue("cluster-init") ? "cluster-init from " + s.where("cluster-init")
                    : "server from " + s.where("server") + " and " + token + " from " + s.where(token)) + ") but " + wal
                    + " does not exist: its etcd has not started yet; scan again when it runs" + stale);
        }
        String sqlite = serverDir + "/db/state.db";
        return noEtcd(target, "k3s server pid " + pid + " uses SQLite through kine (" + sqlite
                + (Files.exists(onDisk(files, sqlite)) ? "" : ", not created yet")
                + "; no datastore-endpoint, cluster-init or server), not etcd" + stale);
    }

    /**
     * For the etcd member of a k3s server: the client CA k3s gives its embedded kube-apiserver
     * ({@code --client-ca-file=DATA_DIR/server/tls/client-ca.crt}, pkg/daemons/control), the Kubernetes cluster CA;
     * else null.
     */
    static String clientCa(Invocation inv) {
        if (inv.component() != Component.ETCD || !CLUSTER_HINT.equals(inv.clusterHint()) || inv.argv().size() != 2) {
            return null;
        }
        String configFile = inv.argv().get(1).value().substring("--config-file=".length());
        String suffix = "/server/db/etcd/config";
        return configFile.endsWith(suffix)
                ? configFile.substring(0, configFile.length() - suffix.length()) + "/server/tls/client-ca.crt" : null;
    }

    private static Found noEtcd(Target target, String message) {
        return new Found.NoEtcd(new SourceFinding(SourceFinding.Kind.EXTERNAL_ETCD, target, message));
    }

    private static Found unreadable(Target target, String message) {
        return new Found.NoEtcd(new SourceFinding(SourceFinding.Kind.UNREADABLE_INPUT, target, message));
    }

    private static String reason(Path path) {
        try {
            Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
            return "not a directory";
        } catch (IOException e) {
            return IoErrors.reason(e);
        }
    }

    private static Path onDisk(ProcCollector.ProcFileView files, String path) {
        return ((dev.etcdguard.etcd.FileView.Lookup.OnDisk) files.lookup(path)).path();
    }

    /** Only the scheme of a datastore endpoint: the rest may hold a password. */
    static String scheme(String endpoint) {
        int i = endpoint.indexOf("://");
        return i > 0 ? endpoint.substring(0, i + 3) + "…" : "an endpoint without scheme";
    }

    private static boolean isEtcdScheme(String endpoint) {
        String s = endpoint.toLowerCase(Locale.ROOT);
        return s.startsWith("http://") || s.startsWith("https://");
    }

    private static String stripSlash(String dir) {
        return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }

    /**
     * The k3s settings that decide the datastore, as urfave/cli gives them to {@code k3s server}: a flag on
     * the command line, else the config file (k3s inserts its entries as flags before the command line's, so
     * the command line wins), else its {@code K3S_*} variable.
     */
    private static final class Settings {
        /** flag → its short alias and K3S_* variable (null when it has none), as pkg/cli/cmds/server.go names them. */
        private static final Map<String, String[]> FLAGS = Map.of(
                "data-dir", new String[] {"d", "K3S_DATA_DIR"},
                "config", new String[] {"c", "K3S_CONFIG_FILE"},
                "datastore-endpoint", new String[] {null, "K3S_DATASTORE_ENDPOINT"},
                "cluster-init", new String[] {null, "K3S_CLUSTER_INIT"},
                "server", new String[] {"s", "K3S_URL"},
                "token", new String[] {"t", "K3S_TOKEN"},
                "token-file", new String[] {null, "K3S_TOKEN_FILE"},
                "disable-etcd", new String[] {null, null});
        private static final List<String> BOOLS = List.of("cluster-init", "disable-etcd");

        private final Map<String, String> values = new LinkedHashMap<>();
        private final Map<String, String> where = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private String defaultDataDir;

        static Settings of(List<String> argv, List<EnvVar> env, ProcCollector.ProcFileView files, int uid, String exe) {
            Settings s = new Settings();
            s.readArgv(argv);
            List<EnvVar> vars = env == null ? List.of() : env;
            if (env == null) {
                s.problems.add("cannot read the environment of the k3s process: its K3S_* datastore settings are unknown"
                        + " (run etcdguard as root)");
            }
            String configFile = s.values.containsKey("config") ? s.values.get("config")
                    : vars.stream().filter(e -> e.name().equals("K3S_CONFIG_FILE") && !e.value().isEmpty())
                            .map(EnvVar::value).findFirst().orElse(DEFAULT_CONFIG);
            s.readConfigFiles(files, configFile);
            for (EnvVar e : vars) {
                FLAGS.forEach((flag, names) -> {
                    if (e.name().equals(names[1]) && !s.values.containsKey(flag) && !e.value().isEmpty()
                            // older k3s releases set K3S_DATA_DIR to their asset directory (DATA_DIR/data/HASH) when they
                            // re-executed themselves from there: not a data dir then
                            && !(flag.equals("data-dir") && (exe.equals(e.value() + "/bin/k3s")
                                    || exe.equals(e.value() + "/bin/k3s-server")))) {
                        s.put(flag, e.value(), e.name() + " in " + e.location().label());
                    }
                });
            }
            String home = vars.stream().filter(e -> e.name().equals("HOME")).map(EnvVar::value).findFirst().orElse(null);
            s.defaultDataDir = uid == 0 || uid == -1 || home == null ? DEFAULT_DATA_DIR : home + "/.rancher/k3s";
            return s;
        }

        private void readArgv(List<String> argv) {
            int start = 1;
            while (start < argv.size() && !argv.get(start).equals("server")) {
                start++;
            }
            for (int i = start + 1; i < argv.size(); i++) {
                String a = argv.get(i);
                if (a.equals("--")) {
                    break;
                }
                if (!a.startsWith("-")) {
                    continue;
                }
                String body = a.startsWith("--") ? a.substring(2) : a.substring(1);
                int eq = body.indexOf('=');
                String name = canonical(eq < 0 ? body : body.substring(0, eq));
                if (name == null) {
                    continue;
                }
                String at = "argv[" + i + "]";
                if (eq >= 0) {
                    put(name, body.substring(eq + 1), at);
                } else if (BOOLS.contains(name)) {
                    put(name, "true", at);
                } else if (i + 1 < argv.size()) {
                    put(name, argv.get(++i), at + " and argv[" + i + "]");
                }
            }
        }

        private static String canonical(String name) {
            for (Map.Entry<String, String[]> e : FLAGS.entrySet()) {
                if (e.getKey().equals(name) || name.equals(e.getValue()[0])) {
                    return e.getKey();
                }
            }
            return null;
        }

        /** The k3s config file and its drop-ins ({@code config.yaml.d/*.yaml}, in name order, later ones win). */
        private void readConfigFiles(ProcCollector.ProcFileView files, String config) {
            List<String> paths = new ArrayList<>();
            paths.add(config);
            Path dropIns = onDisk(files, config + ".d");
            if (Files.isDirectory(dropIns)) {
                List<String> names = new ArrayList<>();
                try (DirectoryStream<Path> dir = Files.newDirectoryStream(dropIns, "*.{yaml,yml}")) {
                    dir.forEach(p -> names.add(p.getFileName().toString()));
                } catch (IOException e) {
                    problems.add("cannot list " + config + ".d: " + IoErrors.reason(e));
                }
                names.sort(null);
                names.forEach(n -> paths.add(config + ".d/" + n));
            }
            Map<String, String> fromFiles = new LinkedHashMap<>();
            Map<String, String> fromWhere = new LinkedHashMap<>();
            for (String path : paths) {
                Path file = onDisk(files, path);
                if (!Files.exists(file)) {
                    continue;
                }
                try {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    Node root = new Compose(Yaml.settings(path, 1024 * 1024)).composeString(text).orElse(null);
                    if (root instanceof MappingNode map) {
                        for (NodeTuple t : map.getValue()) {
                            if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v
                                    && FLAGS.containsKey(k.getValue())) {
                                fromFiles.put(k.getValue(), v.getValue());
                                fromWhere.put(k.getValue(), Yaml.location(path, t.getKeyNode(), null).label());
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    problems.add("cannot read k3s's config file " + path + " (" + file + "): "
                            + (e instanceof IOException io ? IoErrors.reason(io) : e.getMessage())
                            + "; the datastore settings in it are unknown");
                }
            }
            fromFiles.forEach((k, v) -> {
                if (!values.containsKey(k)) {
                    put(k, v, fromWhere.get(k));
                }
            });
        }

        private void put(String flag, String value, String at) {
            values.put(flag, value);
            where.put(flag, at);
        }

        String value(String flag, String otherwise) {
            return values.getOrDefault(flag, otherwise);
        }

        boolean isTrue(String flag) {
            String v = values.get(flag);
            return v != null && List.of("1", "t", "true").contains(v.toLowerCase(Locale.ROOT));
        }

        String where(String flag) {
            return where.getOrDefault(flag, "k3s's default");
        }
    }
}
