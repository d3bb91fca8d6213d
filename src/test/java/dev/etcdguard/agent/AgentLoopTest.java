package dev.etcdguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.sandbox.FakeProcfs;
import dev.etcdguard.scan.ScanRequest;
import dev.etcdguard.scan.Scanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan loop: a scan that fails is counted and logged in one line, and the loop goes on; stop lets it end. */
class AgentLoopTest {

    @TempDir
    Path dir;

    @Test
    void aFailingScanIsAnErrorAndTheAgentKeepsScanning() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AgentMetrics metrics = new AgentMetrics();
        AgentState state = new AgentState();
        Agent agent = new Agent(new Scanner(RuleLoader.builtIn()), ScanRequest.host(dir.resolve("no-such-proc")),
                Duration.ofMillis(50), ScanSink.NONE, metrics, state, "h", "", new PrintStream(err, true, StandardCharsets.UTF_8));
        agent.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (err.toString(StandardCharsets.UTF_8).lines().count() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(agent.stop(Duration.ofSeconds(30))).isTrue();
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(log.lines().count()).as(log).isGreaterThanOrEqualTo(3);
        assertThat(log.lines()).allMatch(l -> l.startsWith("etcdguard agent: scan error at ") && l.contains("cannot list"));
        assertThat(state.ready()).isFalse();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("etcdguard_scan_errors_total ([3-9]|[1-9][0-9]+)\\.0");
    }

    @Test
    void aSinkThatThrowsIsAScanErrorAndTheReportIsStillServed() throws IOException {
        Path proc = new FakeProcfs(dir.resolve("proc")).root();
        AtomicInteger calls = new AtomicInteger();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AgentMetrics metrics = new AgentMetrics();
        AgentState state = new AgentState();
        Agent agent = new Agent(new Scanner(RuleLoader.builtIn()), ScanRequest.host(proc), Duration.ofHours(1),
                (report, at, took) -> {
                    calls.incrementAndGet();
                    throw new IOException("database is locked");
                }, metrics, state, "h", "", new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(agent.scanOnce()).isNull();
        assertThat(calls).hasValue(1);
        assertThat(state.ready()).isTrue();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("database is locked");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("etcdguard_scan_errors_total 1.0")
                .contains("etcdguard_scans_total 1.0");
    }

    @Test
    void stopLetsTheRunningStoreWriteFinish() throws Exception {
        Path proc = new FakeProcfs(dir.resolve("proc")).root();
        java.util.concurrent.CountDownLatch writing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();
        ScanSink sink = (report, at, took) -> {
            writing.countDown();
            try {
                release.await();
                completed.set(true);
            } catch (InterruptedException e) {
                throw new IOException("interrupted mid-write");
            }
        };
        AgentConfig config = new AgentConfig(Duration.ofHours(1), AgentConfig.listen("127.0.0.1:0"), ScanRequest.host(proc),
                RuleLoader.builtIn(), "", "h", null, null, null, null);
        AgentRunner runner = new AgentRunner(config, sink, null, null,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                exit.set(runner.run(false));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writing.await();
        runner.stop();
        assertThat(t.isAlive()).as("run() waits for the store write").isTrue();
        assertThat(completed).isFalse();
        release.countDown();
        t.join(Duration.ofSeconds(60));
        assertThat(t.isAlive()).isFalse();
        assertThat(completed).as("the write finished, not interrupted").isTrue();
        assertThat(exit).hasValue(0);
    }
}
