package dev.etcdguard.report;

import static dev.etcdguard.report.ReportFixture.RULE;
import static dev.etcdguard.report.ReportFixture.check;
import static dev.etcdguard.report.ReportFixture.render;
import static dev.etcdguard.report.ReportFixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.SourceFindings;
import dev.etcdguard.rules.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SarifReportTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The official OASIS schema, shared by the team outside the project (never copied into it). */
    private static final Path SCHEMA = Path.of(System.getProperty("user.dir"))
            .resolve("../shared/schemas/sarif-schema-2.1.0.json").normalize();

    private static String sarif(ScanReport report) {
        return render(new SarifReport()::render, report);
    }

    private static JsonNode parse(ScanReport report) {
        return JSON.readTree(sarif(report));
    }

    private static JsonNode run(JsonNode log) {
        return log.get("runs").get(0);
    }

    private static JsonNode resultAt(JsonNode log, int index) {
        return run(log).get("results").get(index);
    }

    private static List<Error> validate(JsonNode log) throws IOException {
        JsonNode schemaNode = JSON.readTree(Files.readString(SCHEMA));
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4,
                        b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()))
                .getSchema(schemaNode);
        return schema.validate(log);
    }

    @Test
    void validAgainstTheOfficialSarifSchema() throws IOException {
        assumeTrue(Files.isRegularFile(SCHEMA), "the SARIF 2.1.0 schema is not at " + SCHEMA
                + " (it is shared outside the project and never copied into it); schema validation skipped");
        JsonNode log = parse(ReportFixture.everyStatus());
        assertThat(validate(log)).as("schema errors").isEmpty();
        assertThat(validate(parse(new ScanReport(List.of(), List.of("no etcd process found"))))).isEmpty();

        // the validator really validates: a kind SARIF does not know is reported
        ObjectNode broken = (ObjectNode) log.deepCopy();
        ((ObjectNode) broken.get("runs").get(0).get("results").get(0)).put("kind", "bogus");
        ((ObjectNode) broken.get("runs").get(0).get("results").get(1)).put("ruleIndex", -5);
        assertThat(validate(broken)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void logHeaderAndDriver() {
        JsonNode log = parse(ReportFixture.everyStatus());
        assertThat(log.get("version").asString()).isEqualTo("2.1.0");
        assertThat(log.get("$schema").asString()).endsWith("sarif-schema-2.1.0.json");
        assertThat(log.get("runs")).hasSize(1);
        JsonNode driver = run(log).get("tool").get("driver");
        assertThat(driver.get("name").asString()).isEqualTo("etcdguard");
        assertThat(driver.get("version").asString()).isEqualTo(JsonReport.VERSION);
        assertThat(run(log).get("columnKind").asString()).isEqualTo("unicodeCodePoints");
        assertThat(run(log).get("properties").get("summary").get("FAIL").asInt()).isEqualTo(2);
    }

    @Test
    void oneRuleDescriptorPerRuleThatAppears() {
        JsonNode log = parse(ReportFixture.everyStatus());
        JsonNode rules = run(log).get("tool").get("driver").get("rules");
        assertThat(rules).hasSize(1);
        JsonNode rule = rules.get(0);
        assertThat(rule.get("id").asString()).isEqualTo("etcd-peer-tls");
        assertThat(rule.get("name").asString()).isEqualTo("EtcdPeerTls");
        assertThat(rule.get("shortDescription").get("text").asString()).isEqualTo(RULE.title());
        assertThat(rule.get("fullDescription").get("text").asString())
                .startsWith("Members of an etcd cluster replicate every write");
        assertThat(rule.get("help").get("markdown").asString())
                .isEqualTo(RULE.remediation().strip()).contains("```", "--peer-cert-file=");
        assertThat(rule.get("help").get("text").asString())
                .contains("--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt").doesNotContain("```", "`");
        assertThat(rule.get("defaultConfiguration").get("level").asString()).isEqualTo("error");
        JsonNode props = rule.get("properties");
        assertThat(props.get("security-severity").asString()).isEqualTo("8.0");
        assertThat(props.get("tags").valueStream().map(JsonNode::asString)).containsExactly("security", "etcd", "CIS 2.4");
        assertThat(props.get("controls").valueStream().map(JsonNode::asString))
                .containsExactlyElementsOf(RULE.controls()).contains("disa-stig-kubernetes:V-242432");

        for (JsonNode r : run(log).get("results")) {
            assertThat(r.get("ruleId").asString()).isEqualTo("etcd-peer-tls");
            assertThat(r.get("ruleIndex").asInt()).isZero();
        }
    }

    @Test
    void ruleIndexFollowsFirstAppearance() {
        RuleDocument staticPod = RuleLoader.builtIn().stream().filter(r -> r.id().equals("etcd-static-pod-unique"))
                .findFirst().orElseThrow();
        Result duplicate = new Result(staticPod, ReportFixture.MANIFEST, Status.FAIL,
                List.of(check("static-pod-unique", Status.FAIL, "manifests/etcd.yaml.bak also defines an etcd pod")));
        Result unreadable = new Result(SourceFindings.INPUT, ReportFixture.BROKEN_FILE, Status.ERROR,
                List.of(check("input-readable", Status.ERROR, "not valid YAML")));
        ScanReport report = new ScanReport(List.of(duplicate, ReportFixture.processFail(), unreadable, duplicate),
                List.of());
        JsonNode log = parse(report);
        JsonNode rules = run(log).get("tool").get("driver").get("rules");
        assertThat(rules.valueStream().map(r -> r.get("id").asString()))
                .containsExactly("etcd-static-pod-unique", "etcd-peer-tls", "input-readable");
        assertThat(run(log).get("results").valueStream().map(r -> r.get("ruleIndex").asInt())).containsExactly(0, 1, 2, 0);

        // EG-1 is etcdguard's own number, not a CIS one
        JsonNode own = rules.get(0).get("properties");
        assertThat(own.get("tags").valueStream().map(JsonNode::asString)).containsExactly("security", "etcd");
        assertThat(own.get("number").asString()).isEqualTo("EG-1");
        assertThat(own.get("security-severity").asString()).isEqualTo("8.0");
        // the input pseudo-rule is no security finding
        JsonNode input = rules.get(2);
        assertThat(input.get("properties").get("tags").valueStream().map(JsonNode::asString)).containsExactly("etcd");
        assertThat(input.get("properties").has("security-severity")).isFalse();
        assertThat(input.get("defaultConfiguration").get("level").asString()).isEqualTo("note");
        assertThat(input.get("fullDescription").get("text").asString()).isEqualTo(SourceFindings.INPUT.title());
        assertThat(input.get("help").get("text").asString()).startsWith("Fix or remove the file");
    }

    @Test
    void securitySeverityFollowsTheRuleSeverity() {
        assertThat(SarifReport.securitySeverity("high")).isEqualTo("8.0");
        assertThat(SarifReport.securitySeverity("medium")).isEqualTo("5.0");
        assertThat(SarifReport.securitySeverity("low")).isEqualTo("3.0");
        assertThat(SarifReport.securitySeverity("info")).isNull();
    }

    @Test
    void kindAndLevelPerStatus() {
        JsonNode log = parse(ReportFixture.everyStatus());
        List<String> pairs = new ArrayList<>();
        for (JsonNode r : run(log).get("results")) {
            pairs.add(r.get("properties").get("status").asString() + " " + r.get("kind").asString()
                    + "/" + r.get("level").asString());
            // SARIF 3.27.10: a kind other than "fail" comes with level "none"
            if (!r.get("kind").asString().equals("fail")) {
                assertThat(r.get("level").asString()).isEqualTo("none");
            }
        }
        assertThat(pairs).containsExactly("FAIL fail/error", "WARN fail/warning", "PASS pass/none",
                "NOT_APPLICABLE notApplicable/none", "ERROR review/none", "FAIL fail/error", "WARN fail/warning",
                "ERROR review/none", "PASS pass/none");
    }

    @Test
    void messageIsTheTitleThenTheChecksThatDidNotPass() {
        JsonNode log = parse(ReportFixture.everyStatus());
        assertThat(resultAt(log, 0).get("message").get("text").asString()).isEqualTo("""
                etcd uses TLS encryption for peer connections (FAIL: pid 4242 /usr/bin/etcd (member cp1))
                FAIL peer-urls-https: listen-peer-urls is http://10.0.0.11:2380: etcd ignores the certificate on an http listener
                WARN peer-key-file-permissions: /etc/etcd/peer.key is mode 0640, readable by group""");
        assertThat(resultAt(log, 2).get("message").get("text").asString()).endsWith("\n3 checks passed");
        assertThat(resultAt(log, 3).get("message").get("text").asString())
                .contains("\nNOT_APPLICABLE cluster-membership: member 'cp1' is alone");
        assertThat(resultAt(log, 4).get("message").get("text").asString())
                .endsWith("\nERROR evidence-readable: cannot read /proc/4242/environ: permission denied (run as root)");
    }

    @Test
    void processTargetIsALogicalLocation() {
        JsonNode r = resultAt(parse(ReportFixture.everyStatus()), 0);
        JsonNode location = r.get("locations").get(0);
        assertThat(location.has("physicalLocation")).isFalse();
        JsonNode logical = location.get("logicalLocations").get(0);
        assertThat(logical.get("name").asString()).isEqualTo("pid 4242");
        assertThat(logical.get("fullyQualifiedName").asString()).isEqualTo("/usr/bin/etcd (member cp1)");
        assertThat(logical.get("kind").asString()).isEqualTo("process");
        assertThat(r.has("relatedLocations")).isFalse(); // argv and files are not file lines
        JsonNode target = r.get("properties").get("target");
        assertThat(target.get("kind").asString()).isEqualTo("process");
        assertThat(target.get("pid").asLong()).isEqualTo(4242);
        assertThat(target.get("exe").asString()).isEqualTo("/usr/bin/etcd");
        assertThat(target.get("member").asString()).isEqualTo("cp1");
        assertThat(r.get("properties").get("checks").valueStream().map(c -> c.get("id").asString() + " "
                + c.get("status").asString())).containsExactly("peer-cert-key-set PASS", "peer-urls-https FAIL",
                "peer-key-file-permissions WARN");
    }

    @Test
    void processEvidenceFromAConfigFileIsARelatedLocation() {
        Result r = result(ReportFixture.PROCESS, Status.FAIL, check("peer-urls-https", Status.FAIL,
                "listen-peer-urls is http://127.0.0.1:2380",
                ReportFixture.configFile("listen-peer-urls", "listen-peer-urls", "http://127.0.0.1:2380",
                        Location.fileLine("/etc/etcd/etcd.conf.yml", 2, 19))));
        JsonNode node = resultAt(parse(new ScanReport(List.of(r), List.of())), 0);
        assertThat(node.get("locations").get(0).has("physicalLocation")).isFalse();
        JsonNode related = node.get("relatedLocations").get(0);
        assertThat(related.get("physicalLocation").get("artifactLocation").get("uri").asString())
                .isEqualTo("file:///etc/etcd/etcd.conf.yml");
        assertThat(related.get("physicalLocation").get("region").get("startLine").asInt()).isEqualTo(2);
        assertThat(related.get("physicalLocation").get("region").get("startColumn").asInt()).isEqualTo(19);
        assertThat(related.get("message").get("text").asString()).isEqualTo("peer-urls-https: listen-peer-urls (config-file)");
    }

    @Test
    void manifestRegionIsTheFirstLocatedEvidenceInTheTargetFile() {
        JsonNode r = resultAt(parse(ReportFixture.everyStatus()), 5);
        JsonNode physical = r.get("locations").get(0).get("physicalLocation");
        assertThat(physical.get("artifactLocation").get("uri").asString()).isEqualTo("manifests/etcd.yaml");
        assertThat(physical.get("artifactLocation").get("uriBaseId").asString()).isEqualTo("%SRCROOT%");
        // the first failing check's evidence is in the ConfigMap file: the manifest's own line wins
        assertThat(physical.get("region").get("startLine").asInt()).isEqualTo(23);
        assertThat(physical.get("region").get("startColumn").asInt()).isEqualTo(11);
        JsonNode logical = r.get("locations").get(0).get("logicalLocations").get(0);
        assertThat(logical.get("fullyQualifiedName").asString()).isEqualTo("Pod/kube-system/etcd-cp1/etcd");
        assertThat(logical.get("name").asString()).isEqualTo("etcd");

        JsonNode related = r.get("relatedLocations");
        assertThat(related).hasSize(1);
        assertThat(related.get(0).get("id").asInt()).isZero();
        JsonNode other = related.get(0).get("physicalLocation");
        assertThat(other.get("artifactLocation").get("uri").asString()).isEqualTo("manifests/etcd-config.yaml");
        assertThat(other.get("region").get("startLine").asInt()).isEqualTo(7);
        assertThat(related.get(0).get("message").get("text").asString())
                .isEqualTo("peer-cert-key-set: peer-cert-file (config-file)");

        JsonNode target = r.get("properties").get("target");
        assertThat(target.get("resource").asString()).isEqualTo("Pod/kube-system/etcd-cp1");
        assertThat(target.get("container").asString()).isEqualTo("etcd");
        assertThat(target.get("document").asInt()).isZero();
    }

    @Test
    void manifestRegionFallsBackToTheTargetAndAbsolutePathsAreFileUris() {
        JsonNode physical = resultAt(parse(ReportFixture.everyStatus()), 6).get("locations").get(0).get("physicalLocation");
        assertThat(physical.get("artifactLocation").get("uri").asString())
                .isEqualTo("file:///etc/kubernetes/manifests/etcd.yaml");
        assertThat(physical.get("artifactLocation").has("uriBaseId")).isFalse();
        assertThat(physical.get("region").get("startLine").asInt()).isEqualTo(40);
        assertThat(physical.get("region").get("startColumn").asInt()).isEqualTo(9);
    }

    @Test
    void wholeFileErrorIsLocatedByItsIssueAndWithoutALineHasNoRegion() {
        JsonNode physical = resultAt(parse(ReportFixture.everyStatus()), 7).get("locations").get(0).get("physicalLocation");
        assertThat(physical.get("artifactLocation").get("uri").asString()).isEqualTo("manifests/broken.yaml");
        assertThat(physical.get("region").get("startLine").asInt()).isEqualTo(3);

        Result unreadable = result(Target.Manifest.file("missing.yaml"), Status.ERROR,
                check("evidence-readable", Status.ERROR, "cannot read missing.yaml: no such file"));
        JsonNode location = resultAt(parse(new ScanReport(List.of(unreadable), List.of())), 0).get("locations").get(0);
        assertThat(location.get("physicalLocation").get("artifactLocation").get("uri").asString()).isEqualTo("missing.yaml");
        assertThat(location.get("physicalLocation").has("region")).isFalse();
        assertThat(location.has("logicalLocations")).isFalse();
    }

    @Test
    void standardInputHasNoPhysicalLocation() {
        JsonNode location = resultAt(parse(ReportFixture.everyStatus()), 8).get("locations").get(0);
        assertThat(location.has("physicalLocation")).isFalse();
        JsonNode logical = location.get("logicalLocations").get(0);
        assertThat(logical.get("name").asString()).isEqualTo("-");
        assertThat(logical.get("fullyQualifiedName").asString()).isEqualTo("-:3:1 document 0");
    }

    @Test
    void errorsAndNotesBecomeToolExecutionNotifications() {
        JsonNode invocation = run(parse(ReportFixture.everyStatus())).get("invocations").get(0);
        assertThat(invocation.get("executionSuccessful").asBoolean()).isTrue();
        JsonNode notifications = invocation.get("toolExecutionNotifications");
        assertThat(notifications.valueStream().map(n -> n.get("level").asString())).containsExactly("note", "error", "error");
        assertThat(notifications.get(0).get("message").get("text").asString()).isEqualTo("scanned 1 process and 3 manifest files");
        assertThat(notifications.get(1).get("message").get("text").asString()).isEqualTo(
                "etcd-peer-tls could not judge pid 4242 /usr/bin/etcd (member cp1): evidence-readable: "
                        + "cannot read /proc/4242/environ: permission denied (run as root)");
        assertThat(notifications.get(1).get("associatedRule").get("id").asString()).isEqualTo("etcd-peer-tls");
        assertThat(notifications.get(2).get("locations").get(0).get("physicalLocation").get("artifactLocation")
                .get("uri").asString()).isEqualTo("manifests/broken.yaml");

        JsonNode quiet = run(parse(new ScanReport(List.of(ReportFixture.processPass()), List.of()))).get("invocations").get(0);
        assertThat(quiet.has("toolExecutionNotifications")).isFalse();
    }

    @Test
    void findingsOnlyLeavesPassingResultsOut() {
        JsonNode log = JSON.readTree(render(new SarifReport(true)::render, ReportFixture.everyStatus()));
        assertThat(run(log).get("results").valueStream().map(r -> r.get("properties").get("status").asString()))
                .containsExactly("FAIL", "WARN", "ERROR", "FAIL", "WARN", "ERROR");
        JsonNode none = JSON.readTree(render(new SarifReport(true)::render,
                new ScanReport(List.of(ReportFixture.processPass()), List.of())));
        assertThat(run(none).get("results")).isEmpty();
        assertThat(run(none).get("tool").get("driver").get("rules")).isEmpty();
    }

    @Test
    void fileUrisAreEncoded() {
        assertThat(SarifReport.uri("manifests/etcd.yaml")).isEqualTo("manifests/etcd.yaml");
        assertThat(SarifReport.uri("./manifests//etcd.yaml")).isEqualTo("manifests/etcd.yaml");
        assertThat(SarifReport.uri("../other/etcd.yaml")).isEqualTo("../other/etcd.yaml");
        assertThat(SarifReport.uri("my manifests/é#1?.yaml")).isEqualTo("my%20manifests/%C3%A9%231%3F.yaml");
        assertThat(SarifReport.uri("c:etcd.yaml")).isEqualTo("c%3Aetcd.yaml"); // never a scheme
        assertThat(SarifReport.uri("/srv/a b/etcd%.yaml")).isEqualTo("file:///srv/a%20b/etcd%25.yaml");
        assertThat(SarifReport.uri("-")).isNull();
    }

    @Test
    void outputIsDeterministicAndPrettyPrinted() {
        String first = sarif(ReportFixture.everyStatus());
        assertThat(sarif(ReportFixture.everyStatus())).isEqualTo(first);
        assertThat(first).startsWith("{\n").contains("\n  \"version\" : \"2.1.0\"").endsWith("}\n");
    }

    @Test
    void neverContainsKeyMaterialFromTheFilesItNames(@TempDir Path dir) throws IOException {
        IssuedCertificate issued = CertificateAuthority.create("etcd-ca").issue(LeafSpec.peer("cp1", "10.0.0.11"));
        Path key = dir.resolve("peer.key");
        issued.writePrivateKey(key, KeyFormat.PKCS8);
        String pem = Files.readString(key, StandardCharsets.US_ASCII);
        String body = pem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
        Result r = result(ReportFixture.PROCESS, Status.WARN, check("peer-key-file-permissions", Status.WARN,
                key + " is mode 0644, readable by others",
                new Evidence.File(key.toString(), "EC P-256 private key, PKCS#8; mode 0644, owner uid 0")));
        ScanReport report = new ScanReport(List.of(r), List.of());

        for (String out : List.of(sarif(report), render(new JunitReport()::render, report))) {
            assertThat(out).contains(key.toString()).doesNotContain("PRIVATE KEY");
            for (int i = 0; i + 16 <= body.length(); i += 16) {
                assertThat(out).doesNotContain(body.substring(i, i + 16));
            }
        }
    }
}
