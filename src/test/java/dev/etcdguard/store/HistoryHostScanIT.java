package dev.etcdguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.sandbox.Delivery;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan --host --store} on a real etcd member (Debian's etcd-server, 127.0.0.1), restarted with a new pid
 * between two scans: the history lines the two scans up by target key, and diff finds nothing that got worse.
 */
class HistoryHostScanIT {

    @TempDir
    Path dir;

    /** Starts a 3-member cluster (the peer rules judge cluster members only), scans it into the store, stops it. */
    private List<Long> scan(Path work, String url) {
        try (LocalCluster cluster = LocalCluster.builder(work).members(3).namePrefix("hist").peerTls(PeerTls.TLS)
                .delivery(Delivery.FLAGS).start()) {
            List<Long> pids = cluster.members().stream().map(LocalCluster.Member::pid).toList();
            List<String> args = new ArrayList<>(List.of("scan", "--host", "--store", url, "--cluster", "it", "--format", "json"));
            pids.forEach(p -> args.addAll(List.of("--pid", String.valueOf(p))));
            Fixtures.Run run = Fixtures.cli(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.stderr()).isIn(0, 1);
            return pids;
        }
    }

    @Test
    void aRestartedMemberKeepsItsTargetKeyAndHistory() {
        String url = "jdbc:sqlite:" + dir.resolve("history.db");
        Path work = dir.resolve("cluster"); // the same paths and member name both times
        List<Long> first = scan(work, url);
        List<Long> second = scan(work, url);
        assertThat(second).doesNotContainAnyElementsOf(first);

        String key = "process:" + ScanRecord.thisHost() + "/etcd/hist1";
        List<String> keys = List.of(key, "process:" + ScanRecord.thisHost() + "/etcd/hist2",
                "process:" + ScanRecord.thisHost() + "/etcd/hist3");
        try (Store store = Store.open(url)) {
            List<Long> ids = store.latest(ScanRecord.thisHost(), 2);
            assertThat(ids).hasSize(2);
            History.StoredScan newer = store.scan(ids.get(0)).orElseThrow();
            History.StoredScan older = store.scan(ids.get(1)).orElseThrow();
            assertThat(newer.results()).isNotEmpty().extracting(History.Result::targetKey).containsOnlyElementsOf(keys);
            assertThat(older.results()).extracting(History.Result::targetKey).containsOnlyElementsOf(keys);
            assertThat(newer.results()).extracting(r -> r.target().path("pid").asLong()).containsOnlyElementsOf(second);
            assertThat(older.results()).extracting(r -> r.target().path("pid").asLong()).containsOnlyElementsOf(first);
            // the peer certificates the rules read, with their expiry
            assertThat(newer.certificates()).isNotEmpty().extracting(History.Certificate::targetKey).containsAll(keys);

            List<History.Point> peer = store.statusOverTime("etcd-peer-tls", key, 10);
            assertThat(peer).extracting(History.Point::scanId).containsExactly(ids.get(1), ids.get(0));

            Diff diff = Diff.of(older, newer);
            List<Diff.Kind> kinds = new ArrayList<>(diff.changes().stream().map(Diff.Change::kind).toList());
            assertThat(kinds).doesNotContain(Diff.Kind.ADDED, Diff.Kind.REMOVED, Diff.Kind.NEW_FAIL, Diff.Kind.WORSE);
            assertThat(diff.worse()).isFalse();
        }
        Fixtures.Run diff = Fixtures.cli("diff", "--store", url);
        assertThat(diff.exitCode()).as(diff.stdout() + diff.stderr()).isZero();
    }
}
