package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.agent.AgentConfig;
import dev.etcdguard.agent.AgentRunner;
import dev.etcdguard.agent.Durations;
import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import dev.etcdguard.scan.ScanRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent against a real 3-member etcd cluster (peer TLS) on 127.0.0.1, scanned through this machine's /proc
 * (only the cluster's pids): its endpoints, a real promtool and a real Prometheus (Debian's {@code prometheus})
 * scraping it, and the agent as a child process for SIGHUP and SIGTERM. Every process is stopped by pid.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentIT {

    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? (\\S+)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path dir;
    private LocalCluster cluster;
    private final Set<Long> pids = new HashSet<>();

    @BeforeAll
    void startCluster() throws IOException {
        dir = Files.createTempDirectory("etcdguard-agent-it-");
        cluster = LocalCluster.builder(dir.resolve("cluster")).members(3).peerTls(PeerTls.TLS).start();
        cluster.members().forEach(m -> pids.add(m.pid()));
    }

    @AfterAll
    void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** An agent in this JVM, scanning the cluster every second. */
    private final class InProcess implements AutoCloseable {
        final AgentRunner runner;
        final Thread thread;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        InProcess(Path tokenFile) throws InterruptedException {
            ScanRequest request = new ScanRequest(true, List.of(), Path.of("/proc"), pids, List.of(), null, null, false,
                    ManifestCollector.DEFAULT_MAX_FILE_BYTES, null, 30, null);
            AgentConfig config = new AgentConfig(Durations.parse("1s"), AgentConfig.listen("127.0.0.1:0"), request,
                    RuleLoader.builtIn(), "it-cluster", "it-host", tokenFile, null, null, null);
            runner = new AgentRunner(config, null, null, null, new PrintStream(err, true, StandardCharsets.UTF_8));
            thread = Thread.ofPlatform().start(() -> {
                try {
                    runner.run(false);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            await("the server listens", () -> runner.port() > 0);
        }

        String url(String path) {
            return "http://127.0.0.1:" + runner.port() + path;
        }

        @Override
        public void close() throws InterruptedException {
            runner.stop();
            thread.join(Duration.ofSeconds(90));
            assertThat(thread.isAlive()).as("the agent stopped").isFalse();
        }
    }

    @Test
    void servesReadinessMetricsReportAndRefusesWrites() throws Exception {
        try (InProcess agent = new InProcess(null)) {
            await("/readyz answers 200", () -> status(agent.url("/readyz"), null) == 200);
            assertThat(status(agent.url("/healthz"), null)).isEqualTo(200);

            String metrics = get(agent.url("/metrics"), null).body();
            List<String> names = parse(metrics);
            assertThat(names).contains("etcdguard_result", "etcdguard_certificate_expiry_timestamp_seconds",
                    "etcdguard_scan_duration_seconds", "etcdguard_last_scan_timestamp_seconds", "etcdguard_scans_total",
                    "etcdguard_scan_errors_total");
            for (var m : cluster.members()) {
                assertThat(metrics).contains("etcdguard_result{cluster=\"it-cluster\",host=\"it-host\",number=\"2.4\","
                        + "rule=\"etcd-peer-tls\",status=\"PASS\",target=\"member " + m.name() + "\"");
                assertThat(metrics).containsPattern("etcdguard_certificate_expiry_timestamp_seconds\\{cluster=\"it-cluster\""
                        + ",host=\"it-host\",path=\"" + Pattern.quote(m.certFile().toString()) + "\",role=\"peer\",target=\"member "
                        + m.name() + "\"} [0-9.E]+");
            }
            promtool(metrics);

            HttpResponse<String> report = get(agent.url("/api/v1/report"), null);
            assertThat(report.statusCode()).isEqualTo(200);
            assertThat(report.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(report.body()).contains("\"etcd-peer-tls\"").contains(cluster.members().getFirst().name());

            HttpResponse<String> history = get(agent.url("/api/v1/history"), null);
            assertThat(history.statusCode()).isEqualTo(404);
            assertThat(history.body()).contains("no history store configured (--store)");

            HttpResponse<String> page = get(agent.url("/"), null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<table class=\"rules\">").contains("id=\"certificates\"")
                    .contains("member " + cluster.members().getFirst().name());

            for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(agent.url("/metrics")))
                        .method(method, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(method).isEqualTo(405);
            }
            HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(URI.create(agent.url("/metrics")))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(status(agent.url("/nothing"), null)).isEqualTo(404);
        }
    }

    @Test
    void aTokenProtectedListenerRejectsRequestsWithoutTheToken() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret-token\n");
        try (InProcess agent = new InProcess(token)) {
            await("/readyz answers 200 without a token", () -> status(agent.url("/readyz"), null) == 200);
            assertThat(status(agent.url("/metrics"), null)).isEqualTo(401);
            assertThat(status(agent.url("/api/v1/report"), "Bearer wrong")).isEqualTo(401);
            assertThat(status(agent.url("/"), "Bearer s3cret-token-but-longer")).isEqualTo(401);
            HttpResponse<String> ok = get(agent.url("/metrics"), "Bearer s3cret-token");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("etcdguard_result{");
        }
    }

    @Test
    void aRealPrometheusScrapesTheAgent() throws Exception {
        Path prometheus = Path.of("/usr/bin/prometheus");
        requireTool(prometheus);
        try (InProcess agent = new InProcess(null)) {
            await("/readyz answers 200", () -> status(agent.url("/readyz"), null) == 200);
            int webPort;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                webPort = s.getLocalPort();
            }
            Path work = Files.createDirectories(dir.resolve("prometheus"));
            Path config = work.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: etcdguard
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(agent.runner.port()));
            Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + webPort)
                    .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + webPort + "/api/v1/query?query=";
                await("Prometheus shows up == 1 for the agent", () -> query(api + "up%7Bjob%3D%22etcdguard%22%7D")
                        .matches("(?s).*\"value\":\\[[0-9.]+,\"1\"].*"));
                await("Prometheus holds an etcdguard_result series", () -> query(api
                        + "etcdguard_result%7Brule%3D%22etcd-peer-tls%22%7D").contains("\"__name__\":\"etcdguard_result\""));
                String fail = query(api + "etcdguard_results%7Bstatus%3D%22PASS%22%7D");
                assertThat(fail).contains("\"cluster\":\"it-cluster\"").contains("\"host\":\"it-host\"");
            } finally {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void aChildAgentRescansOnSighupAndExitsZeroOnSigterm() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "dev.etcdguard.cli.Main", "agent", "--listen", "127.0.0.1:0", "--interval", "1h", "--cluster", "it",
                "--store", "jdbc:sqlite:" + dir.resolve("agent-history.db")));
        pids.forEach(pid -> command.addAll(List.of("--pid", String.valueOf(pid))));
        Path log = dir.resolve("agent-child.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("the child agent says where it listens", () -> read(log).contains("listening on http://127.0.0.1:"));
            Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)").matcher(read(log));
            assertThat(m.find()).isTrue();
            int port = Integer.parseInt(m.group(1));
            String base = "http://127.0.0.1:" + port;
            await("/readyz answers 200", () -> status(base + "/readyz", null) == 200);
            double before = scans(get(base + "/metrics", null).body());
            assertThat(before).isGreaterThanOrEqualTo(1);
            signal("HUP", p.pid());
            await("etcdguard_scans_total grows after SIGHUP", () -> scans(get(base + "/metrics", null).body()) > before);
            // --store: every scan is in the history (a real SQLite file), served at /api/v1/history and on the page
            await("the history holds both scans", () -> {
                HttpResponse<String> history = get(base + "/api/v1/history", null);
                return history.statusCode() == 200 && Pattern.compile("\"started\"").matcher(history.body()).results()
                        .count() >= 2;
            });
            assertThat(get(base + "/api/v1/history?limit=1", null).body()).containsPattern("\"cluster\"\\s*:\\s*\"it\"")
                    .contains("\"summary\"");
            String page = get(base + "/", null).body();
            assertThat(page).contains("id=\"trend\"").doesNotContain("No history yet");

            signal("TERM", p.pid());
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the agent exits after SIGTERM").isTrue();
            assertThat(p.exitValue()).as(read(log)).isZero();
            assertThat(read(log)).contains("etcdguard agent: stopped");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                throw new AssertionError("port " + port + " still accepts connections after SIGTERM");
            } catch (ConnectException expected) {
                // closed
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // --- helpers

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start().waitFor()).isZero();
    }

    private static double scans(String metrics) {
        Matcher m = Pattern.compile("(?m)^etcdguard_scans_total (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Checks every line of the exposition and returns the metric names of its samples. */
    private static List<String> parse(String metrics) {
        List<String> names = new ArrayList<>();
        for (String line : metrics.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            Double.parseDouble(m.group(3));
            names.add(m.group(1));
        }
        return names;
    }

    private static void promtool(String metrics) throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        requireTool(promtool);
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics: %s", out).isZero();
    }

    private static void requireTool(Path tool) {
        if (!Files.isExecutable(tool)) {
            String why = tool + " is missing (Debian package prometheus; scripts/install-debian-packages.sh)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
    }

    private static String query(String url) {
        try {
            HttpResponse<String> r = get(url, null);
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static HttpResponse<String> get(String url, String auth) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int status(String url, String auth) {
        try {
            return get(url, auth).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(String what, Check check) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

}
