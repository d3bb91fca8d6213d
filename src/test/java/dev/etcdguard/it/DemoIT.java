package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code ./etcdguard demo}: real throw-away clusters, the right verdicts, and nothing left running. */
class DemoIT {

    private static final Pattern PID = Pattern.compile("\\(pid (\\d+),");
    private static final Pattern WORKING = Pattern.compile("^\\(working under (\\S+), removed at the end\\)$");

    private static List<Long> pids(String text) {
        List<Long> pids = new ArrayList<>();
        Matcher m = PID.matcher(text);
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    private static void assertGone(List<Long> pids) throws InterruptedException {
        for (long pid : pids) {
            for (int i = 0; i < 50 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
                Thread.sleep(100);
            }
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d still alive", pid).isFalse();
        }
    }

    @Test
    void demoShowsEachConfigurationAndStopsEveryMember() throws Exception {
        Launcher.Run run = Launcher.run(Map.of(), "demo", "--no-color");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        String[] parts = run.stdout().split("=== Demo ");
        assertThat(parts).hasSize(4);
        assertThat(parts[1]).contains("correct peer TLS", "[PASS] 2.4", "[PASS] 2.5", "[PASS] 2.6").doesNotContain("[FAIL]")
                .doesNotContain("2.1 etcd uses TLS for client").contains("[PASS] wire-tls-spoken")
                .contains("[PASS] wire-client-cert-required");
        assertThat(parts[2]).contains("plaintext").contains("[FAIL] 2.4").contains("peer-cert-key-set");
        assertThat(parts[3]).contains("http:// peer URLs").contains("[FAIL] 2.4", "[FAIL] 2.5")
                .contains("[PASS] peer-cert-key-set").contains("ignores the certificate on an http listener")
                .contains("[FAIL] wire-plaintext-refused").contains("answers plaintext HTTP");
        List<Long> pids = pids(run.stdout());
        assertThat(pids).hasSize(9);
        assertGone(pids);
        Matcher working = WORKING.matcher(run.stdout().lines().findFirst().orElse(""));
        assertThat(working.find()).as(run.stdout()).isTrue();
        assertThat(Path.of(working.group(1))).doesNotExist();
    }

    @Test
    void ctrlCStopsTheMembersItStarted() throws Exception {
        Process demo = new ProcessBuilder(Launcher.ROOT.resolve("etcdguard").toString(), "demo", "--no-color")
                .directory(Launcher.ROOT.toFile()).redirectErrorStream(true).start();
        List<Long> pids = new ArrayList<>();
        Path work = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                Matcher working = WORKING.matcher(line);
                if (working.find()) {
                    work = Path.of(working.group(1));
                    assertThat(work.getFileName().toString()).startsWith("etcdguard-demo-");
                }
                if (line.contains("started members")) {
                    pids.addAll(pids(line));
                    break;
                }
            }
            assertThat(pids).hasSize(3);
            assertThat(work).isNotNull();
            assertThat(work.resolve("c1/pki/ca.crt")).exists();
            // SIGINT, as Ctrl-C in a terminal sends (the launcher execs the JVM, so this is its pid)
            new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start().waitFor();
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            demo.destroyForcibly();
        }
        assertGone(pids);
        assertThat(work).as("the demo's temporary directory (certificates, keys, data)").doesNotExist();
    }
}
