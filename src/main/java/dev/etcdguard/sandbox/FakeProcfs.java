package dev.etcdguard.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A procfs-shaped directory ({@code PID/cmdline}, {@code environ}, {@code status}, {@code exe},
 * {@code root}, {@code cwd}) for scanning processes that cannot really run: etcd refuses to start with
 * an expired certificate or a mismatched key, but the scanner must still judge such files. Each
 * process's {@code root} links to {@code /}, so the paths it names are this machine's files.
 */
public final class FakeProcfs {

    private final Path root;

    public FakeProcfs(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    public Path root() {
        return root;
    }

    /**
     * Adds a process.
     *
     * @param env the environment, or null to make {@code environ} unreadable (as it is without root)
     */
    public Path addProcess(long pid, String exe, List<String> argv, Map<String, String> env, int uid) throws IOException {
        Path dir = Files.createDirectories(root.resolve(Long.toString(pid)));
        Files.write(dir.resolve("cmdline"), nulJoined(argv));
        if (env == null) {
            Files.createDirectories(dir.resolve("environ")); // reading a directory fails, like EACCES does
        } else {
            Files.write(dir.resolve("environ"), nulJoined(env.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        Files.writeString(dir.resolve("status"), "Name:\tetcd\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
        if (exe != null) {
            Files.createSymbolicLink(dir.resolve("exe"), Path.of(exe));
        }
        Files.createSymbolicLink(dir.resolve("root"), Path.of("/"));
        Files.createSymbolicLink(dir.resolve("cwd"), Path.of("/"));
        return dir;
    }

    private static byte[] nulJoined(List<String> parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append(p).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
