package dev.etcdguard.collect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A small, bounded, read-only reader of bbolt files (etcd's backend {@code member/snap/db}). It reads pages by
 * offset, never the whole file (it can be gigabytes), takes no lock (etcd holds a flock on a live database)
 * and reads the tree of the valid meta page (magic, version, FNV-64a checksum) with the highest transaction
 * id, so a file being written is read as of its last commit. Every offset, size and page id is checked and
 * the walk is bounded (depth, pages, bytes): a corrupt or hostile file gives a {@link Corrupt} with the
 * reason, never a hang.
 *
 * <p>Format (bbolt 1.3/1.4, at go.etcd.io/bbolt {@code page.go}, {@code db.go}, {@code bucket.go}): a page
 * starts with {@code id u64, flags u16, count u16, overflow u32}; pages 0 and 1 are meta pages whose body is
 * {@code magic u32, version u32, pageSize u32, flags u32, root bucket {root u64, sequence u64}, freelist u64,
 * pgid u64, txid u64, checksum u64}; a branch element is {@code pos u32, ksize u32, pgid u64}, a leaf element
 * {@code flags u32, pos u32, ksize u32, vsize u32} ({@code pos} counts from the element itself); a leaf
 * element with flag 1 is a nested bucket whose value is a bucket header, followed by the bucket's own page
 * when its root is 0 (inline). Numbers are in the writing machine's byte order: the magic tells which.
 */
public final class BoltDb implements AutoCloseable {

    /** The file is not a bbolt database this reader understands, or it is damaged. */
    public static final class Corrupt extends IOException {
        Corrupt(String message) {
            super(message);
        }
    }

    /** One key/value pair of a bucket; {@code bucket} when the value is a nested bucket. */
    public record Entry(byte[] key, byte[] value, boolean bucket) {
        public String keyText() {
            return new String(key, StandardCharsets.UTF_8);
        }
    }

    static final int MAGIC = 0xED0CDAED;
    static final int VERSION = 2;
    private static final int PAGE_HEADER = 16;
    private static final int ELEMENT = 16;
    private static final int BUCKET_HEADER = 16;
    private static final int META_CHECKSUM_OFFSET = 56; // the checksum covers the meta's fields before it
    private static final int BRANCH = 0x01;
    private static final int LEAF = 0x02;
    private static final int META = 0x04;
    private static final int BUCKET_LEAF = 0x01;
    private static final int MIN_PAGE_SIZE = 512;
    private static final int MAX_PAGE_SIZE = 1 << 20;
    /** Page sizes bbolt may have used, tried for meta page 1 when meta page 0 is damaged. */
    private static final int[] PAGE_SIZES = {4096, 8192, 16384, 32768, 65536, 1024, 2048, 512};
    private static final int MAX_DEPTH = 32;
    private static final long MAX_PAGE_BYTES = 16L << 20;
    private static final int MAX_PAGES = 100_000;
    private static final long MAX_BYTES_READ = 256L << 20;
    private static final long MAX_ENTRY_BYTES = 16L << 20;
    private static final int MAX_ENTRIES = 100_000;

    private final FileChannel channel;
    private final long fileSize;
    private final ByteOrder order;
    private final int pageSize;
    private final long rootPage;
    private final long highWater;
    private final long txid;
    private int pagesRead;
    private long bytesRead;

    private BoltDb(FileChannel channel, long fileSize, ByteOrder order, Meta meta) {
        this.channel = channel;
        this.fileSize = fileSize;
        this.order = order;
        this.pageSize = meta.pageSize;
        this.rootPage = meta.root;
        this.highWater = meta.pgid;
        this.txid = meta.txid;
    }

    /** Opens {@code file} read-only and chooses its meta page; the caller closes it. */
    public static BoltDb open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 2L * MIN_PAGE_SIZE) {
                throw new Corrupt("not a bbolt database: " + size + " bytes, too short for its two meta pages");
            }
            Meta best = null;
            List<String> why = new ArrayList<>();
            Meta m0 = meta(channel, 0, why);
            List<Long> second = new ArrayList<>();
            if (m0 != null) {
                second.add((long) m0.pageSize);
            } else {
                Arrays.stream(PAGE_SIZES).forEach(p -> second.add((long) p));
            }
            Meta m1 = null;
            for (long offset : second) {
                if (offset + MIN_PAGE_SIZE <= size) {
                    m1 = meta(channel, offset, why);
                    if (m1 != null && m1.pageSize == offset) {
                        break;
                    }
                    m1 = null;
                }
            }
            for (Meta m : new Meta[] {m0, m1}) {
                if (m != null && (best == null || Long.compareUnsigned(m.txid, best.txid) > 0)) {
                    best = m;
                }
            }
            if (best == null) {
                throw new Corrupt("not a readable bbolt database: no valid meta page (" + String.join("; ", why) + ")");
            }
            return new BoltDb(channel, size, best.order, best);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The transaction id of the meta page read. */
    public long txid() {
        return txid;
    }

    public int pageSize() {
        return pageSize;
    }

    /** Pages read from the file so far (inline pages not counted). */
    int pagesRead() {
        return pagesRead;
    }

    /**
     * The entries of the bucket at {@code path} (a top-level bucket name, then nested bucket names), in key
     * order; empty when there is no such bucket.
     */
    public Optional<List<Entry>> bucket(String... path) throws IOException {
        Node node = new Node.Paged(rootPage);
        for (String name : path) {
            byte[] key = name.getBytes(StandardCharsets.UTF_8);
            Entry found = find(node, key);
            if (found == null || !found.bucket()) {
                return Optional.empty();
            }
            node = nested(found.value(), name);
        }
        List<Entry> out = new ArrayList<>();
        long[] bytes = {0};
        collect(node, out, bytes, 0, new HashSet<>());
        return Optional.of(out);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ------------------------------------------------------------------------------------------ tree

    /** A bucket's root: a page of the file, or a page inline in the bucket's value. */
    private sealed interface Node {
        record Paged(long pgid) implements Node {}

        record Inline(ByteBuffer page, String bucket) implements Node {}
    }

    private Node nested(byte[] value, String name) throws Corrupt {
        if (value.length < BUCKET_HEADER) {
            throw new Corrupt("bucket '" + name + "': its header is " + value.length + " bytes, not " + BUCKET_HEADER);
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(order);
        long root = b.getLong(0);
        if (root != 0) {
            return new Node.Paged(root);
        }
        if (value.length < BUCKET_HEADER + PAGE_HEADER) {
            throw new Corrupt("inline bucket '" + name + "': " + value.length + " bytes, too short for its page");
        }
        ByteBuffer page = ByteBuffer.wrap(value, BUCKET_HEADER, value.length - BUCKET_HEADER).slice().order(order);
        return new Node.Inline(page, name);
    }

    /** The entry with this key in the bucket rooted at {@code node}, or null. */
    private Entry find(Node node, byte[] key) throws IOException {
        Set<Long> seen = new HashSet<>();
        for (int depth = 0; depth <= MAX_DEPTH; depth++) {
            ByteBuffer page = page(node, seen);
            int flags = flags(page);
            int count = count(page, node);
            if ((flags & LEAF) != 0) {
                for (int i = 0; i < count; i++) {
                    Entry e = leafElement(page, i, node);
                    if (Arrays.equals(e.key(), key)) {
                        return e;
                    }
                }
                return null;
            }
            if (count == 0) {
                throw new Corrupt(where(node) + ": an empty branch page");
            }
            int child = 0; // the last element whose key is <= key (bbolt keeps each child's first key)
            for (int i = 0; i < count; i++) {
                if (Arrays.compareUnsigned(branchKey(page, i, node), key) <= 0) {
                    child = i;
                } else {
                    break;
                }
            }
            node = new Node.Paged(branchChild(page, child, node));
        }
        throw new Corrupt("the tree is deeper than " + MAX_DEPTH + " levels (a cycle?)");
    }

    private void collect(Node node, List<Entry> out, long[] bytes, int depth, Set<Long> seen) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new Corrupt("the tree is deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        ByteBuffer page = page(node, seen);
        int flags = flags(page);
        int count = count(page, node);
        if ((flags & LEAF) != 0) {
            for (int i = 0; i < count; i++) {
                Entry e = leafElement(page, i, node);
                bytes[0] += e.key().length + e.value().length;
                if (out.size() >= MAX_ENTRIES || bytes[0] > MAX_ENTRY_BYTES) {
                    throw new Corrupt("the bucket holds more than " + MAX_ENTRIES + " entries or "
                            + (MAX_ENTRY_BYTES >> 20) + " MiB: not read further");
                }
                out.add(e);
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            collect(new Node.Paged(branchChild(page, i, node)), out, bytes, depth + 1, seen);
        }
    }

    // ------------------------------------------------------------------------------------------ pages

    /** The page of {@code node}: read from the file (checked) or the inline page. */
    private ByteBuffer page(Node node, Set<Long> seen) throws IOException {
        ByteBuffer page = switch (node) {
            case Node.Inline inline -> inline.page();
            case Node.Paged paged -> read(paged.pgid(), seen);
        };
        int flags = flags(page);
        if ((flags & (BRANCH | LEAF)) == 0 || (flags & BRANCH) != 0 && (flags & LEAF) != 0) {
            throw new Corrupt(where(node) + " is not a branch or leaf page (flags 0x" + Integer.toHexString(flags) + ")");
        }
        return page;
    }

    private ByteBuffer read(long pgid, Set<Long> seen) throws IOException {
        if (pgid < 2 || Long.compareUnsigned(pgid, highWater) >= 0 || pgid >= fileSize / pageSize) {
            throw new Corrupt("page " + Long.toUnsignedString(pgid) + " is outside the database (pages 2 to "
                    + (Math.min(highWater, fileSize / pageSize) - 1) + ")");
        }
        if (!seen.add(pgid)) {
            throw new Corrupt("page " + pgid + " is reached twice (a cycle)");
        }
        if (++pagesRead > MAX_PAGES) {
            throw new Corrupt("more than " + MAX_PAGES + " pages read: not read further");
        }
        long offset = pgid * pageSize;
        ByteBuffer header = readAt(offset, PAGE_HEADER, "page " + pgid);
        long id = header.getLong(0);
        if (id != pgid) {
            throw new Corrupt("page " + pgid + " says it is page " + Long.toUnsignedString(id));
        }
        long overflow = Integer.toUnsignedLong(header.getInt(12));
        long length = (overflow + 1) * pageSize;
        if (length > MAX_PAGE_BYTES) {
            throw new Corrupt("page " + pgid + " spans " + (overflow + 1) + " pages, over " + (MAX_PAGE_BYTES >> 20)
                    + " MiB");
        }
        bytesRead += length;
        if (bytesRead > MAX_BYTES_READ) {
            throw new Corrupt("more than " + (MAX_BYTES_READ >> 20) + " MiB of pages read: not read further");
        }
        return readAt(offset, (int) length, "page " + pgid);
    }

    private ByteBuffer readAt(long offset, int length, String what) throws IOException {
        if (offset < 0 || offset + length > fileSize) {
            throw new Corrupt(what + " (bytes " + offset + " to " + (offset + length) + ") lies beyond the end of the "
                    + fileSize + "-byte file");
        }
        return readFully(channel, offset, length, what).order(order);
    }

    private static ByteBuffer readFully(FileChannel channel, long offset, int length, String what) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, offset + buf.position());
            if (n < 0) {
                throw new Corrupt(what + " is cut short at byte " + (offset + buf.position()) + " (the file shrank?)");
            }
        }
        return buf.flip();
    }

    private static int flags(ByteBuffer page) {
        return Short.toUnsignedInt(page.getShort(8));
    }

    private static int count(ByteBuffer page, Node node) throws Corrupt {
        int count = Short.toUnsignedInt(page.getShort(10));
        if (PAGE_HEADER + (long) count * ELEMENT > page.limit()) {
            throw new Corrupt(where(node) + ": " + count + " elements do not fit its " + page.limit() + " bytes");
        }
        return count;
    }

    private Entry leafElement(ByteBuffer page, int i, Node node) throws Corrupt {
        int at = PAGE_HEADER + i * ELEMENT;
        int flags = page.getInt(at);
        long pos = Integer.toUnsignedLong(page.getInt(at + 4));
        long ksize = Integer.toUnsignedLong(page.getInt(at + 8));
        long vsize = Integer.toUnsignedLong(page.getInt(at + 12));
        long start = at + pos;
        if (start + ksize + vsize > page.limit()) {
            throw new Corrupt(where(node) + ": element " + i + " points beyond the page");
        }
        byte[] key = new byte[(int) ksize];
        byte[] value = new byte[(int) vsize];
        page.get((int) start, key);
        page.get((int) (start + ksize), value);
        return new Entry(key, value, (flags & BUCKET_LEAF) != 0);
    }

    private static byte[] branchKey(ByteBuffer page, int i, Node node) throws Corrupt {
        int at = PAGE_HEADER + i * ELEMENT;
        long pos = Integer.toUnsignedLong(page.getInt(at));
        long ksize = Integer.toUnsignedLong(page.getInt(at + 4));
        if (at + pos + ksize > page.limit()) {
            throw new Corrupt(where(node) + ": branch element " + i + " points beyond the page");
        }
        byte[] key = new byte[(int) ksize];
        page.get((int) (at + pos), key);
        return key;
    }

    private static long branchChild(ByteBuffer page, int i, Node node) {
        return page.getLong(PAGE_HEADER + i * ELEMENT + 8);
    }

    private static String where(Node node) {
        return switch (node) {
            case Node.Paged p -> "page " + p.pgid();
            case Node.Inline i -> "the inline page of bucket '" + i.bucket() + "'";
        };
    }

    // ------------------------------------------------------------------------------------------ meta

    private record Meta(ByteOrder order, int pageSize, long root, long pgid, long txid) {}

    /** The meta page at {@code offset} when it is valid, else null (with the reason added to {@code why}). */
    private static Meta meta(FileChannel channel, long offset, List<String> why) throws IOException {
        ByteBuffer page = readFully(channel, offset, PAGE_HEADER + META_CHECKSUM_OFFSET + 8, "meta page at " + offset);
        ByteOrder order = null;
        for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            if (page.order(o).getInt(PAGE_HEADER) == MAGIC) {
                order = o;
            }
        }
        String at = "meta page at byte " + offset;
        if (order == null) {
            why.add(at + ": no bbolt magic");
            return null;
        }
        page.order(order);
        if ((Short.toUnsignedInt(page.getShort(8)) & META) == 0) {
            why.add(at + ": not flagged as a meta page");
            return null;
        }
        int version = page.getInt(PAGE_HEADER + 4);
        if (version != VERSION) {
            why.add(at + ": bbolt format version " + version + ", not " + VERSION);
            return null;
        }
        long checksum = page.getLong(PAGE_HEADER + META_CHECKSUM_OFFSET);
        long sum = fnv64a(page, PAGE_HEADER, META_CHECKSUM_OFFSET);
        if (checksum != 0 && checksum != sum) {
            why.add(at + ": checksum mismatch (being written?)");
            return null;
        }
        int pageSize = page.getInt(PAGE_HEADER + 8);
        if (pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || Integer.bitCount(pageSize) != 1) {
            why.add(at + ": page size " + Integer.toUnsignedString(pageSize) + " is not a power of two from "
                    + MIN_PAGE_SIZE + " to " + MAX_PAGE_SIZE);
            return null;
        }
        long root = page.getLong(PAGE_HEADER + 16);
        long pgid = page.getLong(PAGE_HEADER + 40);
        long txid = page.getLong(PAGE_HEADER + 48);
        return new Meta(order, pageSize, root, pgid, txid);
    }

    /** FNV-1a, 64 bits, over {@code length} bytes from {@code from}. */
    static long fnv64a(ByteBuffer b, int from, int length) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < from + length; i++) {
            h ^= b.get(i) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
