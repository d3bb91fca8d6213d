package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.sandbox.Delivery;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The minimal runtime of the image: scripts/build-runtime.sh jlinks target/runtime from the JDK; the launcher runs
 * on it, and deploy/Dockerfile's own steps (its COPYs, its AOT training RUN and its ENTRYPOINT, read from the file)
 * run here with the image's /opt/etcdguard mapped to a temp dir -- all but Docker itself, which this machine lacks.
 * Both scan three real etcd members on this machine's /proc; the image's entry point also runs the agent.
 */
class RuntimeImageIT {

    private static final Path RUNTIME = Launcher.ROOT.resolve("target/runtime");

    @TempDir
    Path dir;

    /** Once for both tests (jlink takes about 10 s). */
    @BeforeAll
    static void buildRuntime() throws Exception {
        Launcher.Run build = Launcher.exec(List.of(Launcher.ROOT.resolve("scripts/build-runtime.sh").toString()), Map.of());
        assertThat(build.exitCode()).as(build.stderr()).isZero();
        assertThat(Files.readString(RUNTIME.resolve("release"))).containsPattern("(?m)^JAVA_VERSION=\"2[5-9]");
        assertThat(RUNTIME.resolve("bin/jlink")).as("a runtime, not a JDK").doesNotExist();
        assertThat(RUNTIME.resolve("include")).doesNotExist();
    }

    /** A scan of real members: exit 0 or 1 (a verdict), 2.4 PASS for each (certificates read), no linkage error. */
    private static void assertScanned(Launcher.Run run, LocalCluster cluster) {
        assertThat(run.stderr()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "Exception in thread");
        assertThat(run.exitCode()).as(run.stderr()).isBetween(0, 1);
        List<Long> pids = cluster.members().stream().map(LocalCluster.Member::pid).toList();
        List<String> peerTls = new ArrayList<>();
        JsonMapper.builder().build().readTree(run.stdout()).path("results").forEach(r -> {
            if (r.path("number").asString().equals("2.4") && pids.contains(r.path("target").path("pid").asLong())) {
                peerTls.add(r.path("status").asString());
            }
        });
        assertThat(peerTls).as("2.4 of three members with peer TLS").containsExactly("PASS", "PASS", "PASS");
    }

    @Test
    void launcherRunsOnTheJlinkedRuntime() throws Exception {
        Map<String, String> env = Map.of("ETCDGUARD_JAVA_HOME", RUNTIME.toString(), "JAVA_HOME", "/nonexistent");
        Launcher.Run help = Launcher.run(env, "scan", "--help");
        assertThat(help.exitCode()).as(help.stderr()).isZero();
        assertThat(help.stdout()).contains("--proc-root");
        try (LocalCluster cluster = LocalCluster.builder(dir.resolve("etcd")).members(3).peerTls(PeerTls.TLS)
                .delivery(Delivery.FLAGS).start()) {
            assertScanned(Launcher.run(env, scan(cluster).toArray(String[]::new)), cluster);
        }
    }

    @Test
    void dockerfileStepsRunOnTheRuntime() throws Exception {
        Path image = Files.createDirectories(dir.resolve("image"));
        List<String> entrypoint = null;
        int runs = 0;
        for (String line : instructions(Launcher.ROOT.resolve("deploy/Dockerfile"))) {
            String[] words = line.split("\\s+", 2);
            switch (words[0]) {
                case "COPY" -> {
                    String[] paths = words[1].split("\\s+");
                    Path from = Launcher.ROOT.resolve(paths[0]);
                    Path to = inImage(image, paths[1]);
                    Files.createDirectories(to.getParent());
                    Launcher.Run cp = Launcher.exec(List.of("cp", "-a", from.toString(), to.toString()), Map.of());
                    assertThat(cp.exitCode()).as(cp.stderr()).isZero();
                }
                case "RUN" -> {
                    Launcher.Run run = Launcher.exec(inImage(image, exec(words[1])), Map.of());
                    assertThat(run.exitCode()).as(line + ": " + run.stderr()).isZero();
                    runs++;
                }
                case "ENTRYPOINT" -> entrypoint = inImage(image, exec(words[1]));
                default -> { }
            }
        }
        assertThat(runs).isEqualTo(1);
        assertThat(image.resolve("opt/etcdguard/etcdguard.aot")).as("the AOT cache the RUN step trains").isNotEmptyFile();
        assertThat(entrypoint).isNotNull();
        try (LocalCluster cluster = LocalCluster.builder(dir.resolve("etcd")).members(3).peerTls(PeerTls.TLS)
                .delivery(Delivery.FLAGS).start()) {
            List<String> command = new ArrayList<>(entrypoint);
            command.addAll(scan(cluster));
            assertScanned(Launcher.exec(command, Map.of()), cluster);

            // the agent on the image's runtime (its HTTP server and metrics are JDK modules jdeps must have found)
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            List<String> agentCommand = new ArrayList<>(entrypoint);
            agentCommand.addAll(List.of("agent", "--proc-root", "/proc", "--listen", "127.0.0.1:" + port));
            Path err = dir.resolve("agent.err");
            Process agent = new ProcessBuilder(agentCommand).redirectOutput(dir.resolve("agent.out").toFile())
                    .redirectError(err.toFile()).start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                int status = -1;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (status != 200 && agent.isAlive() && System.nanoTime() < deadline) {
                    try {
                        status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException notYetListening) {
                        Thread.sleep(200);
                    }
                }
                assertThat(status).as("/readyz of the agent on the runtime; stderr: %s", Files.readString(err)).isEqualTo(200);
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.body()).contains("etcdguard_result{");
                agent.destroy();
                assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(agent.exitValue()).as(Files.readString(err)).isZero();
                assertThat(Files.readString(err)).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    /** scan --host of the cluster's members on this machine's /proc, as JSON. */
    private static List<String> scan(LocalCluster cluster) {
        List<String> args = new ArrayList<>(List.of("scan", "--host", "--format", "json"));
        cluster.members().forEach(m -> args.addAll(List.of("--pid", String.valueOf(m.pid()))));
        return args;
    }

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    private static List<String> instructions(Path dockerfile) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            String s = line.strip();
            boolean more = s.endsWith("\\");
            current.append(more ? s.substring(0, s.length() - 1) : s).append(' ');
            if (!more) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return out;
    }

    /** An exec-form instruction's JSON array. */
    private static List<String> exec(String json) {
        List<String> out = new ArrayList<>();
        JsonMapper.builder().build().readTree(json).forEach(n -> out.add(n.asString()));
        assertThat(out).as("exec form: %s", json).isNotEmpty();
        return out;
    }

    private static Path inImage(Path image, String path) {
        assertThat(path).startsWith("/opt/etcdguard");
        return image.resolve(path.substring(1));
    }

    /** Every /opt/etcdguard argument (also inside -XX:Option=/opt/...) moved into the image directory. */
    private static List<String> inImage(Path image, List<String> command) {
        String local = image.resolve("opt/etcdguard").toString();
        return command.stream().map(a -> a.replace("/opt/etcdguard", local)).toList();
    }
}
