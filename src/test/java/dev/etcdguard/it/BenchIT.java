package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.sandbox.ManifestCorpus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks run as the README says (small sizes: numbers are for BENCHMARKS.md, not asserted here),
 * and the progress bar shows on a terminal during a long manifest scan.
 */
class BenchIT {

    @TempDir
    Path dir;

    @Test
    void manifestBenchmarkRunsAndReportsThroughput() throws Exception {
        Launcher.Run run = Launcher.run(Map.of(), "bench", "manifests", "--files", "300", "--runs", "1");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("corpus: 300 files", "| etcdguard scan (whole process) |",
                "| floor: SnakeYAML Engine parse only, all cores |", "throughput ratio:", "peak RSS");
    }

    @Test
    void hostBenchmarkRunsAgainstARealCluster() throws Exception {
        Launcher.Run run = Launcher.run(Map.of(), "bench", "host", "--runs", "2", "--warmup", "0");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("scan --host exit code",
                "| etcdguard scan --host (whole process) |", "kube-bench method", "ratio of medians");
    }

    @Test
    void corpusIsDeterministic() throws Exception {
        ManifestCorpus.Stats a = ManifestCorpus.write(dir.resolve("a"), 50, 7);
        ManifestCorpus.Stats b = ManifestCorpus.write(dir.resolve("b"), 50, 7);
        assertThat(a).isEqualTo(b);
        Launcher.Run diff = Launcher.exec(List.of("diff", "-r", dir.resolve("a").toString(), dir.resolve("b").toString()),
                Map.of());
        assertThat(diff.exitCode()).isZero();
        assertThat(ManifestCorpus.write(dir.resolve("c"), 50, 8)).isNotEqualTo(a);
    }

    @Test
    void progressBarOnATerminalForLongScans() throws Exception {
        ManifestCorpus.write(dir.resolve("corpus"), 6000, 1);
        String cmd = Launcher.ROOT.resolve("etcdguard") + " scan " + dir.resolve("corpus") + " -f json -o "
                + dir.resolve("report.json");
        Launcher.Run tty = Launcher.exec(List.of("script", "-qec", cmd, "/dev/null"), Map.of());
        assertThat(tty.stdout()).contains("scanning [").contains("/6000 files");
        Launcher.Run piped = Launcher.exec(List.of("bash", "-c", cmd), Map.of());
        assertThat(piped.stderr()).doesNotContain("scanning [");
    }
}
