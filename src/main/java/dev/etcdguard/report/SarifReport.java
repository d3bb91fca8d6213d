package dev.etcdguard.report;

import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.Status;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SARIF 2.1.0 report ({@code --format sarif}), for code-scanning dashboards (GitHub code scanning,
 * IDE viewers, DefectDojo...). One run; one rule descriptor per rule that appears in the results, in
 * order of first appearance; one SARIF result per etcdguard result, in report order.
 *
 * <p>Verdicts map to SARIF {@code kind}/{@code level} pairs. SARIF §3.27.10 requires {@code level}
 * "none" whenever {@code kind} is not "fail", so:
 * <ul>
 *   <li>FAIL: kind {@code fail}, level {@code error}</li>
 *   <li>WARN: kind {@code fail}, level {@code warning}</li>
 *   <li>ERROR: kind {@code review}, level {@code none} (a human must look: evidence could not be read),
 *       and an {@code error} notification in {@code invocations[0].toolExecutionNotifications}</li>
 *   <li>PASS: kind {@code pass}, level {@code none}</li>
 *   <li>NOT_APPLICABLE: kind {@code notApplicable}, level {@code none}</li>
 * </ul>
 *
 * <p>Locations: a manifest target is a physical location (a relative path stays relative to
 * {@code %SRCROOT%}, an absolute one becomes a {@code file://} URI; standard input has none) whose
 * region is the first file/line evidence of a check that did not pass when it lies in the target's
 * file, else the target's own line and column. A process target is a logical location (kind
 * {@code process}). Other file/line evidence of the checks that did not pass goes to
 * {@code relatedLocations}.
 *
 * <p>Everything written comes from the report model; nothing is read from disk.
 */
public final class SarifReport {

    public static final String SCHEMA_URI =
            "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    private static final String SRCROOT = "%SRCROOT%";

    private final JsonMapper mapper = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
    private final boolean findingsOnly;

    /** Every result, whatever its status. */
    public SarifReport() {
        this(false);
    }

    /**
     * @param findingsOnly only FAIL, WARN and ERROR results: GitHub code scanning ignores {@code kind}
     *                     and would show passing results as alerts too
     */
    public SarifReport(boolean findingsOnly) {
        this.findingsOnly = findingsOnly;
    }

    public void render(ScanReport report, PrintWriter out) {
        mapper.writerWithDefaultPrettyPrinter().writeValue(out, log(report));
        out.println();
        out.flush();
    }

    /** The SARIF log as a JSON tree. */
    public ObjectNode log(ScanReport report) {
        List<Result> results = report.results().stream()
                .filter(r -> !findingsOnly || isFinding(r.status())).toList();
        Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        List<RuleDocument> rules = new ArrayList<>();
        for (Result r : results) {
            if (!ruleIndex.containsKey(r.rule().id())) {
                ruleIndex.put(r.rule().id(), rules.size());
                rules.add(r.rule());
            }
        }

        ObjectNode root = mapper.createObjectNode();
        root.put("$schema", SCHEMA_URI);
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "etcdguard");
        driver.put("version", JsonReport.VERSION);
        driver.put("semanticVersion", JsonReport.VERSION);
        ArrayNode ruleNodes = driver.putArray("rules");
        rules.forEach(rule -> ruleNodes.add(rule(rule)));

        ObjectNode invocation = run.putArray("invocations").addObject();
        invocation.put("executionSuccessful", true);
        ArrayNode notifications = mapper.createArrayNode();
        for (String note : report.notes()) {
            ObjectNode n = notifications.addObject();
            n.put("level", "note");
            n.putObject("message").put("text", note);
        }
        for (Result r : results) {
            if (r.status() == Status.ERROR) {
                notifications.add(errorNotification(r, ruleIndex.get(r.rule().id())));
            }
        }
        if (!notifications.isEmpty()) {
            invocation.set("toolExecutionNotifications", notifications);
        }

        // etcdguard's manifest lines and columns come from the YAML parser, which counts code points
        run.put("columnKind", "unicodeCodePoints");
        ArrayNode resultNodes = run.putArray("results");
        for (Result r : results) {
            resultNodes.add(result(r, ruleIndex.get(r.rule().id())));
        }
        ObjectNode summary = run.putObject("properties").putObject("summary");
        report.summary().forEach((status, count) -> summary.put(status.name(), count));
        return root;
    }

    private static boolean isFinding(Status s) {
        return s == Status.FAIL || s == Status.WARN || s == Status.ERROR;
    }

    // ---- rules --------------------------------------------------------------------------------

    private ObjectNode rule(RuleDocument rule) {
        ObjectNode node = mapper.createObjectNode();
        node.put("id", rule.id());
        node.put("name", pascalCase(rule.id()));
        node.putObject("shortDescription").put("text", rule.title());
        String description = rule.sections().getOrDefault("Description", "").strip();
        node.set("fullDescription", multiformat(description.isEmpty() ? rule.title() : description));
        String remediation = rule.remediation().strip();
        node.set("help", multiformat(remediation.isEmpty() ? rule.title() : remediation));
        String level = severityLevel(rule.severity());
        if (level != null) {
            node.putObject("defaultConfiguration").put("level", level);
        }
        ObjectNode props = node.putObject("properties");
        String securitySeverity = securitySeverity(rule.severity());
        ArrayNode tags = props.putArray("tags");
        if (securitySeverity != null) {
            tags.add("security"); // not the input-readable pseudo-rule (severity info)
        }
        tags.add("etcd");
        if (isCisNumber(rule)) {
            tags.add("CIS " + rule.number());
        }
        if (rule.number() != null && !rule.number().isBlank()) {
            props.put("number", rule.number());
        }
        props.put("severity", rule.severity());
        if (securitySeverity != null) {
            props.put("security-severity", securitySeverity);
        }
        ArrayNode controls = props.putArray("controls");
        rule.controls().forEach(controls::add);
        return node;
    }

    private ObjectNode multiformat(String markdown) {
        ObjectNode node = mapper.createObjectNode();
        node.put("text", plainText(markdown));
        node.put("markdown", markdown);
        return node;
    }

    /** Markdown to plain text, lightly: code fences and inline backticks go, the text stays. */
    static String plainText(String markdown) {
        StringBuilder out = new StringBuilder();
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                continue;
            }
            out.append(line.replace("`", "")).append('\n');
        }
        return out.toString().strip();
    }

    /** Whether the rule's number is a CIS Kubernetes Benchmark number (not etcdguard's own, like EG-1). */
    private static boolean isCisNumber(RuleDocument rule) {
        String number = rule.number();
        return number != null && !number.isBlank()
                && rule.controls().stream().anyMatch(c -> c.startsWith("cis-kubernetes") && c.endsWith(":" + number));
    }

    /** {@code etcd-peer-tls} to {@code EtcdPeerTls}. */
    static String pascalCase(String id) {
        StringBuilder out = new StringBuilder();
        for (String part : id.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.isEmpty() ? id : out.toString();
    }

    /** GitHub code scanning's security-severity: high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9. */
    static String securitySeverity(String severity) {
        return switch (severity == null ? "" : severity.toLowerCase(Locale.ROOT)) {
            case "critical" -> "9.5";
            case "high" -> "8.0";
            case "medium" -> "5.0";
            case "low" -> "3.0";
            default -> null;
        };
    }

    private static String severityLevel(String severity) {
        return switch (severity == null ? "" : severity.toLowerCase(Locale.ROOT)) {
            case "critical", "high" -> "error";
            case "medium" -> "warning";
            case "low", "info" -> "note";
            default -> null;
        };
    }

    // ---- results ------------------------------------------------------------------------------

    static String kind(Status s) {
        return switch (s) {
            case FAIL, WARN -> "fail";
            case ERROR -> "review";
            case PASS -> "pass";
            case NOT_APPLICABLE -> "notApplicable";
        };
    }

    static String level(Status s) {
        return switch (s) {
            case FAIL -> "error";
            case WARN -> "warning";
            case ERROR, PASS, NOT_APPLICABLE -> "none";
        };
    }

    private ObjectNode result(Result r, int ruleIndex) {
        ObjectNode node = mapper.createObjectNode();
        node.put("ruleId", r.rule().id());
        node.put("ruleIndex", ruleIndex);
        node.put("kind", kind(r.status()));
        node.put("level", level(r.status()));
        node.putObject("message").put("text", message(r));
        Region primary = primaryRegion(r);
        node.putArray("locations").add(location(r.target(), primary));
        ArrayNode related = relatedLocations(r, primary);
        if (!related.isEmpty()) {
            node.set("relatedLocations", related);
        }
        ObjectNode props = node.putObject("properties");
        props.put("status", r.status().name());
        props.put("severity", r.rule().severity());
        props.set("target", JsonReport.target(props.objectNode(), r.target()));
        ArrayNode checks = props.putArray("checks");
        for (CheckResult c : r.checks()) {
            ObjectNode check = checks.addObject();
            check.put("id", c.id());
            check.put("status", c.status().name());
            check.put("message", c.message());
            for (Evidence e : c.evidence()) { // what the active probe saw has no file location: carried here
                if (e instanceof Evidence.Wire w) {
                    (check.has("wire") ? (ArrayNode) check.get("wire") : check.putArray("wire")).addObject()
                            .put("endpoint", w.endpoint()).put("facts", w.facts());
                }
            }
        }
        return node;
    }

    /**
     * The checks that explain a verdict: those that did not pass (FAIL, WARN, ERROR), or for a
     * NOT_APPLICABLE result the checks that made it so.
     */
    static List<CheckResult> explaining(Result r) {
        if (r.status() == Status.NOT_APPLICABLE) {
            return r.checks().stream().filter(c -> c.status() == Status.NOT_APPLICABLE).toList();
        }
        return r.checks().stream().filter(c -> isFinding(c.status())).toList();
    }

    /** The title and target, then one line per explaining check. */
    static String message(Result r) {
        StringBuilder text = new StringBuilder();
        text.append(r.rule().title()).append(" (").append(r.status().name()).append(": ")
                .append(oneLine(Describe.target(r.target()))).append(')');
        List<CheckResult> explaining = explaining(r);
        for (CheckResult c : explaining) {
            text.append('\n').append(c.status().name()).append(' ').append(c.id()).append(": ")
                    .append(oneLine(c.message()));
        }
        if (explaining.isEmpty()) {
            text.append('\n').append(switch (r.status()) {
                case PASS -> r.checks().size() + (r.checks().size() == 1 ? " check" : " checks") + " passed";
                default -> r.status().name();
            });
        }
        return text.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    // ---- locations ----------------------------------------------------------------------------

    /** A file position: an artifact plus a 1-based line and column (0 when unknown). */
    private record Region(String file, int line, int column) {}

    /** Where a piece of evidence was seen, when that is a line of a file; else null. */
    private static Location fileLine(Evidence e) {
        Location l = switch (e) {
            case Evidence.Setting s -> s.resolved().provenance().location();
            case Evidence.Issue i -> i.issue().location();
            case Evidence.File f -> null;
            case Evidence.Wire w -> null;
        };
        return l != null && l.file() != null && l.line() > 0 ? l : null;
    }

    /** For a manifest: the most precise place in its own file; null otherwise (or for stdin). */
    private static Region primaryRegion(Result r) {
        if (!(r.target() instanceof Target.Manifest m) || uri(m.file()) == null) {
            return null;
        }
        for (CheckResult c : explaining(r)) {
            for (Evidence e : c.evidence()) {
                Location l = fileLine(e);
                if (l != null && sameFile(l.file(), m.file())) {
                    return new Region(m.file(), l.line(), l.column());
                }
            }
        }
        return new Region(m.file(), m.line(), m.column());
    }

    private ObjectNode location(Target target, Region primary) {
        ObjectNode node = mapper.createObjectNode();
        if (primary != null) {
            node.set("physicalLocation", physicalLocation(primary));
        }
        ObjectNode logical = switch (target) {
            case Target.Process p -> {
                ObjectNode l = mapper.createObjectNode();
                l.put("name", "pid " + p.pid());
                l.put("fullyQualifiedName", p.exe() + (p.member() == null ? "" : " (member " + p.member() + ")"));
                l.put("kind", "process");
                yield l;
            }
            case Target.Manifest m when m.resource() != null -> {
                ObjectNode l = mapper.createObjectNode();
                l.put("name", m.container() != null ? m.container() : m.resource());
                l.put("fullyQualifiedName", m.resource() + (m.container() == null ? "" : "/" + m.container()));
                l.put("kind", m.container() != null ? "container" : "resource");
                yield l;
            }
            case Target.Manifest m when primary == null -> {
                ObjectNode l = mapper.createObjectNode();
                l.put("name", m.file());
                l.put("fullyQualifiedName", oneLine(Describe.target(m)));
                l.put("kind", "document");
                yield l;
            }
            case Target.Manifest m -> null;
            case Target.Endpoint e -> {
                ObjectNode l = mapper.createObjectNode();
                l.put("name", e.url());
                l.put("fullyQualifiedName", e.url());
                l.put("kind", "endpoint");
                yield l;
            }
        };
        if (logical != null) {
            node.putArray("logicalLocations").add(logical);
        }
        return node;
    }

    private ObjectNode physicalLocation(Region region) {
        ObjectNode node = mapper.createObjectNode();
        ObjectNode artifact = node.putObject("artifactLocation");
        String uri = uri(region.file());
        artifact.put("uri", uri);
        if (!uri.startsWith("file:")) {
            artifact.put("uriBaseId", SRCROOT);
        }
        if (region.line() > 0) {
            ObjectNode r = node.putObject("region");
            r.put("startLine", region.line());
            if (region.column() > 0) {
                r.put("startColumn", region.column());
            }
        }
        return node;
    }

    private ArrayNode relatedLocations(Result r, Region primary) {
        ArrayNode out = mapper.createArrayNode();
        Set<Region> seen = new HashSet<>();
        if (primary != null) {
            seen.add(new Region(normalize(primary.file()), primary.line(), primary.column()));
        }
        for (CheckResult c : explaining(r)) {
            for (Evidence e : c.evidence()) {
                Location l = fileLine(e);
                if (l == null || uri(l.file()) == null
                        || !seen.add(new Region(normalize(l.file()), l.line(), l.column()))) {
                    continue;
                }
                ObjectNode loc = out.addObject();
                loc.put("id", out.size() - 1);
                loc.set("physicalLocation", physicalLocation(new Region(l.file(), l.line(), l.column())));
                loc.putObject("message").put("text", c.id() + ": " + oneLine(evidenceLabel(e)));
            }
        }
        return out;
    }

    private static String evidenceLabel(Evidence e) {
        return switch (e) {
            case Evidence.Setting s -> s.resolved().name() + " (" + s.resolved().provenance().source() + ")";
            case Evidence.Issue i -> i.issue().message();
            case Evidence.File f -> f.path();
            case Evidence.Wire w -> w.endpoint();
        };
    }

    private static boolean sameFile(String a, String b) {
        return Objects.equals(a, b) || normalize(a).equals(normalize(b));
    }

    private static String normalize(String file) {
        try {
            return Path.of(file).normalize().toString();
        } catch (InvalidPathException e) {
            return file;
        }
    }

    /**
     * A file as a URI: relative paths stay relative (to {@code %SRCROOT%}), absolute ones become
     * {@code file://} URIs; null for standard input ({@code -}) or no file.
     */
    static String uri(String file) {
        if (file == null || file.isEmpty() || file.equals("-")) {
            return null;
        }
        String path = normalize(file);
        if (path.isEmpty()) {
            path = ".";
        }
        if (path.startsWith("/")) {
            return "file://" + encodePath(path);
        }
        return encodePath(path);
    }

    /** RFC 3986 path encoding: unreserved characters, sub-delims and '@' stay, everything else is %XX. */
    private static String encodePath(String path) {
        StringBuilder out = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~/!$&'()*+,;=@".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                // ':' is escaped too, so a relative path is never read as a scheme
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    // ---- properties and notifications --------------------------------------------------------

    private ObjectNode errorNotification(Result r, int ruleIndex) {
        ObjectNode n = mapper.createObjectNode();
        n.put("level", "error");
        List<String> reasons = r.checks().stream().filter(c -> c.status() == Status.ERROR)
                .map(c -> c.id() + ": " + oneLine(c.message())).toList();
        n.putObject("message").put("text", r.rule().id() + " could not judge " + oneLine(Describe.target(r.target()))
                + (reasons.isEmpty() ? "" : ": " + String.join("; ", reasons)));
        n.putArray("locations").add(location(r.target(), primaryRegion(r)));
        ObjectNode rule = n.putObject("associatedRule");
        rule.put("id", r.rule().id());
        rule.put("index", ruleIndex);
        return n;
    }
}
