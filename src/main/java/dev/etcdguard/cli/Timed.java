package dev.etcdguard.cli;

import dev.etcdguard.sandbox.ScratchDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Wall time and peak RSS of child processes, for the benchmarks. */
record Timed(double millis, int exitCode) {

    static Timed run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        long start = System.nanoTime();
        Process p = pb.start();
        int code = p.waitFor();
        return new Timed((System.nanoTime() - start) / 1e6, code);
    }

    /** Peak resident set size in KiB of a command (and its waited-for children), by GNU time. */
    static long peakRssKb(List<String> command) throws IOException, InterruptedException {
        try (ScratchDir scratch = ScratchDir.create("etcdguard-bench-time-")) { // removed also on Ctrl-C
            Path report = scratch.path().resolve("time.txt");
            List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", report.toString()));
            timed.addAll(command);
            run(timed);
            // GNU time writes "Command exited with non-zero status N" before the figure when the command fails.
            List<String> lines = Files.readAllLines(report);
            return Long.parseLong(lines.get(lines.size() - 1).strip());
        }
    }

    /** The launcher to time: the given one, or the one that started this JVM. */
    static Path launcher(Path given) throws IOException {
        Path ours = given != null ? given : Path.of(System.getenv().getOrDefault("ETCDGUARD_LAUNCHER", "./etcdguard"));
        if (!Files.isExecutable(ours)) {
            throw new IOException("launcher not found or not executable: " + ours + " (use --launcher)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
            throw new IOException("GNU time not found: install Debian package time (scripts/install-debian-packages.sh)");
        }
        return ours;
    }
}
