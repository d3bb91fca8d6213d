package dev.etcdguard.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.SourceFindings;
import dev.etcdguard.rules.Status;
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

/**
 * k3s server processes in a fake procfs whose root is a k3s node's file tree (the k3s binary is not available
 * here; the real-etcd counterpart is {@code K3sHostScanIT}).
 */
class K3sTest {

    private static final String K3S_EXE = "/var/lib/rancher/k3s/data/7f3e9a/bin/k3s";
    private static final String CONFIG = "/var/lib/rancher/k3s/server/db/etcd/config";

    @TempDir
    Path dir;

    FakeProcfs proc;
    Path root;

    @BeforeEach
    void setUp() throws IOException {
        proc = new FakeProcfs(dir.resolve("proc"));
        root = Files.createDirectories(dir.resolve("node"));
        Files.createDirectories(root.resolve("var/lib/rancher/k3s/server/tls"));
    }

    /** A process whose root and cwd are the fake node's file tree. */
    private void k3s(long pid, Map<String, String> env, String... args) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of("/usr/local/bin/k3s"));
        argv.addAll(List.of(args));
        Path p = proc.addProcess(pid, K3S_EXE, argv, env, 0);
        Files.delete(p.resolve("root"));
        Files.createSymbolicLink(p.resolve("root"), root);
    }

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path.substring(1));
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private void mkdir(String path) throws IOException {
        Files.createDirectories(root.resolve(path.substring(1)));
    }

    private ProcCollector.Output scan() throws IOException {
        return new ProcCollector(proc.root()).scan(Set.of());
    }

    private SourceFinding onlyFinding() throws IOException {
        ProcCollector.Output out = scan();
        assertThat(out.invocations()).isEmpty();
        assertThat(out.findings()).hasSize(1);
        return out.findings().get(0);
    }

    private static final String K3S_ETCD_CONFIG = """
            advertise-client-urls: https://10.0.0.11:2379
            client-transport-security:
              cert-file: /var/lib/rancher/k3s/server/tls/etcd/server-client.crt
              client-cert-auth: true
              key-file: /var/lib/rancher/k3s/server/tls/etcd/server-client.key
              trusted-ca-file: /var/lib/rancher/k3s/server/tls/etcd/server-ca.crt
            data-dir: /var/lib/rancher/k3s/server/db/etcd
            election-timeout: 5000
            experimental-initial-corrupt-check: true
            experimental-watch-progress-notify-interval: 5000000000
            heartbeat-interval: 500
            listen-client-http-urls: https://127.0.0.1:2382
            listen-client-urls: https://127.0.0.1:2379,https://10.0.0.11:2379
            listen-metrics-urls: http://127.0.0.1:2381
            listen-peer-urls: https://127.0.0.1:2380,https://10.0.0.11:2380
            log-outputs:
            - stderr
            logger: zap
            name: server-1-5f2a9c31
            peer-transport-security:
              cert-file: /var/lib/rancher/k3s/server/tls/etcd/peer-server-client.crt
              client-cert-auth: true
              key-file: /var/lib/rancher/k3s/server/tls/etcd/peer-server-client.key
              trusted-ca-file: /var/lib/rancher/k3s/server/tls/etcd/peer-ca.crt
            snapshot-count: 10000
            socket-options:
              reuse-address: true
            """;

    @Test
    void aK3sServerWithAnInitializedEtcdIsAnEtcdMemberConfiguredByTheFileK3sWrites() throws IOException {
        // as after a restart: k3s rewrites the file without initial-cluster
        write(CONFIG, K3S_ETCD_CONFIG);
        mkdir("/var/lib/rancher/k3s/server/db/etcd/member/wal");
        k3s(700, Map.of(), "server", "--cluster-init");
        ProcCollector.Output out = scan();
        assertThat(out.findings()).isEmpty();
        Invocation inv = out.invocations().get(0);
        assertThat(inv.component()).isEqualTo(Component.ETCD);
        assertThat(inv.argv()).extracting(Invocation.Arg::value).containsExactly("etcd", "--config-file=" + CONFIG);
        assertThat(inv.argv().get(1).location().label()).contains("k3s writes " + CONFIG).contains("pid 700")
                .contains("data-dir /var/lib/rancher/k3s from k3s's default");
        assertThat(inv.env()).isEmpty();
        assertThat(inv.clusterHint()).isEqualTo(K3s.CLUSTER_HINT);
        Target.Process target = (Target.Process) inv.target();
        assertThat(target.pid()).isEqualTo(700);
        assertThat(target.exe()).isEqualTo(K3S_EXE + " (k3s server, embedded etcd, config " + CONFIG + ")");
        // the file is read through the k3s process's root
        assertThat(inv.files().lookup(CONFIG)).isInstanceOfSatisfying(FileView.Lookup.OnDisk.class,
                d -> assertThat(d.path()).isEqualTo(proc.root().resolve("700/root").resolve(CONFIG.substring(1))));

        ResolvedInvocation resolved = ResolvedInvocation.of(inv);
        assertThat(resolved.problems()).isEmpty();
        assertThat(resolved.config().issues()).as("k3s's sequences and 3.5 socket-options are etcd's own").isEmpty();
        assertThat(resolved.config().memberName()).isEqualTo("server-1-5f2a9c31");
        assertThat(resolved.config().get("peer-cert-file").value())
                .isEqualTo("/var/lib/rancher/k3s/server/tls/etcd/peer-server-client.crt");
        assertThat(resolved.config().get("peer-cert-file").provenance().location().label()).isEqualTo(CONFIG + ":21:14");
        assertThat(resolved.config().get("log-outputs").value()).isEqualTo("stderr");
        assertThat(resolved.config().get("socket-reuse-address").value()).isEqualTo("true");
    }

    @Test
    void theClusterCaOfAK3sNodeIsTheClientCaK3sGivesItsKubeApiserver() throws IOException {
        mkdir("/var/lib/rancher/k3s/server/db/etcd/member/wal");
        k3s(708, Map.of(), "server");
        List<ResolvedInvocation> invocations = ResolvedInvocation.all(scan().invocations());
        assertThat(ClusterCa.fromApiServer(invocations)).isEmpty(); // not there
        write("/var/lib/rancher/k3s/server/tls/client-ca.crt", "-----BEGIN CERTIFICATE-----\n");
        assertThat(ClusterCa.fromApiServer(invocations))
                .contains(proc.root().resolve("708/root/var/lib/rancher/k3s/server/tls/client-ca.crt"));
    }

    @Test
    void anInitializedEtcdWinsOverADatastoreEndpointAsInK3s() throws IOException {
        write(CONFIG, K3S_ETCD_CONFIG);
        mkdir("/var/lib/rancher/k3s/server/db/etcd/member/wal");
        k3s(701, Map.of("K3S_DATASTORE_ENDPOINT", "mysql://k3s:pw@tcp(db:3306)/k3s"), "server");
        assertThat(scan().invocations()).hasSize(1);
    }

    @Test
    void theDataDirComesFromArgvOrK3sConfigFile() throws IOException {
        write("/srv/k3s/server/db/etcd/config", K3S_ETCD_CONFIG);
        mkdir("/srv/k3s/server/db/etcd/member/wal");
        mkdir("/data/k3s/server/db/etcd/member/wal");
        write("/etc/rancher/k3s/config.yaml", "write-kubeconfig-mode: \"0644\"\ndata-dir: /srv/k3s\n");
        k3s(702, Map.of(), "server");
        k3s(703, Map.of(), "server", "-d", "/data/k3s");
        List<Invocation> found = scan().invocations();
        assertThat(found.get(0).argv().get(1).value()).isEqualTo("--config-file=/srv/k3s/server/db/etcd/config");
        assertThat(found.get(0).argv().get(1).location().label()).contains("from /etc/rancher/k3s/config.yaml:2:1");
        assertThat(found.get(1).argv().get(1).value()).isEqualTo("--config-file=/data/k3s/server/db/etcd/config");
        // its config file is missing there: the etcd rules cannot read it (ERROR), never a guess
        assertThat(ResolvedInvocation.of(found.get(1)).problems()).isNotEmpty();
    }

    @Test
    void k3sDataDirVariableIsTheDataDirUnlessItIsTheAssetDirectoryK3sRunsFrom() throws IOException {
        mkdir("/srv/k3s/server/db/etcd/member/wal");
        mkdir("/var/lib/rancher/k3s/server/db/etcd/member/wal");
        k3s(704, Map.of("K3S_DATA_DIR", "/srv/k3s"), "server");
        k3s(705, Map.of("K3S_DATA_DIR", "/var/lib/rancher/k3s/data/7f3e9a"), "server"); // older k3s: its asset dir
        List<Invocation> found = scan().invocations();
        assertThat(found.get(0).argv().get(1).value()).isEqualTo("--config-file=/srv/k3s/server/db/etcd/config");
        assertThat(found.get(0).argv().get(1).location().label()).contains("from K3S_DATA_DIR in ");
        assertThat(found.get(1).argv().get(1).value()).isEqualTo("--config-file=" + CONFIG);
    }

    @Test
    void k3sConfigFileBeatsTheEnvironmentAndTheCommandLineBeatsBoth() throws IOException {
        write("/etc/rancher/k3s/config.yaml", "datastore-endpoint: postgres://a@pg/k3s\n");
        k3s(706, Map.of("K3S_DATASTORE_ENDPOINT", "mysql://b@db/k3s"), "server");
        k3s(707, Map.of("K3S_DATASTORE_ENDPOINT", "mysql://b@db/k3s"), "server", "--datastore-endpoint", "nats://c@n:4222");
        assertThat(scan().findings()).extracting(SourceFinding::message).satisfiesExactly(
                m -> assertThat(m).contains("(postgres://…, datastore-endpoint from /etc/rancher/k3s/config.yaml:1:1"),
                m -> assertThat(m).contains("(nats://…, datastore-endpoint from argv[2] and argv[3]"));
    }

    @Test
    void aK3sServerOnSqliteIsNotApplicableWithTheReason() throws IOException {
        write("/var/lib/rancher/k3s/server/db/state.db", "SQLite format 3");
        write(CONFIG, K3S_ETCD_CONFIG); // left from an earlier etcd: no member/wal
        k3s(710, Map.of(), "server");
        SourceFinding f = onlyFinding();
        assertThat(f.kind()).isEqualTo(SourceFinding.Kind.EXTERNAL_ETCD);
        assertThat(((Target.Process) f.target()).exe()).isEqualTo(K3S_EXE + " (k3s server)");
        assertThat(f.message()).contains("uses SQLite through kine (/var/lib/rancher/k3s/server/db/state.db;")
                .contains(CONFIG + " is not in use (no /var/lib/rancher/k3s/server/db/etcd/member/wal)");
        List<Result> results = SourceFindings.toResults(f, RuleLoader.builtIn());
        assertThat(results).extracting(r -> r.rule().id()).contains("etcd-peer-tls", "etcd-peer-client-cert-auth");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.NOT_APPLICABLE);
            assertThat(r.checks().get(0).message()).isEqualTo(f.message());
            assertThat(((Target.Process) r.target()).pid()).isEqualTo(710);
        });
    }

    @Test
    void aK3sServerOnAnExternalDatastoreIsNotApplicableWithoutShowingItsCredentials() throws IOException {
        k3s(720, Map.of("K3S_DATASTORE_ENDPOINT", "mysql://k3s:s3cret@tcp(db.example:3306)/k3s"), "server");
        SourceFinding f = onlyFinding();
        assertThat(f.kind()).isEqualTo(SourceFinding.Kind.EXTERNAL_ETCD);
        assertThat(f.message()).contains("external datastore (mysql://…, datastore-endpoint from K3S_DATASTORE_ENDPOINT in ")
                .doesNotContain("s3cret").doesNotContain("db.example");
    }

    @Test
    void anExternalEtcdInK3sConfigFileOrArgvIsNamedAsSuch() throws IOException {
        write("/etc/rancher/k3s/config.yaml.d/50-db.yaml", "datastore-endpoint: https://etcd-1.example:2379\n");
        k3s(730, Map.of(), "server");
        k3s(731, Map.of(), "server", "--datastore-endpoint=postgres://u:p@pg:5432/k3s");
        ProcCollector.Output out = scan();
        assertThat(out.findings()).extracting(SourceFinding::message).satisfiesExactly(
                m -> assertThat(m).contains("(https://…, datastore-endpoint from /etc/rancher/k3s/config.yaml.d/50-db.yaml:1:1")
                        .contains("that etcd runs elsewhere"),
                m -> assertThat(m).contains("(postgres://…, datastore-endpoint from argv[2]").doesNotContain("u:p"));
    }

    @Test
    void disableEtcdAndANotYetStartedEtcdAreSaidSo() throws IOException {
        k3s(740, Map.of(), "server", "--disable-etcd", "--server", "https://10.0.0.11:6443");
        k3s(741, Map.of("K3S_TOKEN", "t"), "server", "--server", "https://10.0.0.11:6443");
        assertThat(scan().findings()).extracting(SourceFinding::message).satisfiesExactly(
                m -> assertThat(m).contains("runs with disable-etcd (argv[2])").contains("runs no etcd member"),
                m -> assertThat(m).contains("set to run embedded etcd (server from argv[2] and argv[3] and token from K3S_TOKEN in ")
                        .contains("has not started yet"));
    }

    @Test
    void onlyK3sServersCount() throws IOException {
        k3s(750, Map.of(), "agent", "--server", "https://10.0.0.11:6443");
        k3s(751, Map.of(), "etcd-snapshot", "save");
        proc.addProcess(752, K3S_EXE, List.of("containerd"), Map.of(), 0);
        proc.addProcess(753, "/usr/local/bin/k3s", List.of("kubectl", "get", "server"), Map.of(), 0);
        assertThat(scan().invocations()).isEmpty();
        assertThat(scan().findings()).isEmpty();
        assertThat(K3s.isServer("k3s", List.of("/usr/local/bin/k3s", "--debug", "server"))).isTrue();
        assertThat(K3s.isServer("k3s", List.of("/var/lib/rancher/k3s/data/x/bin/k3s-server"))).isTrue();
        assertThat(K3s.isServer("k3s-agent", List.of("k3s", "server"))).isFalse();
    }

    @Test
    void anUnreadableK3sNodeIsAnErrorNotAGuess() throws IOException {
        k3s(760, null, "server", "--data-dir=/nowhere");
        SourceFinding f = onlyFinding();
        assertThat(f.kind()).isEqualTo(SourceFinding.Kind.UNREADABLE_INPUT);
        assertThat(f.message()).contains("cannot read k3s's server directory /nowhere/server").contains("no such file");
        // the server dir is there but the environment is not readable: the datastore settings are unknown
        k3s(761, null, "server");
        assertThat(scan().findings()).filteredOn(x -> ((Target.Process) x.target()).pid() == 761).singleElement()
                .satisfies(x -> {
                    assertThat(x.kind()).isEqualTo(SourceFinding.Kind.UNREADABLE_INPUT);
                    assertThat(x.message()).contains("K3S_* datastore settings are unknown");
                });
    }
}
