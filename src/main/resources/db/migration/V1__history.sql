-- etcdguard's history store: one schema for SQLite and PostgreSQL (Flyway migrates it at open).
-- ${scan_id} is the one difference: SQLite's INTEGER PRIMARY KEY AUTOINCREMENT, PostgreSQL's identity column.
-- Times are epoch milliseconds (BIGINT), JSON is TEXT: both databases read them the same way.
CREATE TABLE scans (
    id ${scan_id},
    host TEXT NOT NULL,
    cluster TEXT,
    started_ms BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    tool_version TEXT NOT NULL,
    result_count INTEGER NOT NULL,
    pass_count INTEGER NOT NULL,
    fail_count INTEGER NOT NULL,
    warn_count INTEGER NOT NULL,
    not_applicable_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    notes TEXT NOT NULL
);
CREATE INDEX scans_host ON scans (host, id);
CREATE INDEX scans_cluster ON scans (cluster, host, id);

-- One row per result; target_key is stable across scans and restarts (no pid), target and checks are the
-- JSON report's objects for the result (docs/json-report.md).
CREATE TABLE results (
    scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    rule TEXT NOT NULL,
    number TEXT,
    status TEXT NOT NULL,
    target_key TEXT NOT NULL,
    target TEXT NOT NULL,
    checks TEXT NOT NULL,
    PRIMARY KEY (scan_id, seq)
);
CREATE INDEX results_target ON results (target_key, rule, scan_id);
CREATE INDEX results_rule ON results (rule, scan_id);

-- Certificate validity the rules read (file evidence "valid from ... until ..."), per target.
CREATE TABLE certificates (
    scan_id BIGINT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    target_key TEXT NOT NULL,
    file TEXT NOT NULL,
    not_after_ms BIGINT NOT NULL,
    PRIMARY KEY (scan_id, target_key, file)
);
