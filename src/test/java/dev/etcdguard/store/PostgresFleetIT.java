package dev.etcdguard.store;

import static dev.etcdguard.store.Fixtures.client;
import static dev.etcdguard.store.Fixtures.etcd;
import static dev.etcdguard.store.Fixtures.peer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.report.ScanReport;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The history store on a real PostgreSQL server (Debian's package), started and stopped by the test. */
class PostgresFleetIT {

    private static final String PASSWORD = "fleet-pw-" + Long.toHexString(System.nanoTime());
    private static final int WRITERS = 20;
    private static final int SCANS = 50;

    private static PostgresCluster pg;
    private static Path passwordFile;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresCluster.start(PASSWORD);
        passwordFile = Files.writeString(pg.dir().resolve("client-password"), PASSWORD + "\n");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    /** Writer w's scan s: its results' members and messages name both, so a mixed scan cannot go unnoticed. */
    private static ScanRecord scan(int w, int s) {
        List<Result> results = new ArrayList<>();
        int n = 1 + (w + s) % 5;
        for (int k = 0; k < n; k++) {
            String member = "w" + w + "-s" + s + "-r" + k;
            results.add(k % 2 == 0 ? peer(etcd(1000 + k, member), s % 7 == 0 ? Status.FAIL : Status.PASS,
                    Instant.parse("2027-01-01T00:00:00Z").plusSeconds(w * 1000L + s))
                    : client(etcd(1000 + k, member), Status.PASS, "writer " + w + " scan " + s + " result " + k));
        }
        return new ScanRecord(new ScanReport(results, List.of("writer " + w + " scan " + s)), "node-" + w,
                "cluster-" + (w % 4), Instant.parse("2026-12-01T00:00:00Z").plusSeconds(s), Duration.ofMillis(s));
    }

    @Test
    void twentyConcurrentWritersFiftyScansEachNoneLostNoneMixed() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Map<Long, int[]> written = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                go.await();
                // each writer as an agent: its own store, opened (and migrated) at the same moment as the others
                try (Store store = Store.open(pg.url(), passwordFile)) {
                    for (int s = 0; s < SCANS; s++) {
                        written.put(store.write(scan(writer, s)), new int[] {writer, s});
                    }
                }
                return null;
            }));
        }
        go.countDown();
        pool.shutdown();
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        assertThat(written).hasSize(WRITERS * SCANS);

        try (Store store = Store.open(pg.url(), passwordFile)) {
            assertThat(store.scans(null, 10_000)).hasSize(WRITERS * SCANS);
            for (var e : written.entrySet()) {
                int w = e.getValue()[0];
                int s = e.getValue()[1];
                ScanRecord expected = scan(w, s);
                History.StoredScan got = store.scan(e.getKey()).orElseThrow();
                assertThat(got.scan().host()).isEqualTo("node-" + w);
                assertThat(got.scan().cluster()).isEqualTo("cluster-" + (w % 4));
                assertThat(got.scan().notes()).containsExactly("writer " + w + " scan " + s);
                assertThat(got.scan().count(Status.FAIL)).isEqualTo(expected.report().summary().get(Status.FAIL));
                assertThat(got.results()).hasSize(expected.report().results().size());
                for (int k = 0; k < got.results().size(); k++) {
                    History.Result r = got.results().get(k);
                    assertThat(r.targetKey()).isEqualTo("process:node-" + w + "/etcd/w" + w + "-s" + s + "-r" + k);
                    assertThat(r.status()).isEqualTo(expected.report().results().get(k).status());
                    assertThat(r.target().path("member").asString()).isEqualTo("w" + w + "-s" + s + "-r" + k);
                }
                assertThat(got.certificates()).allSatisfy(c -> assertThat(c.targetKey()).contains("w" + w + "-s" + s + "-"));
            }
            // the fleet view: one line per host, each its writer's last scan
            List<History.Scan> fleet = store.fleet();
            assertThat(fleet).hasSize(WRITERS);
            for (History.Scan latest : fleet) {
                long lastOfHost = written.entrySet().stream()
                        .filter(e -> ("node-" + e.getValue()[0]).equals(latest.host()))
                        .mapToLong(Map.Entry::getKey).max().orElseThrow();
                assertThat(latest.id()).isEqualTo(lastOfHost);
                assertThat(latest.notes().getFirst()).endsWith("scan " + (SCANS - 1));
            }
        }
    }

    @Test
    void passwordFromPgpasswordScanStoreHistoryAndDiffThroughTheCommandLine() throws Exception {
        Path manifest = Path.of("src/test/resources/manifests/bitnami/etcd-plaintext-3.yaml").toAbsolutePath();
        Run scan1 = java(Map.of("PGPASSWORD", PASSWORD, "ETCDGUARD_HOST_NAME", "ci-node"),
                "scan", manifest.toString(), "--store", pg.url(), "--cluster", "ci", "--format", "json");
        assertThat(scan1.exit()).as(scan1.err()).isEqualTo(1); // the plaintext chart FAILs
        Run scan2 = java(Map.of("PGPASSWORD", PASSWORD, "ETCDGUARD_HOST_NAME", "ci-node"),
                "scan", manifest.toString(), "--store", pg.url(), "--cluster", "ci", "--format", "json");
        assertThat(scan2.exit()).isEqualTo(1);
        Run history = java(Map.of("PGPASSWORD", PASSWORD), "history", "--store", pg.url(), "--host", "ci-node");
        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.out().lines().filter(l -> l.contains("ci-node") && l.contains(" ci "))).hasSize(2);
        Run diff = java(Map.of("PGPASSWORD", PASSWORD, "ETCDGUARD_HOST_NAME", "ci-node"), "diff", "--store", pg.url());
        assertThat(diff.exit()).as(diff.out() + diff.err()).isZero(); // the same manifest twice: nothing worse
        assertThat(diff.out()).contains("no change");
    }

    @Test
    void aWrongPasswordIsOneLineExitCode2AndNeverPrinted() throws Exception {
        Run wrong = java(Map.of("PGPASSWORD", "not-the-" + PASSWORD), "history", "--store", pg.url());
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).startsWith("etcdguard: error: cannot open the history store " + pg.url() + ": ")
                .contains("password authentication failed").doesNotContain(PASSWORD).hasLineCount(1);
        assertThat(wrong.out()).isEmpty();
        Run none = java(Map.of(), "history", "--store", pg.url());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("password").hasLineCount(1);
    }

    record Run(int exit, String out, String err) {}

    /** etcdguard in a JVM of its own (the environment differs), on this test's class path. */
    private static Run java(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.etcdguard.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(pg.dir(), "out", ".txt");
        Path err = Files.createTempFile(pg.dir(), "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().remove("PGPASSWORD");
        pb.environment().remove("ETCDGUARD_STORE");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
