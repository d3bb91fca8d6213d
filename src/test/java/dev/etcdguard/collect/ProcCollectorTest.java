package dev.etcdguard.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.sandbox.FakeProcfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcCollectorTest {

    @TempDir
    Path dir;

    FakeProcfs proc;

    @BeforeEach
    void setUp() throws IOException {
        proc = new FakeProcfs(dir.resolve("proc"));
    }

    private List<Long> pids() throws IOException {
        return new ProcCollector(proc.root()).collect(Set.of()).stream()
                .map(i -> ((Target.Process) i.target()).pid()).toList();
    }

    @Test
    void findsEtcdAndKubeApiserverByExecutableBasenameOnly() throws IOException {
        proc.addProcess(10, "/usr/bin/etcd", List.of("etcd", "--name=a"), Map.of(), 0);
        proc.addProcess(11, "/usr/local/bin/etcd", List.of("/usr/local/bin/etcd"), Map.of(), 0);
        proc.addProcess(12, "/usr/bin/etcdctl", List.of("etcdctl", "member", "list"), Map.of(), 0);
        proc.addProcess(13, "/usr/local/bin/kube-apiserver", List.of("kube-apiserver",
                "--etcd-servers=https://127.0.0.1:2379", "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt"), Map.of(), 0);
        proc.addProcess(14, "/bin/dash", List.of("/bin/sh", "-c", "exec etcd --name=x"), Map.of(), 0);
        proc.addProcess(15, "/usr/bin/etcd-wrapper", List.of("etcd"), Map.of(), 0);
        proc.addProcess(16, "/usr/bin/etcd (deleted)", List.of("etcd"), Map.of(), 0);
        Files.createDirectories(proc.root().resolve("self"));
        Files.createDirectories(proc.root().resolve("sys"));
        assertThat(pids()).containsExactly(10L, 11L, 13L, 16L);
        assertThat(new ProcCollector(proc.root()).collect(Set.of()).stream().map(Invocation::component))
                .containsExactly(Component.ETCD, Component.ETCD, Component.KUBE_APISERVER, Component.ETCD);
    }

    @Test
    void containerizedEtcdReportsTheExeAsTheContainerSeesIt() throws IOException {
        proc.addProcess(20, "/usr/local/bin/etcd", List.of("etcd", "--name=cp1"), Map.of("ETCD_DATA_DIR", "/var/lib/etcd"), 0);
        Invocation inv = new ProcCollector(proc.root()).collect(Set.of()).get(0);
        assertThat(inv.target()).isEqualTo(new Target.Process(20, "/usr/local/bin/etcd", null));
        assertThat(inv.argv()).extracting(Invocation.Arg::value).containsExactly("etcd", "--name=cp1");
        assertThat(inv.argv().get(1).location().label()).isEqualTo("argv[1]");
        assertThat(inv.env()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("ETCD_DATA_DIR");
            assertThat(e.location().label()).isEqualTo(proc.root().resolve("20/environ").toString());
        });
        assertThat(inv.runAsUid()).isZero();
        // files are read through the process's root, and relative paths through its cwd
        assertThat(inv.files().lookup("/etc/etcd/peer.crt")).isEqualTo(new FileView.Lookup.OnDisk(proc.root().resolve("20/root/etc/etcd/peer.crt")));
        assertThat(inv.files().lookup("certs/peer.crt")).isEqualTo(new FileView.Lookup.OnDisk(proc.root().resolve("20/cwd/certs/peer.crt")));
        assertThat(inv.problems()).isEmpty();
    }

    @Test
    void unreadableExeFallsBackToArgvZero() throws IOException {
        proc.addProcess(30, null, List.of("/opt/etcd/etcd", "--name=x"), Map.of(), 1000);
        proc.addProcess(31, null, List.of("/opt/etcd/etcdctl"), Map.of(), 1000);
        List<Invocation> found = new ProcCollector(proc.root()).collect(Set.of());
        assertThat(found).singleElement().satisfies(inv -> {
            assertThat(((Target.Process) inv.target()).exe()).startsWith("/opt/etcd/etcd (from argv[0]");
            assertThat(inv.runAsUid()).isEqualTo(1000);
        });
    }

    @Test
    void unreadableEnvironmentIsAnEvidenceProblem() throws IOException {
        proc.addProcess(40, "/usr/bin/etcd", List.of("etcd"), null, 0);
        Invocation inv = new ProcCollector(proc.root()).collect(Set.of()).get(0);
        assertThat(inv.env()).isNull();
        assertThat(inv.problems()).singleElement().asString()
                .contains("40/environ").contains("ETCD_* settings in the environment are unknown");
    }

    @Test
    void pidFilterAndEmptyCmdline() throws IOException {
        proc.addProcess(50, "/usr/bin/etcd", List.of("etcd"), Map.of(), 0);
        proc.addProcess(51, "/usr/bin/etcd", List.of("etcd"), Map.of(), 0);
        proc.addProcess(52, "/usr/bin/etcd", List.of(), Map.of(), 0); // zombie: no cmdline
        assertThat(new ProcCollector(proc.root()).collect(Set.of(51L)))
                .extracting(i -> ((Target.Process) i.target()).pid()).containsExactly(51L);
        assertThat(pids()).containsExactly(50L, 51L);
    }

    @Test
    void missingProcRootIsAnIoError() {
        assertThatThrownBy(() -> new ProcCollector(dir.resolve("nope")).collect(Set.of())).isInstanceOf(IOException.class);
    }

    @Test
    void readsThisMachinesProcfs() throws IOException {
        // The real /proc: this JVM is not etcd, so whatever is found must really be etcd.
        for (Invocation inv : new ProcCollector(Path.of("/proc")).collect(Set.of())) {
            assertThat(ProcCollector.basename(((Target.Process) inv.target()).exe().split(" ")[0])).isEqualTo("etcd");
        }
        assertThat(new ProcCollector(Path.of("/proc")).collect(Set.of(ProcessHandle.current().pid()))).isEmpty();
    }
}
