package dev.etcdguard.store;

import static dev.etcdguard.store.Fixtures.client;
import static dev.etcdguard.store.Fixtures.cli;
import static dev.etcdguard.store.Fixtures.etcd;
import static dev.etcdguard.store.Fixtures.peer;
import static dev.etcdguard.store.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The store on a real embedded SQLite database in a temporary directory. */
class SqliteStoreTest {

    private static final Instant EXPIRY = Instant.parse("2027-03-01T00:00:00Z");

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:sqlite:" + dir.resolve("state/history.db");
    }

    private static long count(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void migratesAnEmptyDatabaseOnceAndCreatesTheFileForItsOwnerOnly() throws Exception {
        Path db = dir.resolve("state/history.db");
        try (Store s = Store.open(url())) {
            assertThat(s.scans(null, 10)).isEmpty();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db.getParent()))).isEqualTo("rwx------");
        assertThat(count(db, "SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1' AND success = 1")).isEqualTo(1);
        try (Store s = Store.open(url())) { // a second open finds the schema current
            s.write(record("h1", null, peer(etcd(1, "m1"), Status.PASS, EXPIRY)));
        }
        assertThat(count(db, "SELECT COUNT(*) FROM flyway_schema_history")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM scans")).isEqualTo(1);
    }

    @Test
    void keepsEveryResultWithItsChecksEvidenceAndCertificateExpiry() {
        try (Store s = Store.open(url())) {
            long id = s.write(record("cp1", "prod", peer(etcd(4242, "cp1"), Status.FAIL, EXPIRY),
                    client(new Target.Manifest("manifests/etcd.yaml", 0, 12, 7, "Pod/kube-system/etcd-cp1", "etcd", "cp1"),
                            Status.PASS, "client URLs use https")));
            History.StoredScan scan = s.scan(id).orElseThrow();
            assertThat(scan.scan().host()).isEqualTo("cp1");
            assertThat(scan.scan().cluster()).isEqualTo("prod");
            assertThat(scan.scan().count(Status.FAIL)).isEqualTo(1);
            assertThat(scan.scan().count(Status.PASS)).isEqualTo(1);
            assertThat(scan.scan().notes()).containsExactly("note of cp1");
            assertThat(scan.results()).extracting(History.Result::rule, History.Result::status, History.Result::targetKey)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("etcd-peer-tls", Status.FAIL, "process:cp1/etcd/cp1"),
                            org.assertj.core.groups.Tuple.tuple("etcd-client-tls", Status.PASS,
                                    "manifest:manifests/etcd.yaml#Pod/kube-system/etcd-cp1/etcd"));
            History.Result peer = scan.results().getFirst();
            assertThat(peer.number()).isEqualTo(Fixtures.PEER_TLS.number());
            assertThat(peer.target().path("pid").asLong()).isEqualTo(4242); // the JSON report's target, pid included
            JsonNode check = peer.checks().get(0);
            assertThat(check.path("id").asString()).isEqualTo("peer-url-https");
            assertThat(check.path("status").asString()).isEqualTo("FAIL");
            assertThat(peer.checks().get(1).path("evidence").get(0).path("file").asString())
                    .isEqualTo("/etc/kubernetes/pki/etcd/peer.crt");
            assertThat(scan.certificates()).containsExactly(
                    new History.Certificate("process:cp1/etcd/cp1", "/etc/kubernetes/pki/etcd/peer.crt", EXPIRY));
        }
    }

    @Test
    void aScanIsOneTransactionAllResultsOrNone() throws Exception {
        Path db = dir.resolve("state/history.db");
        try (Store s = Store.open(url())) {
            s.write(record("h1", null, peer(etcd(1, "m1"), Status.PASS, EXPIRY)));
        }
        // a real failure inside the database, at the scan's second result
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TRIGGER injected BEFORE INSERT ON results WHEN NEW.seq = 1"
                    + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
        }
        try (Store s = Store.open(url())) {
            assertThatThrownBy(() -> s.write(record("h1", null, peer(etcd(1, "m1"), Status.FAIL, EXPIRY),
                    client(etcd(1, "m1"), Status.PASS, "ok"), client(etcd(2, "m2"), Status.PASS, "ok"))))
                    .isInstanceOf(StoreException.class).hasMessageContaining("injected failure");
            assertThat(s.scans(null, 10)).hasSize(1); // no scan row without its results
        }
        assertThat(count(db, "SELECT COUNT(*) FROM results")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM certificates")).isEqualTo(1);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER injected");
        }
        try (Store s = Store.open(url())) { // the store is usable after the failed write
            long id = s.write(record("h1", null, peer(etcd(1, "m1"), Status.FAIL, EXPIRY), client(etcd(1, "m1"), Status.PASS, "ok")));
            assertThat(s.scan(id).orElseThrow().results()).hasSize(2);
        }
    }

    @Test
    void targetKeysStayTheSameWhenTheMemberRestartsWithANewPid() {
        assertThat(TargetKey.of("cp1", etcd(100, "cp1"))).isEqualTo(TargetKey.of("cp1", etcd(2000, "cp1")))
                .isNotEqualTo(TargetKey.of("cp2", etcd(100, "cp1")))
                .isNotEqualTo(TargetKey.of("cp1", etcd(100, "cp9")));
        assertThat(TargetKey.of("cp1", new Target.Process(7, "/usr/bin/etcd (deleted)", "cp1")))
                .isEqualTo("process:cp1/etcd/cp1");
        assertThat(TargetKey.of("cp1", new Target.Endpoint("https://127.0.0.1:2380", "cp1"))).isEqualTo("endpoint:https://127.0.0.1:2380");
        assertThat(TargetKey.of("x", Target.Manifest.file("a.yaml"))).isEqualTo("manifest:a.yaml");
        try (Store s = Store.open(url())) {
            long a = s.write(record("cp1", null, peer(etcd(100, "cp1"), Status.PASS, EXPIRY)));
            long b = s.write(record("cp1", null, peer(etcd(2000, "cp1"), Status.FAIL, EXPIRY)));
            List<History.Point> points = s.statusOverTime(null, "process:cp1/etcd/cp1", 10);
            assertThat(points).extracting(History.Point::scanId, History.Point::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(a, Status.PASS), org.assertj.core.groups.Tuple.tuple(b, Status.FAIL));
            Diff diff = Diff.of(s.scan(a).orElseThrow(), s.scan(b).orElseThrow());
            assertThat(diff.changes()).extracting(Diff.Change::kind).containsExactly(Diff.Kind.NEW_FAIL); // not REMOVED + ADDED
        }
    }

    @Test
    void historyListsScansStatusOverTimeAndTheFleet() throws Exception {
        try (Store s = Store.open(url())) {
            s.write(record("cp1", "prod", peer(etcd(1, "cp1"), Status.PASS, EXPIRY)));
            s.write(record("cp2", "prod", peer(etcd(1, "cp2"), Status.PASS, EXPIRY)));
            s.write(record("cp1", "prod", peer(etcd(2, "cp1"), Status.FAIL, EXPIRY)));
            s.write(record("dev1", null, peer(etcd(3, "dev1"), Status.PASS, EXPIRY)));
        }
        Fixtures.Run scans = cli("history", "--store", url(), "--limit", "10");
        assertThat(scans.exitCode()).as(scans.stderr()).isZero();
        List<String> rows = scans.stdout().lines().filter(l -> l.matches("\\s*\\d+\\s+20.*")).toList();
        assertThat(rows).hasSize(4);
        assertThat(rows.getFirst()).contains("dev1").contains(" - "); // newest first, no cluster
        assertThat(rows.get(1)).containsPattern("\\s3\\s+2026-12-01T10:00:00Z\\s+cp1\\s+prod\\s+0\\s+1\\s");

        Fixtures.Run rule = cli("history", "--store", url(), "--rule", "etcd-peer-tls", "--target", "process:cp1/etcd/cp1");
        assertThat(rule.exitCode()).isZero();
        assertThat(rule.stdout()).contains("(was PASS: worse)");
        assertThat(rule.stdout().lines().filter(l -> l.matches("\\s*\\d+\\s+20.*process:cp1/etcd/cp1.*"))).hasSize(2);

        Fixtures.Run fleet = cli("history", "--store", url(), "--fleet", "--format", "json");
        assertThat(fleet.exitCode()).isZero();
        JsonNode json = JsonMapper.builder().build().readTree(fleet.stdout());
        assertThat(json.path("fleet")).hasSize(3);
        // the latest per cluster and host: cp1's is scan 3 with its FAIL
        JsonNode cp1 = null;
        for (JsonNode n : json.path("fleet")) {
            if (n.path("host").asString().equals("cp1")) {
                cp1 = n;
            }
        }
        assertThat(cp1).isNotNull();
        assertThat(cp1.path("id").asLong()).isEqualTo(3);
        assertThat(cp1.path("summary").path("FAIL").asInt()).isEqualTo(1);
    }

    @Test
    void diffShowsNewFailsFixedAndChangedEvidenceWithExitCodes() throws Exception {
        long a;
        long b;
        try (Store s = Store.open(url())) {
            a = s.write(record("cp1", null, peer(etcd(1, "cp1"), Status.PASS, EXPIRY), client(etcd(1, "cp1"), Status.PASS, "https on 2379")));
            b = s.write(record("cp1", null, peer(etcd(9, "cp1"), Status.FAIL, EXPIRY), client(etcd(9, "cp1"), Status.PASS, "https on 12379")));
        }
        Fixtures.Run worse = cli("diff", "--store", url(), "--host", "cp1");
        assertThat(worse.exitCode()).as(worse.stdout() + worse.stderr()).isEqualTo(1);
        assertThat(worse.stdout()).containsPattern("NEW FAIL .*etcd-peer-tls .*process:cp1/etcd/cp1 +PASS -> FAIL")
                .contains("peer-url-https: PASS -> FAIL: peer URL http://10.0.0.1:2380 is plaintext")
                .containsPattern("EVIDENCE .*etcd-client-tls")
                .contains("client-url-https: https on 2379 -> https on 12379");

        Fixtures.Run fixed = cli("diff", "--store", url(), String.valueOf(b), String.valueOf(a), "--format", "json");
        assertThat(fixed.exitCode()).as(fixed.stderr()).isZero();
        JsonNode json = JsonMapper.builder().build().readTree(fixed.stdout());
        assertThat(json.path("worse").asBoolean()).isFalse();
        assertThat(json.path("summary").path("FIXED").asInt()).isEqualTo(1);
        assertThat(json.path("changes").get(0).path("kind").asString()).isEqualTo("FIXED");
        assertThat(json.path("changes").get(0).path("target").asString()).isEqualTo("process:cp1/etcd/cp1");

        Fixtures.Run same = cli("diff", "--store", url(), String.valueOf(a), String.valueOf(a));
        assertThat(same.exitCode()).isZero();
        assertThat(same.stdout()).contains("no change");

        Fixtures.Run missing = cli("diff", "--store", url(), "77", String.valueOf(a));
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr().strip()).isEqualTo("etcdguard: error: no scan 77 in " + url());
    }

    @Test
    void badStoresAreOneErrorLineWithExitCode2AndNeverThePassword() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        String manifest = "src/test/resources/manifests/bitnami/etcd-plaintext-3.yaml";
        Fixtures.Run unwritable = cli("scan", manifest, "--format", "json", "--store", "jdbc:sqlite:" + file.resolve("sub/history.db"));
        assertThat(unwritable.exitCode()).isEqualTo(2);
        assertThat(unwritable.stdout()).contains("\"results\""); // the report is printed first
        assertThat(unwritable.stderr().lines()).hasSize(1);
        assertThat(unwritable.stderr()).startsWith("etcdguard: error: cannot open the history store jdbc:sqlite:")
                .contains("cannot create directory").doesNotContain("Exception");

        Fixtures.Run dirAsFile = cli("scan", manifest, "--format", "json", "--store", "jdbc:sqlite:" + dir);
        assertThat(dirAsFile.exitCode()).isEqualTo(2);
        assertThat(dirAsFile.stderr()).contains("not a regular file").hasLineCount(1);

        Fixtures.Run inUrl = cli("history", "--store", "jdbc:postgresql://127.0.0.1:9/db?user=u&password=hunter2");
        assertThat(inUrl.exitCode()).isEqualTo(2);
        assertThat(inUrl.stderr()).contains("holds a password").doesNotContain("hunter2").hasLineCount(1);

        Fixtures.Run absent = cli("history", "--store", "jdbc:sqlite:" + dir.resolve("absent.db"));
        assertThat(absent.exitCode()).isEqualTo(2);
        assertThat(absent.stderr()).contains("no history store at jdbc:sqlite:").hasLineCount(1);
        assertThat(dir.resolve("absent.db")).doesNotExist(); // a reader creates nothing

        Fixtures.Run badScheme = cli("history", "--store", "mysql://127.0.0.1/db");
        assertThat(badScheme.exitCode()).isEqualTo(2);
        assertThat(badScheme.stderr()).contains("unsupported store URL").hasLineCount(1);

        Fixtures.Run noPasswordFile = cli("history", "--store", "jdbc:postgresql://127.0.0.1:9/db?user=u",
                "--store-password-file", dir.resolve("absent").toString());
        assertThat(noPasswordFile.exitCode()).isEqualTo(2);
        assertThat(noPasswordFile.stderr()).contains("cannot read the store password file").hasLineCount(1);

        // a real TCP connect to a loopback port nothing listens on
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        Path pw = Files.writeString(dir.resolve("pw"), "s3cr3t-pw\n");
        Fixtures.Run unreachable = cli("history", "--store", "jdbc:postgresql://127.0.0.1:" + port + "/db?user=u",
                "--store-password-file", pw.toString());
        assertThat(unreachable.exitCode()).isEqualTo(2);
        assertThat(unreachable.stderr()).startsWith("etcdguard: error: cannot open the history store jdbc:postgresql://127.0.0.1:"
                + port + "/db?user=u: Connection to 127.0.0.1:" + port + " refused").doesNotContain("s3cr3t-pw").hasLineCount(1);
    }

    @Test
    void scanStoreWritesTheScanItReports() throws Exception {
        Path manifest = Path.of("src/test/resources/manifests/bitnami/etcd-plaintext-3.yaml");
        Fixtures.Run scan = cli("scan", manifest.toString(), "--store", url(), "--cluster", "lab", "--format", "json");
        assertThat(scan.exitCode()).as(scan.stderr()).isEqualTo(1); // the plaintext chart FAILs
        JsonNode report = JsonMapper.builder().build().readTree(scan.stdout());
        try (Store s = Store.open(url())) {
            List<History.Scan> scans = s.scans(null, 10);
            assertThat(scans).hasSize(1);
            assertThat(scans.getFirst().host()).isEqualTo(ScanRecord.thisHost());
            assertThat(scans.getFirst().cluster()).isEqualTo("lab");
            assertThat(scans.getFirst().count(Status.FAIL)).isEqualTo(report.path("summary").path("FAIL").asInt()).isPositive();
            History.StoredScan stored = s.scan(scans.getFirst().id()).orElseThrow();
            assertThat(stored.results()).hasSize(report.path("results").size());
            for (int i = 0; i < stored.results().size(); i++) {
                JsonNode r = report.path("results").get(i);
                assertThat(stored.results().get(i).rule()).isEqualTo(r.path("rule").asString());
                assertThat(stored.results().get(i).status().name()).isEqualTo(r.path("status").asString());
                assertThat(stored.results().get(i).checks()).isEqualTo(r.path("checks"));
                assertThat(stored.results().get(i).targetKey())
                        .isEqualTo("manifest:" + manifest + "#" + r.path("target").path("resource").asString() + "/etcd");
            }
        }
        Fixtures.Run without = cli("scan", manifest.toString(), "--format", "json");
        assertThat(without.exitCode()).isEqualTo(1);
        try (Store s = Store.open(url())) {
            assertThat(s.scans(null, 10)).hasSize(1); // no --store: nothing written
        }
    }

    @Test
    void writersOpeningOneNewFileAtOnceShareOneSchemaAndLoseNoScan() throws Exception {
        int writers = 6;
        int scans = 10;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                go.await();
                try (Store s = Store.open(url())) { // each its own connection, as separate processes have
                    for (int i = 0; i < scans; i++) {
                        s.write(record("h" + writer, null, peer(etcd(i, "m" + writer), Status.PASS, EXPIRY)));
                    }
                }
                return null;
            }));
        }
        go.countDown();
        pool.shutdown();
        for (var f : futures) {
            f.get(2, java.util.concurrent.TimeUnit.MINUTES);
        }
        Path db = dir.resolve("state/history.db");
        assertThat(count(db, "SELECT COUNT(*) FROM scans")).isEqualTo(writers * scans);
        assertThat(count(db, "SELECT COUNT(*) FROM results")).isEqualTo(writers * scans);
        assertThat(count(db, "SELECT COUNT(*) FROM flyway_schema_history")).isEqualTo(1);
    }

    @Test
    void pruneDeletesOldScansWithTheirResultsOnly() throws Exception {
        Path db = dir.resolve("state/history.db");
        try (Store s = Store.open(url())) {
            s.write(new ScanRecord(record("h", null, peer(etcd(1, "m"), Status.PASS, EXPIRY)).report(), "h", null,
                    Instant.parse("2026-01-01T00:00:00Z"), java.time.Duration.ZERO));
            long kept = s.write(new ScanRecord(record("h", null, peer(etcd(1, "m"), Status.FAIL, EXPIRY)).report(), "h", null,
                    Instant.parse("2026-06-01T00:00:00Z"), java.time.Duration.ZERO));
            assertThat(s.prune(Instant.parse("2026-03-01T00:00:00Z"))).isEqualTo(1);
            assertThat(s.scans(null, 10)).extracting(History.Scan::id).containsExactly(kept);
            assertThat(s.scan(kept).orElseThrow().results()).hasSize(1);
        }
        assertThat(count(db, "SELECT COUNT(*) FROM results")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM certificates")).isEqualTo(1);
    }
}
