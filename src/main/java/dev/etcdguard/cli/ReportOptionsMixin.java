package dev.etcdguard.cli;

import dev.etcdguard.report.ScanReport;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command writes its report: format, destination, detail, colour. Shared by {@code scan} and {@code probe}. */
final class ReportOptionsMixin {

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Output.Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = {"Write the report to FILE instead of stdout. A regular file or a new path is replaced "
                + "atomically (temporary file in the same directory, fsync, rename); a new file is created 0600 "
                + "(less if the umask says so), an existing one keeps its mode. A character device (/dev/null, a "
                + "terminal) or FIFO is written in place, never replaced; /dev/stdout and /dev/fd/N are appended to. "
                + "A symbolic link is followed (note on stderr). A directory, block device or socket is refused "
                + "(exit code 2)."})
    Path output;

    @Option(names = {"-v", "--verbose"}, description = "Show the evidence of every check, not only of those that did not pass.")
    boolean verbose;

    @Option(names = "--no-color", description = "No ANSI colours (also: NO_COLOR set, or output not a terminal).")
    boolean noColor;

    /** Writes the report and returns its exit code. */
    int write(ScanReport report) throws IOException {
        Output.write(report, format, output, verbose, noColor);
        return report.exitCode();
    }
}
