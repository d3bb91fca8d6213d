package dev.etcdguard.report;

import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.CertificateSeen;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The posture page ({@code /} of the agent): one self-contained HTML document, with its CSS inline and no script
 * nor external asset (it works air-gapped). Per target its rules with status badges, the messages of the checks that
 * did not pass, evidence on demand ({@code <details>}); the certificates the rules read by days to expiry; the trend
 * from history. Every text is escaped: manifest content cannot inject markup.
 */
public final class PostureHtml {

    /** Past scans and changes shown at most (newest first). */
    static final int TREND_ROWS = 20;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** Worst first: the order targets, rules and counts are shown in. */
    private static final List<Status> ORDER = List.of(Status.FAIL, Status.ERROR, Status.WARN, Status.PASS,
            Status.NOT_APPLICABLE);

    /** Defence in depth: evidence never holds key material, but a PEM private key block never leaves this page. */
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|\\z)", Pattern.DOTALL);

    private final int expiryWarnDays;

    /** @param expiryWarnDays certificates expiring within this many days are highlighted (the scan's warn days) */
    public PostureHtml(int expiryWarnDays) {
        this.expiryWarnDays = expiryWarnDays;
    }

    public PostureHtml() {
        this(30);
    }

    /**
     * What the page says about the scan besides its results.
     *
     * @param host      the node's name (may be null)
     * @param cluster   the cluster's name (may be null)
     * @param scannedAt when the shown scan ran (null: no scan yet)
     */
    public record Header(String host, String cluster, Instant scannedAt) {}

    /**
     * The page.
     *
     * @param report the latest scan, or null before the first one completed
     * @param trend  history; {@link Trend#empty()} without a store
     * @param now    the instant days to expiry are counted from
     */
    public String render(ScanReport report, Header header, Trend trend, Instant now) {
        StringBuilder out = new StringBuilder(16_384);
        String where = header.host() == null ? "" : header.host() + (header.cluster() == null ? "" : " · " + header.cluster());
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>etcdguard posture").append(where.isEmpty() ? "" : " — " + esc(where)).append("</title>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        header(out, report, header, where);
        out.append("<main>\n");
        if (report == null) {
            out.append("<p class=\"empty\">No scan has completed yet.</p>\n");
        } else {
            List<CertificateExpiry> certificates = report.certificates();
            expiryAlert(out, certificates, now);
            targets(out, report);
            certificates(out, certificates, now);
            notes(out, report.notes());
        }
        trend(out, trend == null ? Trend.empty() : trend);
        out.append("</main>\n</body>\n</html>\n");
        return PRIVATE_KEY.matcher(out).replaceAll("[private key redacted]");
    }

    private static void header(StringBuilder out, ScanReport report, Header header, String where) {
        out.append("<header>\n<h1>etcdguard posture</h1>\n<p class=\"meta\">");
        if (!where.isEmpty()) {
            out.append("<span class=\"where\">").append(esc(where)).append("</span> ");
        }
        out.append(header.scannedAt() == null ? "not scanned yet" : "scanned " + esc(TIME.format(header.scannedAt())))
                .append("</p>\n");
        if (report != null) {
            Map<Status, Integer> summary = report.summary();
            out.append("<p class=\"summary\">");
            for (Status s : ORDER) {
                int n = summary.get(s);
                out.append("<span class=\"total").append(n == 0 ? " zero" : "").append("\">").append(badge(s))
                        .append("<span class=\"count\">").append(n).append("</span></span> ");
            }
            out.append("<span class=\"unit\">results, ").append(byTarget(report.results()).size())
                    .append(" target(s)</span></p>\n");
        }
        out.append("<nav><a href=\"#targets\">Targets</a> <a href=\"#certificates\">Certificates</a>"
                + " <a href=\"#trend\">Trend</a></nav>\n</header>\n");
    }

    /** Certificates expired or expiring soon, above everything: the classic etcd outage. */
    private void expiryAlert(StringBuilder out, List<CertificateExpiry> certificates, Instant now) {
        List<CertificateExpiry> urgent = certificates.stream().filter(e -> e.daysLeft(now) < expiryWarnDays).toList();
        if (urgent.isEmpty()) {
            return;
        }
        out.append("<p class=\"alert\"><strong>Certificates need renewal:</strong> ");
        for (int i = 0; i < Math.min(3, urgent.size()); i++) {
            CertificateExpiry e = urgent.get(i);
            out.append(i == 0 ? "" : "; ").append(esc(e.certificate().subject())).append(" (")
                    .append(esc(roles(e))).append(") ")
                    .append(e.expired(now) ? daysText(e, now) : "expires in " + daysText(e, now));
        }
        if (urgent.size() > 3) {
            out.append("; and ").append(urgent.size() - 3).append(" more");
        }
        out.append(" — <a href=\"#certificates\">certificates</a></p>\n");
    }

    private static String roles(CertificateExpiry e) {
        return String.join(", ", e.rolesInOrder().stream().map(CertificateSeen.Role::label).toList());
    }

    private static String daysText(CertificateExpiry e, Instant now) {
        long days = e.daysLeft(now);
        if (e.expired(now)) {
            long ago = -days - 1;
            return ago <= 0 ? "expired < 1 day ago" : "expired " + ago + (ago == 1 ? " day ago" : " days ago");
        }
        return days + (days == 1 ? " day" : " days");
    }

    private static void targets(StringBuilder out, ScanReport report) {
        Map<Target, List<Result>> byTarget = byTarget(report.results());
        out.append("<section id=\"targets\">\n<h2>Targets</h2>\n");
        if (byTarget.isEmpty()) {
            out.append("<p class=\"empty\">The scan judged no target.</p>\n");
        }
        List<Map.Entry<Target, List<Result>>> targets = new ArrayList<>(byTarget.entrySet());
        targets.sort(Comparator.comparingInt(e -> ORDER.indexOf(worst(e.getValue())))); // stable: scan order otherwise
        for (Map.Entry<Target, List<Result>> e : targets) {
            target(out, e.getKey(), e.getValue());
        }
        out.append("</section>\n");
    }

    private static void target(StringBuilder out, Target target, List<Result> results) {
        Status worst = worst(results);
        out.append("<section class=\"target ").append(cls(worst)).append("\">\n<h3>").append(badge(worst))
                .append(" <span class=\"kind\">").append(kind(target)).append("</span> ")
                .append(esc(Describe.target(target))).append("</h3>\n");
        List<Result> attention = new ArrayList<>();
        List<Result> rest = new ArrayList<>();
        for (Result r : results) {
            (r.status() == Status.PASS || r.status() == Status.NOT_APPLICABLE ? rest : attention).add(r);
        }
        attention.sort(Comparator.comparingInt(r -> ORDER.indexOf(r.status())));
        if (!attention.isEmpty()) {
            rules(out, attention, true);
        }
        if (!rest.isEmpty()) {
            long pass = rest.stream().filter(r -> r.status() == Status.PASS).count();
            out.append("<details class=\"passing\"><summary>").append(pass).append(" rule(s) pass, ")
                    .append(rest.size() - pass).append(" not applicable</summary>\n");
            rules(out, rest, false);
            out.append("</details>\n");
        }
        out.append("</section>\n");
    }

    private static void rules(StringBuilder out, List<Result> results, boolean showProblems) {
        out.append("<table class=\"rules\">\n<colgroup><col class=\"c-status\"><col class=\"c-rule\"><col></colgroup>\n");
        for (Result r : results) {
            out.append("<tr class=\"").append(cls(r.status())).append("\"><td>").append(badge(r.status()))
                    .append("</td><td class=\"rule\"><span class=\"number\">").append(esc(r.rule().number()))
                    .append("</span> ").append(esc(r.rule().title())).append("<br><code class=\"id\">")
                    .append(esc(r.rule().id())).append("</code></td><td>");
            List<CheckResult> problems = r.checks().stream()
                    .filter(c -> c.status() != Status.PASS && c.status() != Status.NOT_APPLICABLE).toList();
            if (showProblems && !problems.isEmpty()) {
                out.append("<ul class=\"problems\">");
                for (CheckResult c : problems) {
                    out.append("<li class=\"").append(cls(c.status())).append("\">").append(badge(c.status()))
                            .append(" <code>").append(esc(c.id())).append("</code> <span class=\"message\">").append(esc(c.message())).append("</span></li>");
                }
                out.append("</ul>");
            }
            evidence(out, r, problems);
            out.append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    /** Every check with its evidence, on demand; the checks that did not pass first. */
    private static void evidence(StringBuilder out, Result r, List<CheckResult> problems) {
        int items = r.checks().stream().mapToInt(c -> c.evidence().size()).sum();
        String remediation = r.status() == Status.FAIL || r.status() == Status.WARN ? r.rule().remediation() : null;
        boolean fix = remediation != null && !remediation.isBlank();
        out.append("<details class=\"evidence\"><summary>").append(r.checks().size()).append(" check(s), ").append(items)
                .append(" evidence item(s)").append(fix ? ", remediation" : "").append("</summary>\n");
        if (fix) {
            out.append("<div class=\"remediation\"><strong>Remediation</strong>\n");
            String[] parts = remediation.strip().split("```", -1); // Markdown fences: odd parts are code blocks
            for (int i = 0; i < parts.length; i++) {
                if (i % 2 == 1) {
                    out.append("<pre>").append(esc(parts[i].replaceFirst("^[A-Za-z0-9_+-]*\\n", "").stripTrailing()))
                            .append("</pre>");
                } else {
                    for (String paragraph : parts[i].strip().split("\\n\\s*\\n")) {
                        if (!paragraph.isBlank()) {
                            out.append("<p>").append(esc(paragraph.strip())).append("</p>");
                        }
                    }
                }
            }
            out.append("</div>\n");
        }
        out.append("<ul class=\"checks\">");
        List<CheckResult> ordered = new ArrayList<>(problems);
        r.checks().stream().filter(c -> !problems.contains(c)).forEach(ordered::add);
        for (CheckResult c : ordered) {
            out.append("<li>").append(badge(c.status())).append(" <code>").append(esc(c.id())).append("</code> ")
                    .append(esc(c.message()));
            if (!c.evidence().isEmpty()) {
                out.append("<ul class=\"items\">");
                for (Evidence e : c.evidence()) {
                    out.append("<li><code>").append(esc(Describe.evidence(e))).append("</code></li>");
                }
                out.append("</ul>");
            }
            out.append("</li>\n");
        }
        out.append("</ul></details>");
    }

    private void certificates(StringBuilder out, List<CertificateExpiry> certificates, Instant now) {
        out.append("<section id=\"certificates\">\n<h2>Certificates</h2>\n");
        if (certificates.isEmpty()) {
            out.append("<p class=\"empty\">The rules read no certificate.</p>\n</section>\n");
            return;
        }
        out.append("<table class=\"certs\">\n<thead><tr><th>Days left</th><th>Expires</th><th>Role</th><th>File</th>")
                .append("<th>Subject</th><th>Used by</th></tr></thead>\n<tbody>\n");
        for (CertificateExpiry e : certificates) {
            CertificateSeen c = e.certificate();
            String state = e.expired(now) ? "expired" : e.daysLeft(now) < expiryWarnDays ? "soon" : "ok";
            out.append("<tr class=\"cert ").append(state).append("\"><td class=\"days\">")
                    .append(daysText(e, now))
                    .append("</td><td>").append(esc(DAY.format(c.notAfter().truncatedTo(ChronoUnit.MINUTES))))
                    .append("</td><td>").append(esc(roles(e))).append("</td><td><code>").append(esc(c.path()))
                    .append("</code>");
            if (!e.settings().isEmpty()) {
                out.append("<br><span class=\"setting\">").append(esc(String.join(", ", e.settings()))).append("</span>");
            }
            out.append("</td><td class=\"subject\">").append(esc(c.subject()));
            if (c.issuer() != null && !c.issuer().equals(c.subject())) {
                out.append("<br><span class=\"issuer\">issued by ").append(esc(c.issuer())).append("</span>");
            }
            out.append("</td><td class=\"users\">");
            for (int i = 0; i < e.targets().size(); i++) {
                out.append(i == 0 ? "" : "<br>").append(esc(Describe.target(e.targets().get(i))));
            }
            out.append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n</section>\n");
    }

    private static void notes(StringBuilder out, List<String> notes) {
        if (notes.isEmpty()) {
            return;
        }
        out.append("<section id=\"notes\">\n<h2>Notes</h2>\n<ul>");
        notes.forEach(n -> out.append("<li>").append(esc(n)).append("</li>"));
        out.append("</ul>\n</section>\n");
    }

    private static void trend(StringBuilder out, Trend trend) {
        out.append("<section id=\"trend\">\n<h2>Trend</h2>\n");
        if (trend.scans().isEmpty() && trend.changes().isEmpty()) {
            out.append("<p class=\"empty\">No history yet: the trend appears once scans are stored"
                    + " (<code>--store</code>).</p>\n</section>\n");
            return;
        }
        out.append("<div class=\"trend\">\n");
        out.append("<div class=\"changes\"><h3>Changes</h3>\n");
        if (trend.changes().isEmpty()) {
            out.append("<p class=\"empty\">No status changed in the stored scans.</p>\n");
        } else {
            out.append("<table class=\"changes\">\n<thead><tr><th>When</th><th>Change</th><th>Rule</th><th>Target</th>")
                    .append("</tr></thead>\n<tbody>\n");
            for (Trend.Change c : trend.changes().stream().limit(TREND_ROWS).toList()) {
                out.append("<tr class=\"").append(c.worse() ? "worse" : "better").append("\"><td>")
                        .append(esc(TIME.format(c.time()))).append("</td><td class=\"nowrap\">")
                        .append(c.before() == null ? "<span class=\"new\">new</span>" : badge(c.before()))
                        .append(" → ").append(c.after() == null ? "<span class=\"new\">gone</span>" : badge(c.after()))
                        .append("</td><td><span class=\"number\">").append(esc(c.number() == null ? "" : c.number()))
                        .append("</span> ").append(esc(c.title() == null ? c.rule() : c.title()));
                if (c.message() != null && !c.message().isBlank()) {
                    out.append("<br><span class=\"message\">").append(esc(c.message())).append("</span>");
                }
                out.append("</td><td>").append(esc(c.target() == null ? "" : c.target())).append("</td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        }
        out.append("</div>\n<div class=\"scans\"><h3>Scans</h3>\n");
        if (trend.scans().isEmpty()) {
            out.append("<p class=\"empty\">No stored scan.</p>\n");
        } else {
            out.append("<table class=\"scans\">\n<thead><tr><th>When</th><th>Results</th></tr></thead>\n<tbody>\n");
            for (Trend.ScanSummary s : trend.scans().stream().limit(TREND_ROWS).toList()) {
                int total = s.counts().values().stream().mapToInt(Integer::intValue).sum();
                out.append("<tr><td class=\"nowrap\">").append(esc(TIME.format(s.time()))).append("</td><td>")
                        .append("<div class=\"bar\" title=\"");
                StringBuilder title = new StringBuilder();
                for (Status st : ORDER) {
                    title.append(title.isEmpty() ? "" : ", ").append(s.count(st)).append(' ').append(label(st));
                }
                out.append(esc(title.toString())).append("\">");
                for (Status st : ORDER) {
                    if (s.count(st) > 0) {
                        out.append("<span class=\"seg ").append(cls(st)).append("\" style=\"flex-grow:")
                                .append(s.count(st)).append("\">").append(s.count(st)).append("</span>");
                    }
                }
                if (total == 0) {
                    out.append("<span class=\"seg none\">no results</span>");
                }
                out.append("</div></td></tr>\n");
            }
            out.append("</tbody>\n</table>\n");
        }
        out.append("</div>\n</div>\n</section>\n");
    }

    private static Map<Target, List<Result>> byTarget(List<Result> results) {
        Map<Target, List<Result>> out = new LinkedHashMap<>();
        results.forEach(r -> out.computeIfAbsent(r.target(), t -> new ArrayList<>()).add(r));
        return out;
    }

    private static Status worst(List<Result> results) {
        return results.stream().map(Result::status).min(Comparator.comparingInt(ORDER::indexOf))
                .orElse(Status.NOT_APPLICABLE);
    }

    private static String kind(Target target) {
        return switch (target) {
            case Target.Process p -> "process";
            case Target.Manifest m -> "manifest";
            case Target.Endpoint e -> "endpoint";
        };
    }

    private static String badge(Status s) {
        return "<span class=\"badge " + cls(s) + "\">" + label(s) + "</span>";
    }

    private static String label(Status s) {
        return s == Status.NOT_APPLICABLE ? "N/A" : s.name();
    }

    private static String cls(Status s) {
        return switch (s) {
            case FAIL -> "fail";
            case WARN -> "warn";
            case PASS -> "pass";
            case NOT_APPLICABLE -> "na";
            case ERROR -> "error";
        };
    }

    /**
     * Text for an HTML element or a quoted attribute: {@code & < > " '} as character references, control characters
     * (but tab and newline) as U+FFFD, a lone surrogate as U+FFFD.
     */
    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c) || c < 0x20 && c != '\t' && c != '\n' || c >= 0x7f && c < 0xa0) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            :root{--fail:#c62828;--warn:#b26a00;--pass:#2e7d32;--na:#6b7280;--error:#7b1fa2;--line:#d9dde3;\
            --soft:#f5f6f8;--ink:#1f2328}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 "DejaVu Sans","Liberation Sans",system-ui,-apple-system,"Segoe UI",Arial,\
            sans-serif;color:var(--ink);background:#fff}
            header{padding:10px 24px;border-bottom:1px solid var(--line);background:var(--soft);display:flex;\
            flex-wrap:wrap;align-items:baseline;gap:4px 16px}
            h1{font-size:20px;margin:0}
            h2{font-size:17px;margin:22px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--line)}
            h3{font-size:15px;margin:0 0 6px;font-weight:600;overflow-wrap:anywhere}
            .meta,.summary{margin:0}
            .where{font-weight:600}
            .summary .count{font-weight:700;margin:0 6px 0 4px}
            .unit{color:var(--na)}
            main{padding:0 24px 32px;max-width:1400px}
            code{font:12.5px/1.4 "DejaVu Sans Mono","Liberation Mono",ui-monospace,Menlo,Consolas,monospace;\
            overflow-wrap:anywhere}
            .badge{display:inline-block;min-width:46px;padding:1px 6px;border-radius:4px;color:#fff;font-size:11.5px;\
            font-weight:700;text-align:center;letter-spacing:.03em;vertical-align:1px}
            .badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}.badge.pass{background:var(--pass)}\
            .badge.na{background:var(--na)}.badge.error{background:var(--error)}
            .target{border:1px solid var(--line);border-left:5px solid var(--na);border-radius:6px;padding:10px 14px;\
            margin:0 0 12px}
            .target.fail{border-left-color:var(--fail)}.target.warn{border-left-color:var(--warn)}\
            .target.pass{border-left-color:var(--pass)}.target.error{border-left-color:var(--error)}
            .kind{color:var(--na);font-weight:400;text-transform:uppercase;font-size:11.5px;letter-spacing:.05em}
            table{border-collapse:collapse;width:100%}
            th{text-align:left;font-size:12px;color:#4b5563;font-weight:600;border-bottom:1px solid var(--line);\
            padding:4px 8px}
            td{vertical-align:top;padding:6px 8px;border-top:1px solid var(--line);overflow-wrap:anywhere}
            table.rules{table-layout:fixed}
            table.rules tr:first-child td{border-top:0}
            col.c-status{width:72px}col.c-rule{width:330px}
            .number{font-weight:700}
            .id{color:var(--na);font-size:11.5px}
            ul{margin:0;padding-left:18px}
            ul.problems{list-style:none;padding:0}
            ul.problems li{margin:0 0 3px}
            ul.problems li.fail .message,ul.problems li.error .message{color:#8e1b1b}
            ul.problems li.warn .message{color:#6b4100}
            .total.zero{opacity:.4}
            nav{margin-left:auto;font-size:13px}nav a{margin-left:10px;color:#1d4ed8;text-decoration:none}
            .alert{margin:14px 0 0;padding:8px 12px;border:1px solid #f0b35a;border-left:5px solid var(--warn);\
            background:#fff4e0;border-radius:6px;overflow-wrap:anywhere}
            .alert a{color:#1d4ed8}
            details{margin:2px 0}
            summary{cursor:pointer;color:#374151;font-size:12.5px}
            details.passing>summary{margin-top:4px}
            details.evidence ul.checks{margin:4px 0 2px;padding-left:0;list-style:none}
            details.evidence ul.checks>li{margin:4px 0}
            ul.items{padding-left:22px;list-style:square;color:#374151}
            .remediation{font-size:13px;background:var(--soft);border-radius:4px;padding:6px 10px;margin:4px 0;\
            overflow-wrap:anywhere}
            .remediation p{margin:4px 0}
            .remediation pre{margin:4px 0;padding:6px 10px;background:#fff;border:1px solid var(--line);border-radius:4px;\
            font:12.5px/1.4 "DejaVu Sans Mono","Liberation Mono",ui-monospace,monospace;white-space:pre-wrap}
            table.certs td.days{font-weight:700;white-space:nowrap}
            tr.cert.expired td{background:#fde8e8}tr.cert.expired td.days{color:var(--fail)}
            tr.cert.soon td{background:#fff4e0}tr.cert.soon td.days{color:var(--warn)}
            .setting,.issuer{color:var(--na);font-size:12px}
            td.subject,td.users{font-size:12.5px}
            .trend{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:24px}
            tr.worse td:first-child{box-shadow:inset 4px 0 var(--fail)}
            tr.better td:first-child{box-shadow:inset 4px 0 var(--pass)}
            .new{font-size:11.5px;color:var(--na);font-weight:700;text-transform:uppercase}
            .nowrap{white-space:nowrap}
            .bar{display:flex;height:18px;border-radius:3px;overflow:hidden;min-width:120px;background:var(--soft)}
            .seg{color:#fff;font-size:11px;line-height:18px;text-align:center;overflow:hidden;min-width:14px}
            .seg.fail{background:var(--fail)}.seg.warn{background:var(--warn)}.seg.pass{background:var(--pass)}\
            .seg.na{background:var(--na)}.seg.error{background:var(--error)}.seg.none{color:var(--na);flex-grow:1}
            .empty{color:var(--na)}
            """;
}
