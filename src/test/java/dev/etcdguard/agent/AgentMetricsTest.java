package dev.etcdguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.etcd.Target;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.rules.CertificateSeen;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

    private static final RuleDocument RULE = RuleLoader.builtIn().stream()
            .filter(r -> r.id().equals("etcd-peer-tls")).findFirst().orElseThrow();

    private static AgentState.Scan scan(List<Result> results, List<CertificateSeen> certs) {
        return new AgentState.Scan(new ScanReport(results, List.of(), certs), Instant.ofEpochSecond(1_700_000_000),
                Duration.ofMillis(12), "node-1", "prod");
    }

    private static String text(AgentMetrics m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void seriesOfTargetsGoneDisappearAtTheNextScan() throws IOException {
        AgentMetrics m = new AgentMetrics();
        Target a = new Target.Process(101, "/usr/bin/etcd", "etcd-a");
        Target b = new Target.Process(102, "/usr/bin/etcd", "etcd-b");
        Instant notAfter = Instant.ofEpochSecond(1_800_000_000);
        m.scanned(scan(List.of(new Result(RULE, a, Status.PASS, List.of()), new Result(RULE, b, Status.FAIL, List.of())),
                List.of(new CertificateSeen(a, "/pki/a.crt", "peer", notAfter))));
        String first = text(m);
        assertThat(first).contains("target=\"member etcd-a\"").contains("target=\"member etcd-b\"")
                .contains("status=\"FAIL\"")
                .containsPattern("etcdguard_certificate_expiry_timestamp_seconds\\{cluster=\"prod\",host=\"node-1\","
                        + "path=\"/pki/a.crt\",role=\"peer\",target=\"member etcd-a\"} 1\\.8E9")
                .contains("etcdguard_results{cluster=\"prod\",host=\"node-1\",status=\"FAIL\"} 1.0")
                .contains("etcdguard_scans_total 1.0");

        m.scanned(scan(List.of(new Result(RULE, a, Status.PASS, List.of())), List.of()));
        String second = text(m);
        assertThat(second).contains("target=\"member etcd-a\"").doesNotContain("etcd-b")
                .doesNotContain("etcdguard_certificate_expiry_timestamp_seconds{")
                .contains("etcdguard_results{cluster=\"prod\",host=\"node-1\",status=\"FAIL\"} 0.0")
                .contains("etcdguard_scans_total 2.0");
    }

    @Test
    void aCaBundleIsOneSeriesWithItsEarliestExpiry() throws IOException {
        AgentMetrics m = new AgentMetrics();
        Target a = new Target.Process(101, "/usr/bin/etcd", "etcd-a");
        m.scanned(scan(List.of(), List.of(new CertificateSeen(a, "/pki/ca.crt", "peer-ca", Instant.ofEpochSecond(2_000_000_000)),
                new CertificateSeen(a, "/pki/ca.crt", "peer-ca", Instant.ofEpochSecond(1_900_000_000)))));
        String out = text(m);
        assertThat(out).contains("role=\"peer-ca\",target=\"member etcd-a\"} 1.9E9").doesNotContain("2.0E9");
    }

    @Test
    void seriesBeyondTheCapAreDroppedAndCounted() throws IOException {
        AgentMetrics m = new AgentMetrics(3);
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(new Result(RULE, new Target.Process(i, "/usr/bin/etcd", "m" + i), Status.PASS, List.of()));
        }
        m.scanned(scan(results, List.of()));
        String out = text(m);
        assertThat(out.lines().filter(l -> l.startsWith("etcdguard_result{"))).hasSize(3);
        assertThat(out).contains("etcdguard_series_dropped_total 2.0")
                .contains("etcdguard_results{cluster=\"prod\",host=\"node-1\",status=\"PASS\"} 5.0");
    }

    @Test
    void twoProcessesOfOneMemberNameStayDistinctSeries() throws IOException {
        AgentMetrics m = new AgentMetrics();
        m.scanned(scan(List.of(new Result(RULE, new Target.Process(1, "/usr/bin/etcd", "default"), Status.PASS, List.of()),
                new Result(RULE, new Target.Process(2, "/usr/bin/etcd", "default"), Status.PASS, List.of())), List.of()));
        String out = text(m);
        assertThat(out.lines().filter(l -> l.startsWith("etcdguard_result{"))).hasSize(2);
        assertThat(out).contains("pid_or_place=\"pid 2\"");
    }

    @Test
    void aFailedScanCountsAsAnError() throws IOException {
        AgentMetrics m = new AgentMetrics();
        m.scanFailed();
        assertThat(text(m)).contains("etcdguard_scan_errors_total 1.0").contains("etcdguard_scans_total 0.0");
    }
}
