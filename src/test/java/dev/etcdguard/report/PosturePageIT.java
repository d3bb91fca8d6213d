package dev.etcdguard.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The posture page in a real browser: Debian's {@code chromium}, headless, loads the page from an HTTP server on
 * 127.0.0.1, takes a 1366×768 screenshot and dumps the DOM it built (after running any script, had there been one).
 * The copy of the screenshot in {@code target/posture-page.png} is the one to look at.
 */
class PosturePageIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 90;

    @TempDir
    static Path dir;

    static PostureFixture fixture;
    static HttpServer server;
    static String url;

    @BeforeAll
    static void serve() throws IOException {
        if (!Files.isExecutable(CHROMIUM)) {
            String why = CHROMIUM + " not found: install the Debian package chromium (scripts/install-debian-packages.sh)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        fixture = new PostureFixture(dir.resolve("scan"));
        String html = new PostureHtml().render(fixture.report, new PostureHtml.Header("cp1", "prod", fixture.now),
                fixture.trend(), fixture.now);
        byte[] page = html.getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "posture-page.html"), html); // to look at
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                boolean root = exchange.getRequestURI().getPath().equals("/");
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(root ? 200 : 404, root ? page.length : -1);
                if (root) {
                    try (OutputStream body = exchange.getResponseBody()) {
                        body.write(page);
                    }
                }
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void screenshotIsALaptopScreen() throws Exception {
        Path png = dir.resolve("posture-page.png");
        chromium("--screenshot=" + png);
        assertThat(png).exists();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        ByteBuffer ihdr = ByteBuffer.wrap(bytes, 16, 8); // IHDR: width, height (big-endian)
        assertThat(List.of(ihdr.getInt(), ihdr.getInt())).containsExactly(1366, 768);
        Path copy = Path.of("target", "posture-page.png");
        Files.createDirectories(copy.getParent());
        Files.copy(png, copy, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void browserShowsTheFailItsEvidenceAndTheExpiringCertificate() throws Exception {
        Document dom = Jsoup.parse(chromium("--dump-dom"));
        assertThat(dom.title()).isEqualTo("etcdguard posture — cp1 · prod"); // the injected script did not run
        assertThat(dom.select("script, img")).isEmpty();

        Element row = dom.select("section.target").get(0).select("table.rules tr").stream()
                .filter(tr -> tr.select("code.id").text().equals("etcd-peer-tls")).findFirst().orElseThrow();
        assertThat(row.selectFirst(".badge").text()).isEqualTo("FAIL");
        assertThat(row.select("ul.problems .message").text()).contains("listen-peer-urls is http://127.0.0.1:12380");
        assertThat(row.select("details.evidence ul.items").text())
                .contains("listen-peer-urls = http://127.0.0.1:12380 [flag --listen-peer-urls=http://127.0.0.1:12380");

        Element cert = dom.selectFirst("#certificates tbody tr");
        assertThat(cert.classNames()).contains("soon");
        assertThat(cert.selectFirst("td.days").text()).isEqualTo("5 days");
        assertThat(cert.selectFirst("td.subject").text()).startsWith("CN=" + PostureFixture.PEER_CN);

        assertThat(dom.select("section.target").get(1).select("ul.problems .message").text())
                .contains("'cp1" + PostureFixture.INJECTION + "'");
    }

    /** Runs headless Chromium on the page with {@code extra} and returns its standard output; killed on timeout. */
    private static String chromium(String extra) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-pings", "--disable-domain-reliability",
                // loopback only: every other name fails to resolve
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--user-data-dir=" + profile, "--window-size=1366,768", extra, url));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("chromium-stderr.txt").toFile()).start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
            }
            assertThat(p.exitValue()).as("chromium exit status; stderr:%n%s",
                    Files.readString(dir.resolve("chromium-stderr.txt"))).isZero();
            return new String(stdout.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
