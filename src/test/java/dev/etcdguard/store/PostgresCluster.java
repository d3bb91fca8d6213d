package dev.etcdguard.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PostgreSQL server from Debian's packages ({@code /usr/lib/postgresql/VERSION/bin}): initdb in a
 * temporary directory, pg_ctl start on a free 127.0.0.1 port (its unix socket in the same directory), password
 * authentication over TCP; {@link #close()} stops it (immediate shutdown, then kill by pid) and deletes the
 * directory. initdb refuses root: as root the server runs as {@code nobody} (runuser), which every Debian has.
 * Without the binaries a test fails when CI=true (scripts/install-debian-packages.sh installs them) and is
 * skipped otherwise.
 */
final class PostgresCluster implements AutoCloseable {

    static final String USER = "etcdguard";
    static final String DATABASE = "history";

    private final Path dir;
    private final Path bin;
    private final int port;
    private final String password;
    private final boolean asNobody;
    private long pid = -1;
    private final Thread hook = new Thread(this::stopQuietly, "postgres-stop");

    private PostgresCluster(Path dir, Path bin, int port, String password, boolean asNobody) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.password = password;
        this.asNobody = asNobody;
    }

    /** The newest installed PostgreSQL's bin directory. */
    static Optional<Path> binaries() {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))
                            && Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(String s) {
        try {
            return Integer.parseInt(s.replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Starts a server with a database {@value DATABASE} owned by user {@value USER} whose password is {@code password}. */
    static PostgresCluster start(String password) throws Exception {
        Optional<Path> bin = binaries();
        if (bin.isEmpty()) {
            String why = "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (Debian package postgresql;"
                    + " scripts/install-debian-packages.sh installs it)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        // as root under /tmp: nobody must be able to reach the directory (java.io.tmpdir could be under /root)
        Path dir = root ? Files.createTempDirectory(Path.of("/tmp"), "etcdguard-pg") : Files.createTempDirectory("etcdguard-pg");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresCluster pg = new PostgresCluster(dir, bin.get(), port, password, root);
        Runtime.getRuntime().addShutdownHook(pg.hook); // also when the test JVM is interrupted
        try {
            pg.init();
            return pg;
        } catch (Exception | AssertionError e) {
            pg.close();
            throw e;
        }
    }

    private void init() throws Exception {
        Path pwfile = dir.resolve("superuser-password");
        Files.writeString(pwfile, password + "\n");
        if (asNobody) {
            run(List.of("chown", "-R", "nobody:nogroup", dir.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"), true);
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c max_connections=100", "start"), true);
        pid = Long.parseLong(Files.readAllLines(dir.resolve("data/postmaster.pid")).getFirst().strip());
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", password);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
             Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password.replace("'", "''") + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
        }
    }

    /** The store URL (no password in it). */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + USER;
    }

    Path dir() {
        return dir;
    }

    private void run(List<String> command, boolean asServerUser) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asServerUser && asNobody) {
            cmd.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        cmd.addAll(command);
        Path out = dir.resolve("cmd.out");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        if (p.exitValue() != 0) {
            String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log"), StandardCharsets.UTF_8) : "";
            throw new AssertionError(cmd + " exited " + p.exitValue() + ": " + Files.readString(out, StandardCharsets.UTF_8) + log);
        }
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs
        }
    }

    private synchronized void stopQuietly() {
        try {
            Path pidFile = dir.resolve("data/postmaster.pid");
            if (pid <= 0 && Files.exists(pidFile)) { // started, but start() did not get to read it
                pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
            }
            if (Files.exists(pidFile)) {
                try {
                    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                            "-w", "-t", "30", "stop"), true);
                } catch (IOException | AssertionError e) {
                    // killed below
                }
            }
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
                pid = -1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // deleted below all the same
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
