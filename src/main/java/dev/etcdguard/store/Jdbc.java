package dev.etcdguard.store;

import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.report.JsonReport;
import dev.etcdguard.rules.CertificateSeen;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The store on JDBC: SQLite or PostgreSQL, one schema ({@code db/migration}), one connection per store. */
final class Jdbc implements Store {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final StoreUrl url;
    private final String password;
    private final Connection connection;

    private Jdbc(StoreUrl url, String password, Connection connection) {
        this.url = url;
        this.password = password;
        this.connection = connection;
    }

    /** Opens (creating an SQLite file 0600 and its directory when needed) and migrates the schema. */
    static Jdbc open(StoreUrl url, String password) {
        try {
            if (url.kind() == StoreUrl.Kind.SQLITE) {
                prepareSqliteFile(url.file());
            }
            Properties props = properties(url, password);
            if (url.kind() == StoreUrl.Kind.SQLITE) {
                migrateLocked(url, props);
            } else {
                migrate(url, props); // Flyway serializes concurrent migrations with an advisory lock
            }
            Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
            return new Jdbc(url, password, c);
        } catch (SQLException | RuntimeException | LinkageError e) {
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException(mask("cannot open the history store " + url.describe() + ": " + reason(e), password));
        }
    }

    private static Properties properties(StoreUrl url, String password) {
        Properties p = new Properties();
        if (url.kind() == StoreUrl.Kind.SQLITE) {
            p.setProperty("journal_mode", "WAL");    // readers do not block the writer
            p.setProperty("busy_timeout", "15000");  // another process's transaction: wait, do not fail
            p.setProperty("foreign_keys", "true");
            // BEGIN IMMEDIATE: a writer takes the write lock first and waits for it (busy_timeout), instead of
            // failing with SQLITE_BUSY when two readers both try to upgrade
            p.setProperty("transaction_mode", "IMMEDIATE");
        } else {
            if (password != null) {
                p.setProperty("password", password);
            }
            // never hang on an unreachable server (the URL's own values win)
            if (!url.lower().contains("connecttimeout=")) {
                p.setProperty("connectTimeout", "10");
            }
            if (!url.lower().contains("logintimeout=")) {
                p.setProperty("loginTimeout", "20");
            }
            if (!url.lower().contains("applicationname=")) {
                p.setProperty("ApplicationName", "etcdguard");
            }
        }
        return p;
    }

    private static void prepareSqliteFile(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            if (dir != null && !Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (IOException e) {
                    throw new StoreException("cannot open the history store jdbc:sqlite:" + file + ": cannot create directory "
                            + dir + ": " + IoErrors.reason(e));
                }
            }
            if (!Files.exists(file)) {
                // the history holds the evidence of every scan: readable by its owner only
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else if (!Files.isRegularFile(file)) {
                throw new StoreException("cannot open the history store jdbc:sqlite:" + file + ": not a regular file");
            } else if (!Files.isWritable(file)) {
                throw new StoreException("cannot open the history store jdbc:sqlite:" + file + ": not writable");
            }
        } catch (FileAlreadyExistsException e) {
            // another process created it first
        } catch (IOException e) {
            throw new StoreException("cannot open the history store jdbc:sqlite:" + file + ": " + IoErrors.reason(e));
        }
    }

    private static final Object MIGRATION = new Object();

    /**
     * SQLite: Flyway takes no lock of its own there, so processes opening one new file at once migrate one after
     * the other, under an exclusive lock on {@code FILE.lock} (and one monitor for the threads of this JVM, which
     * a file lock does not separate).
     */
    private static void migrateLocked(StoreUrl url, Properties props) {
        Path lockFile = url.file().resolveSibling(url.file().getFileName() + ".lock");
        synchronized (MIGRATION) {
            try (FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ch.lock(); // released when the channel closes
                migrate(url, props);
            } catch (IOException e) {
                throw new StoreException("cannot open the history store " + url.describe() + ": cannot lock " + lockFile
                        + ": " + IoErrors.reason(e));
            }
        }
    }

    private static void migrate(StoreUrl url, Properties props) {
        Map<String, String> placeholders = Map.of("scan_id", url.kind() == StoreUrl.Kind.SQLITE
                ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
        Flyway.configure(Jdbc.class.getClassLoader())
                .dataSource(new Source(url.jdbcUrl(), props))
                .locations("classpath:db/migration")
                .placeholders(placeholders)
                .loggers(QuietFlywayLog.class.getName())
                .load()
                .migrate();
    }

    @Override
    public synchronized long write(ScanRecord record) {
        return inTransaction("cannot write the scan to the history store", () -> {
            long id = insertScan(record);
            insertResults(id, record);
            return id;
        });
    }

    /** SQL work that runs inside one transaction. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} in one transaction: all of it is committed, or nothing (rolled back, then one clear error). */
    private <T> T inTransaction(String what, Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException e) {
            throw failure(what, e);
        }
    }

