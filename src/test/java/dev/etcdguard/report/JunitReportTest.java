package dev.etcdguard.report;

import static dev.etcdguard.report.ReportFixture.RULE;
import static dev.etcdguard.report.ReportFixture.check;
import static dev.etcdguard.report.ReportFixture.render;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.Status;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

class JunitReportTest {

    private static String junit(ScanReport report) {
        return render(new JunitReport()::render, report);
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element only(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertThat(found).as("<%s> in <%s>", name, parent.getTagName()).hasSize(1);
        return found.get(0);
    }

    private static long elementChildren(Element e) {
        long n = 0;
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element) {
                n++;
            }
        }
        return n;
    }

    @Test
    void oneSuiteWithCountsAndOneCasePerResult() throws Exception {
        String xml = junit(ReportFixture.everyStatus());
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        Element root = parse(xml).getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuites");
        Element suite = only(root, "testsuite");
        for (Element e : List.of(root, suite)) {
            assertThat(e.getAttribute("name")).isEqualTo("etcdguard");
            assertThat(e.getAttribute("tests")).isEqualTo("9");
            assertThat(e.getAttribute("failures")).isEqualTo("2");
            assertThat(e.getAttribute("errors")).isEqualTo("2");
            assertThat(e.getAttribute("skipped")).isEqualTo("1");
        }
        Element property = only(only(suite, "properties"), "property");
        assertThat(property.getAttribute("name")).isEqualTo("etcdguard.version");
        assertThat(property.getAttribute("value")).isEqualTo(JsonReport.VERSION);
        assertThat(only(suite, "system-out").getTextContent()).isEqualTo("scanned 1 process and 3 manifest files");

        List<Element> cases = children(suite, "testcase");
        assertThat(cases).hasSize(9);
        assertThat(cases).allSatisfy(c -> assertThat(c.getAttribute("classname")).isEqualTo("etcdguard.etcd-peer-tls"));
        assertThat(cases.get(0).getAttribute("name"))
                .isEqualTo("2.4 etcd uses TLS encryption for peer connections [pid 4242 /usr/bin/etcd (member cp1)]");
        assertThat(cases.get(5).getAttribute("name")).isEqualTo("2.4 etcd uses TLS encryption for peer connections"
                + " [manifests/etcd.yaml:12:7 document 0 Pod/kube-system/etcd-cp1 container etcd]");
    }

    @Test
    void eachStatusHasItsElement() throws Exception {
        List<Element> cases = children(only(parse(junit(ReportFixture.everyStatus())).getDocumentElement(), "testsuite"),
                "testcase");

        Element failure = only(cases.get(0), "failure");
        assertThat(failure.getAttribute("type")).isEqualTo("FAIL");
        assertThat(failure.getAttribute("message")).isEqualTo(
                "peer-urls-https: listen-peer-urls is http://10.0.0.11:2380: etcd ignores the certificate on an http listener;"
                        + " peer-key-file-permissions: /etc/etcd/peer.key is mode 0640, readable by group");
        assertThat(failure.getTextContent()).isEqualTo("""
                [FAIL] peer-urls-https: listen-peer-urls is http://10.0.0.11:2380: etcd ignores the certificate on an http listener
                [WARN] peer-key-file-permissions: /etc/etcd/peer.key is mode 0640, readable by group
                """);

        Element warn = cases.get(1);
        assertThat(children(warn, "failure")).isEmpty();
        assertThat(children(warn, "error")).isEmpty();
        assertThat(only(warn, "system-out").getTextContent()).isEqualTo("""
                WARN etcd-peer-tls
                [WARN] peer-key-file-permissions: /etc/etcd/peer.key is mode 0644, readable by others
                """);

        assertThat(elementChildren(cases.get(2))).as("PASS is a plain test case").isZero();

        Element skipped = only(cases.get(3), "skipped");
        assertThat(skipped.getAttribute("message")).startsWith("cluster-membership: member 'cp1' is alone");

        Element error = only(cases.get(4), "error");
        assertThat(error.getAttribute("type")).isEqualTo("ERROR");
        assertThat(error.getAttribute("message"))
                .isEqualTo("evidence-readable: cannot read /proc/4242/environ: permission denied (run as root)");
        assertThat(error.getTextContent())
                .isEqualTo("[ERROR] evidence-readable: cannot read /proc/4242/environ: permission denied (run as root)\n");
    }

    @Test
    void escapesMarkupAndDropsCharactersXmlCannotCarry() throws Exception {
        RuleDocument odd = new RuleDocument("odd-rule", "9.9", "Title with \"quotes\", 'apostrophes' & <tags>",
                RULE.severity(), RULE.scope(), RULE.controls(), RULE.appliesTo(), RULE.checks(), RULE.sections(), RULE.source());
        String nasty = "value \"a\" & b <c> ]]> tab\there bell\u0007 esc\u001b[31m nul\u0000 lone\ud800 end \uD83D\uDE00";
        Result r = new Result(odd, ReportFixture.MANIFEST.withMember("m&m"), Status.FAIL,
                List.of(check("odd-check", Status.FAIL, nasty + "\nsecond line")));
        String xml = junit(new ScanReport(List.of(r), List.of("note with & and \u0001")));

        Document doc = parse(xml);
        Element suite = only(doc.getDocumentElement(), "testsuite");
        Element testcase = only(suite, "testcase");
        assertThat(testcase.getAttribute("name")).isEqualTo("9.9 Title with \"quotes\", 'apostrophes' & <tags>"
                + " [manifests/etcd.yaml:12:7 document 0 Pod/kube-system/etcd-cp1 container etcd]");
        assertThat(testcase.getAttribute("classname")).isEqualTo("etcdguard.odd-rule");
        String clean = "value \"a\" & b <c> ]]> tab\there bell esc[31m nul lone end \uD83D\uDE00";
        Element failure = only(testcase, "failure");
        assertThat(failure.getAttribute("message"))
                .isEqualTo("odd-check: " + clean.replace("\t", " ") + " second line"); // one line in an attribute
        assertThat(failure.getTextContent()).isEqualTo("[FAIL] odd-check: " + clean + " second line\n");
        assertThat(only(suite, "system-out").getTextContent()).isEqualTo("note with & and ");
        assertThat(xml).doesNotContain("\u0000", "\u0007", "\u001b", "\u0001");
    }

    @Test
    void emptyReportIsAnEmptySuite() throws Exception {
        Element suite = only(parse(junit(new ScanReport(List.of(), List.of()))).getDocumentElement(), "testsuite");
        assertThat(suite.getAttribute("tests")).isEqualTo("0");
        assertThat(children(suite, "testcase")).isEmpty();
        assertThat(children(suite, "system-out")).isEmpty();
    }

    @Test
    void xmlSafeKeepsEverythingLegal() {
        assertThat(JunitReport.xmlSafe("a\tb\nc\rd\u00e9\uFFFD\uD83D\uDE00")).isEqualTo("a\tb\nc\rd\u00e9\uFFFD\uD83D\uDE00");
        assertThat(JunitReport.xmlSafe("\u0000\u0008\u000B\u000C\u001F\uFFFE\uFFFF\uDC00x")).isEqualTo("x");
        assertThat(JunitReport.xmlSafe(null)).isEmpty();
    }
}
