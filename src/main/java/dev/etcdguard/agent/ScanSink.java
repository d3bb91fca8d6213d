package dev.etcdguard.agent;

import dev.etcdguard.report.ScanReport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Where the agent hands every finished scan (the history store). Called on the scan thread after the scan, never
 * interrupted: a write is one transaction, whole or not at all. A sink that throws is a scan error; the agent keeps
 * running.
 */
@FunctionalInterface
public interface ScanSink {

    ScanSink NONE = (report, at, took) -> { };

    /**
     * @param report the scan
     * @param at     when the scan started
     * @param took   how long the scan took
     */
    void written(ScanReport report, Instant at, Duration took) throws IOException;
}
