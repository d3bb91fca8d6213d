package dev.etcdguard.cli;

import dev.etcdguard.sandbox.ManifestCorpus;
import dev.etcdguard.sandbox.ScratchDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "manifests",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Benchmark manifest-scan throughput against the floor, side by side in the same run.",
            "",
            "Writes a deterministic corpus (seeded: the same bytes for the same --files and --seed; one to nine "
                + "documents per file, about 3 % of them etcd in varied configurations), then alternates:",
            "  ours:  ./etcdguard scan CORPUS --format json -o /dev/null (whole process)",
            "  floor: the same YAML parser (SnakeYAML Engine) only parsing the same files on all cores,",
            "         in the same kind of process (./etcdguard bench parse-floor CORPUS)",
            "",
            "Reports documents per second (median run) and peak RSS (GNU /usr/bin/time), and the ratio."})
final class BenchManifestsCommand implements Callable<Integer> {

    @Option(names = "--files", defaultValue = "20000", description = "Files in the corpus (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--seed", defaultValue = "42", description = "Corpus seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs of each side (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--corpus", paramLabel = "DIR", description = "Write (or reuse, when it exists) the corpus here and keep it.")
    Path corpus;

    @Option(names = "--launcher", paramLabel = "PATH", description = "The etcdguard launcher to time (default: the one that started this bench).")
    Path launcher;

    @Override
    public Integer call() throws Exception {
        if (files < 1 || runs < 1) {
            throw new IllegalArgumentException("--files and --runs must be at least 1");
        }
        Path ours = Timed.launcher(launcher);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        boolean temporary = corpus == null;
        ScratchDir scratch = temporary ? ScratchDir.create("etcdguard-corpus-") : null; // removed also on Ctrl-C
        Path dir = temporary ? scratch.path() : corpus;
        try {
            ManifestCorpus.Stats stats;
            if (!temporary && Files.isDirectory(dir) && !isEmpty(dir)) {
                out.println("reusing corpus " + dir);
                stats = null;
            } else {
                stats = ManifestCorpus.write(dir, files, seed);
                out.printf(Locale.ROOT, "corpus: %d files, %d documents (%d etcd), %.1f MB, seed %d%n", stats.files(),
                        stats.documents(), stats.etcdDocuments(), stats.bytes() / 1e6, seed);
            }
            List<String> scan = List.of(ours.toString(), "scan", dir.toString(), "--format", "json", "-o", "/dev/null");
            List<String> floor = List.of(ours.toString(), "bench", "parse-floor", dir.toString());
            Timed.run(scan); // warm the page cache and the AOT cache
            Timed.run(floor);
            double[] oursMs = new double[runs];
            double[] floorMs = new double[runs];
            for (int i = 0; i < runs; i++) {
                oursMs[i] = Timed.run(scan).millis();
                floorMs[i] = Timed.run(floor).millis();
            }
            long oursRss = Timed.peakRssKb(scan);
            long floorRss = Timed.peakRssKb(floor);
            Arrays.sort(oursMs);
            Arrays.sort(floorMs);
            int documents = stats != null ? stats.documents() : -1;
            double oursMedian = oursMs[runs / 2];
            double floorMedian = floorMs[runs / 2];
            out.println();
            out.println("| method | median s | documents/s | peak RSS |");
            out.println("|---|---|---|---|");
            out.printf(Locale.ROOT, "| etcdguard scan (whole process) | %.2f | %s | %d MiB |%n", oursMedian / 1000,
                    rate(documents, oursMedian), oursRss / 1024);
            out.printf(Locale.ROOT, "| floor: SnakeYAML Engine parse only, all cores | %.2f | %s | %d MiB |%n",
                    floorMedian / 1000, rate(documents, floorMedian), floorRss / 1024);
            double ratio = floorMedian / oursMedian;
            out.printf(Locale.ROOT, "%nthroughput ratio: %.0f %% of the floor (target: at least 70 %%) -> %s; peak RSS %s 512 MiB; "
                    + "%d runs each, %d cores%n", ratio * 100, ratio >= 0.70 ? "target met" : "target NOT met",
                    oursRss < 512 * 1024 ? "under" : "NOT under", runs, Runtime.getRuntime().availableProcessors());
        } finally {
            if (scratch != null) {
                scratch.close();
            }
        }
        return 0;
    }

    private static String rate(int documents, double millis) {
        return documents < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", documents / (millis / 1000));
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.findAny().isEmpty();
        }
    }
}
