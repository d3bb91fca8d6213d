package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code etcdguard rules list|explain}, {@code scan --benchmark} and {@code scan --rules DIR}. */
class RulesCommandIT {

    @TempDir
    Path dir;

    @Test
    void listAndExplain() throws Exception {
        Launcher.Run list = Launcher.run(Map.of(), "rules", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.stdout()).contains("ID", "NUMBER", "SEVERITY", "SCOPE", "TITLE",
                "etcd-peer-tls                   2.4     high      etcd            etcd uses TLS encryption for peer connections",
                "apiserver-encryption-providers  1.2.28  high      kube-apiserver  ");
        JsonNode json = JsonMapper.builder().build().readTree(Launcher.run(Map.of(), "rules", "list", "--format", "json",
                "--benchmark", "cis-1.4.1").stdout());
        assertThat(json.size()).isEqualTo(20);
        assertThat(json.get(3).path("id").asString()).isEqualTo("etcd-peer-tls");
        assertThat(json.get(3).path("number").asString()).isEqualTo("1.5.4");

        Launcher.Run explain = Launcher.run(Map.of(), "rules", "explain", "2.4");
        assertThat(explain.exitCode()).isZero();
        assertThat(explain.stdout()).contains("2.4  etcd uses TLS encryption for peer connections", "id: etcd-peer-tls",
                "controls: cis-kubernetes-1.5.1:2.4", "Checks", "peer-urls-https (urls-https)", "Remediation\n-----------",
                "References");
        JsonNode doc = JsonMapper.builder().build().readTree(
                Launcher.run(Map.of(), "rules", "explain", "etcd-peer-tls", "--format", "json").stdout());
        assertThat(doc.path("checks").size()).as("13 on the configuration, 4 on the wire (hardening: EG-3)").isEqualTo(17);
        JsonNode podSpec = JsonMapper.builder().build().readTree(Launcher.run(Map.of(), "rules", "explain", "1.1.7",
                "--benchmark", "cis-1.23", "--format", "json").stdout());
        assertThat(podSpec.path("title").asString()).endsWith("644 or more restrictive");
        assertThat(podSpec.path("checks").get(0).path("params").path("max-mode").asString()).isEqualTo("0644");
        assertThat(doc.path("sections").path("Remediation").asString()).contains("--peer-cert-file");
        Launcher.Run apiServer = Launcher.run(Map.of(), "rules", "explain", "1.2.29", "--benchmark", "cis-1.5.1");
        assertThat(apiServer.exitCode()).as(apiServer.stderr()).isZero();
        assertThat(apiServer.stdout()).contains("1.2.29  kube-apiserver authenticates to etcd with a client certificate",
                "applies to: every kube-apiserver", "disa-stig-kubernetes:V-242430");
        Launcher.Run missing = Launcher.run(Map.of(), "rules", "explain", "9.9");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("no rule '9.9'");
    }

    @Test
    void benchmarkNumberingAndUserRulesInAScan() throws Exception {
        Path pod = dir.resolve("etcd.yaml");
        Files.writeString(pod, """
                apiVersion: v1
                kind: Pod
                metadata: {name: etcd, namespace: kube-system}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd, --enable-pprof]
                """);
        Launcher.Run old = Launcher.run(Map.of(), "scan", pod.toString(), "--benchmark", "cis-1.4.1", "--no-color");
        assertThat(old.stdout()).contains("[FAIL] 1.5.1 etcd uses TLS for client connections", "[N/A] 1.5.4");

        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("pprof.md"), """
                ---
                id: pprof-off
                number: "X.1"
                title: etcd does not expose pprof
                severity: low
                check:
                  - id: pprof-off
                    primitive: setting-not-true
                    setting: enable-pprof
                ---

                ## Remediation

                Remove --enable-pprof.
                """);
        Launcher.Run mine = Launcher.run(Map.of(), "scan", pod.toString(), "--rules", rules.toString(), "--format", "json");
        JsonNode results = JsonMapper.builder().build().readTree(mine.stdout()).path("results");
        JsonNode pprof = null;
        for (JsonNode r : results) {
            if (r.path("rule").asString().equals("pprof-off")) {
                pprof = r;
            }
        }
        assertThat(pprof).isNotNull();
        assertThat(pprof.path("status").asString()).isEqualTo("FAIL");
        assertThat(pprof.path("document").asString()).isEqualTo(rules.resolve("pprof.md").toString());
        assertThat(pprof.path("remediation").asString()).isEqualTo("Remove --enable-pprof.");

        Files.writeString(rules.resolve("broken.md"), "not a rule");
        Launcher.Run broken = Launcher.run(Map.of(), "scan", pod.toString(), "--rules", rules.toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.stderr()).contains("broken.md: a rule document starts with '---'").doesNotContain("\tat ");
    }
}
