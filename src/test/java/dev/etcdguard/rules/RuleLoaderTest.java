package dev.etcdguard.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLoaderTest {

    @TempDir
    Path dir;

    private static final String VALID = """
            ---
            id: pprof-off
            number: "X.1"
            title: etcd does not expose pprof
            severity: low
            controls: [cis-kubernetes-1.12:9.9]
            check:
              - id: pprof-off
                primitive: setting-not-true
                setting: enable-pprof
            ---

            ## Description

            pprof exposes internals.

            ## Remediation

            Remove --enable-pprof.
            """;

    @Test
    void builtInCatalogueIsTheWholeEtcdSectionAndEtcdsControlPlaneControls() {
        List<RuleDocument> rules = RuleLoader.builtIn();
        assertThat(rules).extracting(RuleDocument::number)
                .containsExactly("2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "1.1.7", "1.1.8", "1.1.11", "1.1.12", "EG-1",
                        "EG-3", "EG-4", "1.2.23", "1.2.26", "EG-2", "EG-5", "1.2.27", "1.2.28");
        assertThat(rules).extracting(RuleDocument::scope).containsOnly("etcd", "kube-apiserver");
        // API-server control numbers move between benchmark versions
        assertThat(RuleLoader.builtIn().stream().map(r -> r.forBenchmark("cis-1.5.1"))
                .filter(r -> r.scope().equals("kube-apiserver")).map(RuleDocument::number))
                .containsExactly("1.2.29", "1.2.32", "EG-2", "EG-5", "1.2.33", "1.2.34");
        assertThat(RuleLoader.builtIn().stream().map(r -> r.forBenchmark("cis-1.23"))
                .filter(r -> r.scope().equals("kube-apiserver")).map(RuleDocument::number))
                .containsExactly("1.2.26", "1.2.29", "EG-2", "EG-5", "1.2.30", "1.2.31");
        assertThat(rules).extracting(RuleDocument::id).doesNotHaveDuplicates();
        for (RuleDocument r : rules) {
            assertThat(r.sections()).as(r.id()).containsKeys("Description", "Rationale", "Audit", "Remediation", "Impact",
                    "Default value", "References");
            assertThat(r.source()).startsWith("builtin:rules/");
        }
    }

    @Test
    void benchmarkNumbering() {
        List<RuleDocument> old = RuleLoader.load(null, "cis-1.4.1");
        assertThat(old).extracting(RuleDocument::number).startsWith("1.5.1", "1.5.2", "1.5.3", "1.5.4", "1.5.5", "1.5.6",
                "1.5.7");
        assertThat(RuleLoader.load(null, "cis-1.5.1")).extracting(RuleDocument::number).startsWith("2.1", "2.2");
        assertThat(RuleLoader.benchmarks(RuleLoader.builtIn())).first().isEqualTo(RuleDocument.DEFAULT_BENCHMARK);
        assertThat(RuleLoader.benchmarks(RuleLoader.builtIn())).containsSubsequence("cis-1.7", "cis-1.24", "cis-1.20",
                "cis-1.6", "cis-1.5.1", "cis-1.4.1");
        assertThatThrownBy(() -> RuleLoader.load(null, "cis-9.9")).hasMessageContaining("unknown benchmark 'cis-9.9'");
    }

    @Test
    void userRulesJoinTheBuiltInOnes() throws IOException {
        Files.writeString(dir.resolve("pprof.md"), VALID);
        List<RuleDocument> rules = RuleLoader.load(dir, RuleDocument.DEFAULT_BENCHMARK);
        RuleDocument mine = rules.get(rules.size() - 1);
        assertThat(mine.id()).isEqualTo("pprof-off");
        assertThat(mine.number()).isEqualTo("9.9");
        assertThat(mine.source()).isEqualTo(dir.resolve("pprof.md").toString());
    }

    @Test
    void everyProblemOfEveryDocumentIsReportedAtOnce() throws IOException {
        Files.writeString(dir.resolve("a-no-front-matter.md"), "# hello\n");
        Files.writeString(dir.resolve("b-unknown-primitive.md"), VALID.replace("setting-not-true", "setting-maybe"));
        Files.writeString(dir.resolve("c-substring.md"), VALID.replace("enable-pprof", "pprof"));
        Files.writeString(dir.resolve("d-duplicate.md"), VALID.replace("id: pprof-off\n", "id: etcd-peer-tls\n"));
        Files.writeString(dir.resolve("e-no-tls.md"), VALID.replace("primitive: setting-not-true\n    setting: enable-pprof",
                "primitive: tls-cert-parses"));
        Files.writeString(dir.resolve("f-severity.md"), VALID.replace("severity: low", "severity: scary"));
        Files.writeString(dir.resolve("g-bad-yaml.md"), "---\nid: [\n---\n");
        assertThatThrownBy(() -> RuleLoader.load(dir, RuleDocument.DEFAULT_BENCHMARK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a-no-front-matter.md: a rule document starts with '---'")
                .hasMessageContaining("b-unknown-primitive.md: check pprof-off uses unknown primitive 'setting-maybe'")
                .hasMessageContaining("c-substring.md: check pprof-off names 'pprof', which is not an etcd setting")
                .hasMessageContaining("d-duplicate.md: rule id 'etcd-peer-tls' is already used")
                .hasMessageContaining("e-no-tls.md: check pprof-off (tls-cert-parses) needs 'tls: peer' or 'tls: client'")
                .hasMessageContaining("f-severity.md: severity must be")
                .hasMessageContaining("g-bad-yaml.md: front matter is not valid YAML");
    }

    private static final String MODE = """
            ---
            id: wal-dir-mode
            title:
              default: etcd WAL directory permissions are 700 or more restrictive
              cis-1.20: etcd WAL directory permissions are 750 or more restrictive
            controls: [cis-kubernetes-1.12:9.1, cis-kubernetes-1.20:9.2]
            check:
              - id: wal-mode
                primitive: path-mode
                setting: wal-dir
                max-mode: {default: "0700", cis-1.20: "0750"}
            ---

            ## Description

            The WAL.
            """;

    @Test
    void aCheckParameterAndTheTitleMayVaryByBenchmark() throws IOException {
        Files.writeString(dir.resolve("wal.md"), MODE);
        RuleDocument newest = RuleLoader.load(dir, "cis-1.12").stream().filter(r -> r.id().equals("wal-dir-mode"))
                .findFirst().orElseThrow();
        assertThat(newest.checks().get(0).string("max-mode")).isEqualTo("0700");
        assertThat(newest.title()).contains("700");
        assertThat(newest.number()).isEqualTo("9.1");
        RuleDocument old = RuleLoader.load(dir, "cis-1.20").stream().filter(r -> r.id().equals("wal-dir-mode"))
                .findFirst().orElseThrow();
        assertThat(old.checks().get(0).string("max-mode")).isEqualTo("0750");
        assertThat(old.title()).contains("750");
        assertThat(old.number()).isEqualTo("9.2");
        // a benchmark the mapping does not name takes the default
        assertThat(RuleLoader.load(dir, "cis-1.5.1").stream().filter(r -> r.id().equals("wal-dir-mode")).findFirst()
                .orElseThrow().checks().get(0).string("max-mode")).isEqualTo("0700");
        // the built-in 1.1.7: 600 from CIS 1.24/1.7 on, 644 before
        assertThat(RuleLoader.load(null, "cis-1.23").stream().filter(r -> r.id().equals("etcd-pod-spec-permissions"))
                .findFirst().orElseThrow().checks().get(0).string("max-mode")).isEqualTo("0644");
        assertThat(RuleLoader.load(null, "cis-1.24").stream().filter(r -> r.id().equals("etcd-pod-spec-permissions"))
                .findFirst().orElseThrow().checks().get(0).string("max-mode")).isEqualTo("0600");
    }

    @Test
    void perBenchmarkValuesAreValidatedAtLoad() throws IOException {
        Files.writeString(dir.resolve("a-no-default.md"), MODE.replace("{default: \"0700\", cis-1.20: \"0750\"}",
                "{cis-1.20: \"0750\"}"));
        Files.writeString(dir.resolve("b-bad-mode.md"), MODE.replace("cis-1.20: \"0750\"}", "cis-1.20: \"rwx\"}"));
        Files.writeString(dir.resolve("c-unknown-benchmark.md"), MODE.replace("cis-1.20: \"0750\"}", "cis-2.99: \"0750\"}"));
        assertThatThrownBy(() -> RuleLoader.load(dir, RuleDocument.DEFAULT_BENCHMARK))
                .hasMessageContaining("a-no-default.md: check wal-mode parameter max-mode varies by benchmark but has no"
                        + " 'default'")
                .hasMessageContaining("b-bad-mode.md: check wal-mode needs max-mode in octal")
                .hasMessageContaining("c-unknown-benchmark.md: check wal-mode parameter max-mode names benchmark"
                        + " 'cis-2.99', which is not a known benchmark");
    }

    @Test
    void emptyOrMissingDirectory() {
        assertThatThrownBy(() -> RuleLoader.load(dir, RuleDocument.DEFAULT_BENCHMARK)).hasMessageContaining("no rule documents");
        assertThatThrownBy(() -> RuleLoader.load(dir.resolve("nope"), RuleDocument.DEFAULT_BENCHMARK))
                .hasMessageContaining("cannot read rules directory");
    }
}
