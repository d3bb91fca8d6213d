package dev.etcdguard.report;

import dev.etcdguard.rules.CertificateSeen;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a scan produced: the results, and notes about the scan itself (for example that no etcd
 * process was found), and the certificates the rules read.
 */
public record ScanReport(List<Result> results, List<String> notes, List<CertificateSeen> certificates) {

    public ScanReport {
        results = List.copyOf(results);
        notes = List.copyOf(notes);
        certificates = List.copyOf(certificates);
    }

    /** A report without the certificates the rules read (they only feed the agent's expiry metrics). */
    public ScanReport(List<Result> results, List<String> notes) {
        this(results, notes, List.of());
    }

    /** Results per status, every status present (zero when none). */
    public Map<Status, Integer> summary() {
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        for (Status s : Status.values()) {
            counts.put(s, 0);
        }
        results.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        return counts;
    }

    /** A target in one line, as the text report shows it. */
    public static String describe(dev.etcdguard.etcd.Target target) {
        return Describe.target(target);
    }

    /** 0: no FAIL and no ERROR; 1: some FAIL; 2: some ERROR (the scan could not judge a target). */
    public int exitCode() {
        Map<Status, Integer> s = summary();
        if (s.get(Status.ERROR) > 0) {
            return 2;
        }
        return s.get(Status.FAIL) > 0 ? 1 : 0;
    }
}
