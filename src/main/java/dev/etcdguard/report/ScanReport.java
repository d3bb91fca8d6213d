package dev.etcdguard.report;

import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.CertificateSeen;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a scan produced: the results, and notes about the scan itself (for example that no etcd
 * process was found).
 */
public record ScanReport(List<Result> results, List<String> notes) {

    public ScanReport {
        results = List.copyOf(results);
        notes = List.copyOf(notes);
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

    /**
     * Every certificate the rules read ({@link Result#certificates()}), once per file and fingerprint with the roles,
     * settings and targets it was read for, soonest expiry first.
     */
    public List<CertificateExpiry> certificates() {
        record Seen(CertificateSeen first, Set<CertificateSeen.Role> roles, Set<String> settings, Set<Target> targets) {}
        Map<List<String>, Seen> seen = new LinkedHashMap<>();
        for (Result r : results) {
            for (CertificateSeen c : r.certificates()) {
                Seen s = seen.computeIfAbsent(List.of(c.path(), String.valueOf(c.sha256())), k -> new Seen(c,
                        EnumSet.noneOf(CertificateSeen.Role.class), new LinkedHashSet<>(), new LinkedHashSet<>()));
                s.roles().add(c.role());
                if (c.setting() != null) {
                    s.settings().add(c.setting());
                }
                s.targets().add(r.target());
            }
        }
        List<CertificateExpiry> out = new ArrayList<>();
        seen.values().forEach(s -> out.add(new CertificateExpiry(s.first(), s.roles(), List.copyOf(s.settings()),
                List.copyOf(s.targets()))));
        out.sort(Comparator.comparing((CertificateExpiry e) -> e.certificate().notAfter())
                .thenComparing(e -> e.certificate().path()));
        return out;
    }

    /** A target in one line, as the text report shows it. */
    public static String describe(Target target) {
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