    private long insertScan(ScanRecord r) throws SQLException {
        Map<Status, Integer> counts = r.report().summary();
        String sql = "INSERT INTO scans (host, cluster, started_ms, duration_ms, tool_version, result_count, pass_count,"
                + " fail_count, warn_count, not_applicable_count, error_count, notes)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, r.host());
            ps.setString(2, r.cluster());
            ps.setLong(3, r.started().toEpochMilli());
            ps.setLong(4, r.duration().toMillis());
            ps.setString(5, JsonReport.VERSION);
            ps.setInt(6, r.report().results().size());
            ps.setInt(7, counts.get(Status.PASS));
            ps.setInt(8, counts.get(Status.FAIL));
            ps.setInt(9, counts.get(Status.WARN));
            ps.setInt(10, counts.get(Status.NOT_APPLICABLE));
            ps.setInt(11, counts.get(Status.ERROR));
            ps.setString(12, MAPPER.writeValueAsString(r.report().notes()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void insertResults(long scanId, ScanRecord r) throws SQLException {
        JsonReport json = new JsonReport();
        Map<String, Map<String, Instant>> certs = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO results (scan_id, seq, rule, number, status,"
                + " target_key, target, checks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            int seq = 0;
            for (Result result : r.report().results()) {
                String key = TargetKey.of(r.host(), result.target());
                ObjectNode node = json.result(result);
                ps.setLong(1, scanId);
                ps.setInt(2, seq++);
                ps.setString(3, result.rule().id());
                ps.setString(4, result.rule().number());
                ps.setString(5, result.status().name());
                ps.setString(6, key);
                ps.setString(7, MAPPER.writeValueAsString(node.get("target")));
                ps.setString(8, MAPPER.writeValueAsString(node.get("checks")));
                ps.addBatch();
                certificates(result, certs.computeIfAbsent(key, k -> new LinkedHashMap<>()));
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "INSERT INTO certificates (scan_id, target_key, file, not_after_ms) VALUES (?, ?, ?, ?)")) {
            for (var byTarget : certs.entrySet()) {
                for (var cert : byTarget.getValue().entrySet()) {
                    ps.setLong(1, scanId);
                    ps.setString(2, byTarget.getKey());
                    ps.setString(3, cert.getKey());
                    ps.setLong(4, cert.getValue().toEpochMilli());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /** The certificates the rules read for this result: each file once, a bundle's earliest expiry. */
    private static void certificates(Result result, Map<String, Instant> into) {
        for (CertificateSeen c : result.certificates()) {
            into.merge(c.path(), c.notAfter(), (a, b) -> a.isBefore(b) ? a : b);
        }
    }

    @Override
    public synchronized int prune(Instant before) {
        return inTransaction("cannot prune the history store", () -> {
            String where = " WHERE scan_id IN (SELECT id FROM scans WHERE started_ms < ?)";
            for (String sql : List.of("DELETE FROM certificates" + where, "DELETE FROM results" + where)) {
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    ps.setLong(1, before.toEpochMilli());
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM scans WHERE started_ms < ?")) {
                ps.setLong(1, before.toEpochMilli());
                return ps.executeUpdate();
            }
        });
    }

    private static final String SCAN_COLUMNS = "id, host, cluster, started_ms, duration_ms, tool_version, pass_count,"
            + " fail_count, warn_count, not_applicable_count, error_count, notes";

    @Override
    public synchronized List<History.Scan> scans(String host, int limit) {
        String sql = "SELECT " + SCAN_COLUMNS + " FROM scans" + (host == null ? "" : " WHERE host = ?")
                + " ORDER BY id DESC LIMIT ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int i = 1;
            if (host != null) {
                ps.setString(i++, host);
            }
            ps.setInt(i, limit);
            return readScans(ps);
        } catch (SQLException | RuntimeException e) {
            throw failure("cannot read the history store", e);
        }
    }

    @Override
    public synchronized List<History.Scan> fleet() {
        String sql = "SELECT " + SCAN_COLUMNS + " FROM scans s WHERE s.id = (SELECT MAX(t.id) FROM scans t"
                + " WHERE t.host = s.host AND COALESCE(t.cluster, '') = COALESCE(s.cluster, ''))"
                + " ORDER BY COALESCE(s.cluster, ''), s.host";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            return readScans(ps);
        } catch (SQLException | RuntimeException e) {
            throw failure("cannot read the history store", e);
        }
    }

    @Override
    public synchronized List<Long> latest(String host, int limit) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT id FROM scans WHERE host = ? ORDER BY id DESC LIMIT ?")) {
            ps.setString(1, host);
            ps.setInt(2, limit);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        } catch (SQLException | RuntimeException e) {
            throw failure("cannot read the history store", e);
        }
    }

    @Override
    public synchronized Optional<History.StoredScan> scan(long id) {
        try {
            List<History.Scan> header;
            try (PreparedStatement ps = connection.prepareStatement("SELECT " + SCAN_COLUMNS + " FROM scans WHERE id = ?")) {
                ps.setLong(1, id);
                header = readScans(ps);
            }
            if (header.isEmpty()) {
                return Optional.empty();
            }
            List<History.Result> results = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT rule, number, status, target_key, target, checks"
                    + " FROM results WHERE scan_id = ? ORDER BY seq")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        results.add(new History.Result(rs.getString(1), rs.getString(2), Status.valueOf(rs.getString(3)),
                                rs.getString(4), MAPPER.readTree(rs.getString(5)), MAPPER.readTree(rs.getString(6))));
                    }
                }
            }
            List<History.Certificate> certs = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("SELECT target_key, file, not_after_ms FROM certificates"
                    + " WHERE scan_id = ? ORDER BY not_after_ms, target_key, file")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        certs.add(new History.Certificate(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
                    }
                }
            }
            return Optional.of(new History.StoredScan(header.getFirst(), results, certs));
        } catch (SQLException | RuntimeException e) {
            throw failure("cannot read the history store", e);
        }
    }

    @Override
    public synchronized List<History.Point> statusOverTime(String rule, String targetKey, int limit) {
        StringBuilder sql = new StringBuilder("SELECT s.id, s.started_ms, s.host, s.cluster, r.rule, r.number, r.target_key,"
                + " r.status FROM results r JOIN scans s ON s.id = r.scan_id WHERE 1 = 1");
        if (rule != null) {
            sql.append(" AND (r.rule = ? OR r.number = ?)");
        }
        if (targetKey != null) {
            sql.append(" AND r.target_key = ?");
        }
        sql.append(" ORDER BY s.id DESC, r.seq DESC LIMIT ?");
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            int i = 1;
            if (rule != null) {
                ps.setString(i++, rule);
                ps.setString(i++, rule);
            }
            if (targetKey != null) {
                ps.setString(i++, targetKey);
            }
            ps.setInt(i, limit);
            List<History.Point> points = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    points.add(new History.Point(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), Status.valueOf(rs.getString(8))));
                }
            }
            return points.reversed();
        } catch (SQLException | RuntimeException e) {
            throw failure("cannot read the history store", e);
        }
    }

    private List<History.Scan> readScans(PreparedStatement ps) throws SQLException {
        List<History.Scan> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<Status, Integer> counts = new EnumMap<>(Status.class);
                counts.put(Status.PASS, rs.getInt(7));
                counts.put(Status.FAIL, rs.getInt(8));
                counts.put(Status.WARN, rs.getInt(9));
                counts.put(Status.NOT_APPLICABLE, rs.getInt(10));
                counts.put(Status.ERROR, rs.getInt(11));
                List<String> notes = new ArrayList<>();
                MAPPER.readTree(rs.getString(12)).forEach(n -> notes.add(n.asString()));
                out.add(new History.Scan(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                        Duration.ofMillis(rs.getLong(5)), rs.getString(6), counts, notes));
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return url.describe();
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing was pending: every write commits or rolls back before it returns
        }
    }

    private StoreException failure(String what, Exception e) {
        return new StoreException(mask(what + " " + url.describe() + ": " + reason(e), password));
    }

    /** The first line of the innermost useful message (Flyway wraps the driver's). */
    static String reason(Throwable e) {
        Throwable t = e;
        String msg = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                msg = t.getMessage();
                if (t instanceof SQLException) {
                    break;
                }
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        if (msg == null) {
            return e.getClass().getSimpleName();
        }
        String line = msg.strip().lines().filter(l -> !l.isBlank() && !l.startsWith("-")).findFirst().orElse(msg.strip());
        return line.length() > 400 ? line.substring(0, 400) + "..." : line;
    }

    static String mask(String message, String password) {
        String out = StoreUrl.mask(message);
        return password == null || password.isEmpty() ? out : out.replace(password, "****");
    }

    static JsonNode tree(String json) {
        return MAPPER.readTree(json);
    }

    /** A data source for Flyway on the driver manager, with the store's connection properties. */
    private record Source(String url, Properties props) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, props);
        }

        @Override
        public Connection getConnection(String user, String pass) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }

        @Override
        public String toString() {
            return "DataSource[" + StoreUrl.mask(url) + "]"; // never the properties: they hold the password
        }
    }
}
