package dev.etcdguard.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdguard.etcd.MemberList;
import dev.etcdguard.sandbox.EtcdGateway;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bbolt reader against the backend of a real etcd member (Debian's etcd-server, one member on 127.0.0.1),
 * read live (without etcd's lock) and from damaged copies.
 */
class BoltDbTest {

    private static final int KEYS = 400;
    private static final int BIG = 40_000;

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static LocalCluster cluster;
    private static Path db;
    private static String memberId;

    @BeforeAll
    static void startEtcdAndWrite() throws Exception {
        Assumptions.assumeTrue(LocalCluster.etcdAvailable(), "etcd binary not found: install Debian package etcd-server");
        cluster = LocalCluster.builder(shared.resolve("c")).members(1).peerTls(PeerTls.PLAINTEXT).start();
        LocalCluster.Member m = cluster.members().get(0);
        db = m.dataDir().resolve("member/snap/db");
        EtcdGateway etcd = new EtcdGateway(m.clientUrl());
        memberId = etcd.members().get(0).id();
        byte[] value = new byte[200];
        Arrays.fill(value, (byte) 'v');
        for (int i = 0; i < KEYS; i++) {
            etcd.put("/registry/k" + i, value);
        }
        byte[] big = new byte[BIG]; // larger than a page: an overflow page
        Arrays.fill(big, (byte) 'b');
        etcd.put("/registry/big", big);
        awaitCommitted(KEYS + 1);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** etcd commits its backend every 100 ms: waits (bounded) until the revisions are in the file. */
    private static void awaitCommitted(int revisions) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (BoltDb bolt = BoltDb.open(db)) {
                if (bolt.bucket("key").orElseThrow().size() >= revisions) {
                    return;
                }
            }
            Thread.sleep(50);
        }
    }

    @Test
    void readsTheMembersBucketOfALiveMember() throws IOException {
        try (BoltDb bolt = BoltDb.open(db)) {
            List<BoltDb.Entry> members = bolt.bucket("members").orElseThrow();
            assertThat(members).singleElement().satisfies(e -> {
                assertThat(e.keyText()).as("the member id in hexadecimal").isEqualTo(memberId);
                assertThat(new String(e.value(), StandardCharsets.UTF_8)).contains("\"name\":\"m1\"",
                        "\"peerURLs\":[\"" + cluster.members().get(0).peerUrl() + "\"]");
                assertThat(e.bucket()).isFalse();
            });
            assertThat(bolt.bucket("members_removed")).hasValue(List.of());
            assertThat(bolt.bucket("no-such-bucket")).isEmpty();
            assertThat(bolt.bucket("members", "nested")).as("an entry that is not a bucket").isEmpty();
        }
        MemberList list = DataDirMembers.read("/var/lib/etcd/member/snap/db", db);
        assertThat(list).isInstanceOfSatisfying(MemberList.Read.class, r -> {
            assertThat(r.names()).containsExactly("m1");
            assertThat(r.members().get(0).id()).isEqualTo(memberId);
            assertThat(r.members().get(0).peerUrls()).containsExactly(cluster.members().get(0).peerUrl());
            assertThat(r.readThrough()).as("the file is not under that path").isNull();
        });
    }

    @Test
    void walksBranchLeafAndOverflowPages() throws IOException {
        try (BoltDb bolt = BoltDb.open(db)) {
            List<BoltDb.Entry> revisions = bolt.bucket("key").orElseThrow();
            // ~100 KB of revisions cannot sit in one 4 KiB page: the bucket has a branch page over several leaves
            assertThat(revisions).hasSize(KEYS + 1);
            assertThat(bolt.pagesRead()).as("root page, branch page, leaves").isGreaterThan(10);
            assertThat(revisions).anySatisfy(e -> assertThat(e.value().length).isGreaterThan(BIG));
            assertThat(revisions).allSatisfy(e -> assertThat(e.key()).hasSize(17)); // revision: main, '_', sub
            for (int i = 1; i < revisions.size(); i++) {
                assertThat(Arrays.compareUnsigned(revisions.get(i - 1).key(), revisions.get(i).key())).isNegative();
            }
        }
    }

    @Test
    void aDamagedNewestMetaPageFallsBackToTheOther() throws IOException {
        long newest;
        try (BoltDb bolt = BoltDb.open(db)) {
            newest = bolt.txid();
        }
        Path copy = copy(b -> {
            int page = b.getInt(16 + 8);
            int at = b.getLong(16 + 48) == newest ? 0 : page; // the meta page holding the newest txid
            b.put(at + 16 + 20, (byte) (b.get(at + 16 + 20) ^ 0x5a)); // inside the checksummed fields
        });
        try (BoltDb bolt = BoltDb.open(copy)) {
            assertThat(bolt.txid()).isLessThan(newest);
            assertThat(bolt.bucket("members").orElseThrow()).hasSize(1);
        }
    }

    @Test
    void corruptFilesGiveAReasonNeverAHang() throws IOException {
        Path noMeta = copy(b -> {
            int pageSize = b.getInt(16 + 8);
            b.putInt(16, 0);
            b.putInt(pageSize + 16, 0);
        });
        assertThatThrownBy(() -> BoltDb.open(noMeta)).isInstanceOf(BoltDb.Corrupt.class)
                .hasMessageContaining("no valid meta page").hasMessageContaining("no bbolt magic");

        Path text = Files.writeString(dir.resolve("text"), "not a database\n".repeat(1000));
        assertThatThrownBy(() -> BoltDb.open(text)).isInstanceOf(BoltDb.Corrupt.class);
        Path tiny = Files.write(dir.resolve("tiny"), new byte[10]);
        assertThatThrownBy(() -> BoltDb.open(tiny)).hasMessageContaining("too short");

        Path cut = dir.resolve("cut");
        Files.copy(db, cut);
        try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            ch.truncate(2 * 4096);
        }
        assertThatThrownBy(() -> readMembers(cut)).isInstanceOf(BoltDb.Corrupt.class)
                .hasMessageContaining("outside the database");

        Path cycle = copy(b -> { // every branch page's first child is the page itself
            int pageSize = b.getInt(16 + 8);
            for (int p = 2; (p + 1) * pageSize <= b.limit(); p++) {
                int at = p * pageSize;
                if (b.getLong(at) == p && b.getShort(at + 8) == 0x01 && b.getShort(at + 10) > 0) {
                    b.putLong(at + 16 + 8, p);
                }
            }
        });
        try (BoltDb bolt = BoltDb.open(cycle)) {
            assertThatThrownBy(() -> bolt.bucket("key")).isInstanceOf(BoltDb.Corrupt.class)
                    .hasMessageContaining("reached twice (a cycle)");
        }

        Path count = copy(b -> { // the root page claims more elements than it can hold
            int pageSize = b.getInt(16 + 8);
            for (int meta : new int[] {0, pageSize}) {
                int root = (int) b.getLong(meta + 16 + 16);
                b.putShort(root * pageSize + 10, (short) 60000);
            }
        });
        assertThatThrownBy(() -> readMembers(count)).isInstanceOf(BoltDb.Corrupt.class)
                .hasMessageContaining("elements do not fit");
        assertThat(DataDirMembers.read("/var/lib/etcd/member/snap/db", count))
                .isInstanceOfSatisfying(MemberList.Unreadable.class,
                        u -> assertThat(u.reason()).contains("elements do not fit"));
        assertThat(DataDirMembers.read("/var/lib/etcd/member/snap/db", dir.resolve("none/member/snap/db")))
                .isInstanceOfSatisfying(MemberList.Unreadable.class,
                        u -> assertThat(u.reason()).contains("no such file"));
    }

    private static List<BoltDb.Entry> readMembers(Path file) throws IOException {
        try (BoltDb bolt = BoltDb.open(file)) {
            return bolt.bucket("members").orElseThrow();
        }
    }

    /** A copy of the live database, changed by {@code edit} (little-endian, as on this machine). */
    private Path copy(Consumer<ByteBuffer> edit) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(db)).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(b);
        return Files.write(dir.resolve("copy" + System.nanoTime()), b.array());
    }
}
