package dev.etcdguard.cli;

import dev.etcdguard.report.JsonReport;
import dev.etcdguard.report.JunitReport;
import dev.etcdguard.report.SarifReport;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.report.TextReport;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Renders a report to stdout or to a file ({@link ReportFile}: atomically, never replacing a device). */
final class Output {

    enum Format { text, json, sarif, junit }

    private Output() {}

    static void write(ScanReport report, Format format, Path file, boolean verbose, boolean noColor) throws IOException {
        if (file == null) {
            PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
            render(report, format, out, verbose, useColor(noColor));
            return;
        }
        ReportFile.write(file, out -> render(report, format, out, verbose, false), System.err::println);
    }

    private static void render(ScanReport report, Format format, PrintWriter out, boolean verbose, boolean color) {
        switch (format) {
            case text -> new TextReport(color, verbose).render(report, out);
            case json -> new JsonReport().render(report, out);
            case sarif -> new SarifReport(true).render(report, out); // findings only, as code-scanning tools expect
            case junit -> new JunitReport().render(report, out);
        }
    }

    /** Colour only when stdout is a terminal, and never when NO_COLOR is set to a non-empty value. */
    static boolean useColor(boolean noColor) {
        String env = System.getenv("NO_COLOR");
        if (noColor || (env != null && !env.isEmpty())) {
            return false;
        }
        return Terminal.isTerminal(1);
    }
}
