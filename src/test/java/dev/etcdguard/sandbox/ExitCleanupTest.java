package dev.etcdguard.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT and SIGTERM to a JVM running real etcd clusters in a {@link ScratchDir}: no member is left running and
 * nothing is left in the temporary directory — also when the signal comes while clusters are being started.
 * The JVM is a child started with this test's class path, its {@code java.io.tmpdir} a directory of this test.
 */
class ExitCleanupTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsEtcd() {
        Assumptions.assumeTrue(LocalCluster.etcdAvailable(), "etcd binary not found: install Debian package etcd-server");
    }

    /** The child: {@code hold} starts one cluster and waits; {@code churn} starts and closes clusters in a loop. */
    public static void main(String[] args) throws Exception {
        ScratchDir scratch = ScratchDir.create("etcdguard-exit-test-");
        System.out.println("scratch " + scratch.path());
        if (args[0].equals("hold")) {
            LocalCluster cluster = LocalCluster.builder(scratch.path().resolve("c")).members(3).start();
            cluster.members().forEach(m -> System.out.println("pid " + m.pid()));
            System.out.println("ready");
            Thread.sleep(120_000);
        } else {
            for (int i = 0; ; i++) {
                try (LocalCluster cluster = LocalCluster.builder(scratch.path().resolve("c" + i)).members(3)
                        .peerTls(i % 2 == 0 ? PeerTls.TLS : PeerTls.PLAINTEXT).start()) {
                    cluster.members().forEach(m -> System.out.println("pid " + m.pid()));
                    System.out.println("ready");
                }
            }
        }
    }

    private Process child(String mode) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), ExitCleanupTest.class.getName(), mode)
                .redirectErrorStream(true).start();
    }

    /** Reads the child's lines until {@code readyCount} "ready" lines, collecting the member pids. */
    private static List<Long> readUntilReady(BufferedReader out, int readyCount, StringBuilder log) throws IOException {
        List<Long> pids = new ArrayList<>();
        int ready = 0;
        String line;
        while (ready < readyCount && (line = out.readLine()) != null) {
            log.append(line).append('\n');
            if (line.startsWith("pid ")) {
                pids.add(Long.parseLong(line.substring(4)));
            } else if (line.equals("ready")) {
                ready++;
            }
        }
        assertThat(ready).as(log.toString()).isEqualTo(readyCount);
        return pids;
    }

    private static void signal(Process process, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
    }

    /** Processes (any user) whose command line mentions {@code dir}: etcd members started under it. */
    private static List<String> processesUsing(Path dir) {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(ProcessHandle::isAlive)
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                    .filter(c -> c.contains(dir.toString())).toList();
        }
    }

    private List<String> leftInTmp() throws IOException {
        try (Stream<Path> entries = Files.walk(tmp)) {
            return entries.filter(p -> !p.equals(tmp)).map(Path::toString).toList();
        }
    }

    private void assertCleanAfter(Process process, List<Long> pids, StringBuilder log) throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child exits").isTrue();
        log.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        for (long pid : pids) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            assertThat(handle.map(ProcessHandle::isAlive).orElse(false)).as("member pid %d\n%s", pid, log).isFalse();
        }
        assertThat(processesUsing(tmp)).as(log.toString()).isEmpty();
        assertThat(leftInTmp()).as(log.toString()).isEmpty();
    }

    @Test
    void sigtermKillsTheMembersAndRemovesTheScratchDir() throws Exception {
        Process process = child("hold");
        StringBuilder log = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            List<Long> pids = readUntilReady(out, 1, log);
            assertThat(pids).hasSize(3).allMatch(Proc::alive);
            assertThat(leftInTmp()).anyMatch(p -> p.endsWith("/c/pki/ca.crt"));
            signal(process, "TERM");
            assertCleanAfter(process, pids, log);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void sigintWhileClustersStartLeavesNothingBehind() throws Exception {
        Process process = child("churn");
        StringBuilder log = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            List<Long> pids = readUntilReady(out, 2, log);
            // the third cluster is being started (keys written, members launching) or closed when the signal comes
            signal(process, "INT");
            assertCleanAfter(process, pids, log);
        } finally {
            process.destroyForcibly();
        }
    }
}
