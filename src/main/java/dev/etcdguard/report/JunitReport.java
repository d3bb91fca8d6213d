package dev.etcdguard.report;

import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The JUnit XML report ({@code --format junit}) for CI systems: one {@code <testsuite name="etcdguard">}
 * inside {@code <testsuites>}, one {@code <testcase>} per result.
 *
 * <ul>
 *   <li>FAIL: {@code <failure type="FAIL">}, the checks that did not pass one per line</li>
 *   <li>WARN: a passing test case whose {@code <system-out>} starts with {@code WARN} and lists the warnings</li>
 *   <li>ERROR: {@code <error type="ERROR">}, the checks that did not pass one per line</li>
 *   <li>NOT_APPLICABLE: {@code <skipped message="reason"/>}</li>
 *   <li>PASS: an empty test case</li>
 * </ul>
 *
 * Written with the JDK's {@link XMLStreamWriter} (which escapes markup); characters XML 1.0 cannot
 * carry are dropped, and attribute values are kept on one line.
 */
public final class JunitReport {

    public void render(ScanReport report, PrintWriter out) {
        try {
            XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out);
            write(report, xml);
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write the JUnit XML report: " + e.getMessage(), e);
        }
        out.println();
        out.flush();
    }

    private static void write(ScanReport report, XMLStreamWriter xml) throws XMLStreamException {
        xml.writeStartDocument("UTF-8", "1.0");
        newline(xml, 0);
        xml.writeStartElement("testsuites");
        counts(xml, report);
        newline(xml, 1);
        xml.writeStartElement("testsuite");
        counts(xml, report);

        newline(xml, 2);
        xml.writeStartElement("properties");
        newline(xml, 3);
        xml.writeEmptyElement("property");
        attribute(xml, "name", "etcdguard.version");
        attribute(xml, "value", JsonReport.VERSION);
        newline(xml, 2);
        xml.writeEndElement();

        for (Result r : report.results()) {
            newline(xml, 2);
            testcase(r, xml);
        }
        if (!report.notes().isEmpty()) {
            newline(xml, 2);
            xml.writeStartElement("system-out");
            text(xml, String.join("\n", report.notes()));
            xml.writeEndElement();
        }
        newline(xml, 1);
        xml.writeEndElement();
        newline(xml, 0);
        xml.writeEndElement();
        xml.writeEndDocument();
    }

    private static void testcase(Result r, XMLStreamWriter xml) throws XMLStreamException {
        String number = r.rule().number() == null || r.rule().number().isBlank() ? "" : r.rule().number() + " ";
        String name = number + r.rule().title() + " [" + Describe.target(r.target()) + "]";
        List<CheckResult> explaining = SarifReport.explaining(r);
        if (r.status() == Status.PASS) {
            xml.writeEmptyElement("testcase");
            attribute(xml, "name", name);
            attribute(xml, "classname", "etcdguard." + r.rule().id());
            return;
        }
        xml.writeStartElement("testcase");
        attribute(xml, "name", name);
        attribute(xml, "classname", "etcdguard." + r.rule().id());
        newline(xml, 3);
        switch (r.status()) {
            case FAIL, ERROR -> {
                xml.writeStartElement(r.status() == Status.FAIL ? "failure" : "error");
                attribute(xml, "message", summary(explaining, r.status().name()));
                attribute(xml, "type", r.status().name());
                text(xml, lines(explaining));
                xml.writeEndElement();
            }
            case WARN -> {
                xml.writeStartElement("system-out");
                text(xml, "WARN " + r.rule().id() + "\n" + lines(explaining));
                xml.writeEndElement();
            }
            case NOT_APPLICABLE -> {
                xml.writeEmptyElement("skipped");
                attribute(xml, "message", summary(explaining, "not applicable"));
            }
            case PASS -> throw new AssertionError("handled above");
        }
        newline(xml, 2);
        xml.writeEndElement();
    }

    /** The explaining checks' messages on one line (for a {@code message} attribute). */
    private static String summary(List<CheckResult> checks, String fallback) {
        if (checks.isEmpty()) {
            return fallback;
        }
        return String.join("; ", checks.stream().map(c -> c.id() + ": " + c.message()).toList());
    }

    /** One line per check: {@code [STATUS] id: message}. */
    private static String lines(List<CheckResult> checks) {
        StringBuilder out = new StringBuilder();
        for (CheckResult c : checks) {
            out.append('[').append(c.status().name()).append("] ").append(c.id()).append(": ")
                    .append(c.message() == null ? "" : c.message().replaceAll("\\s*[\\r\\n]+\\s*", " ").strip())
                    .append('\n');
        }
        return out.toString();
    }

    private static void newline(XMLStreamWriter xml, int depth) throws XMLStreamException {
        xml.writeCharacters("\n" + "  ".repeat(depth));
    }

    /** The name and counts both {@code <testsuites>} and {@code <testsuite>} carry. */
    private static void counts(XMLStreamWriter xml, ScanReport report) throws XMLStreamException {
        Map<Status, Integer> summary = report.summary();
        attribute(xml, "name", "etcdguard");
        attribute(xml, "tests", String.valueOf(report.results().size()));
        attribute(xml, "failures", String.valueOf(summary.get(Status.FAIL)));
        attribute(xml, "errors", String.valueOf(summary.get(Status.ERROR)));
        attribute(xml, "skipped", String.valueOf(summary.get(Status.NOT_APPLICABLE)));
    }

    private static void attribute(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        // a parser turns raw tabs and line breaks in attributes into spaces anyway: do it here, visibly
        xml.writeAttribute(name, xmlSafe(value).replaceAll("\\s*[\\t\\r\\n]+\\s*", " ").strip());
    }

    private static void text(XMLStreamWriter xml, String value) throws XMLStreamException {
        xml.writeCharacters(xmlSafe(value));
    }

    /** The text without the characters XML 1.0 cannot carry (controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
    static String xmlSafe(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().filter(JunitReport::legal).forEach(out::appendCodePoint);
        return out.toString();
    }

    private static boolean legal(int c) {
        return c == 0x9 || c == 0xA || c == 0xD
                || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }
}
