package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.IoErrors;
import dev.etcdguard.etcd.MemberList;
import dev.etcdguard.etcd.ResolvedInvocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running member's cluster as etcd itself keeps it: the {@code members} bucket of its backend,
 * {@code <data-dir>/member/snap/db}, read through the process's own root. etcd (3.2 through 3.5, at
 * {@code etcdserver/api/membership/store.go}) stores one key per member, its id in hexadecimal, with the member
 * as JSON ({@code id}, {@code peerURLs}, {@code isLearner}, and {@code name}, {@code clientURLs} once it has
 * started); a removed member's key moves to {@code members_removed}. Unlike {@code initial-cluster}, which etcd
 * reads only at a member's first start, this list follows {@code etcdctl member add} and {@code member remove}.
 */
public final class DataDirMembers {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ATTEMPTS = 3;

    private DataDirMembers() {}

    /** Each running etcd process with the member list of its data dir (or why it could not be read). */
    public static List<ResolvedInvocation> attach(List<ResolvedInvocation> invocations) {
        List<ResolvedInvocation> out = new ArrayList<>();
        for (ResolvedInvocation inv : invocations) {
            boolean member = inv.component() == Component.ETCD && inv.invocation().running() && inv.members() == null;
            out.add(member ? inv.withMembers(read(inv)) : inv);
        }
        return out;
    }

    /** The member list in the data dir of {@code inv}, as its process sees the file. */
    public static MemberList read(ResolvedInvocation inv) {
        String dataDir = inv.config().get("data-dir").value();
        if (dataDir == null || dataDir.isEmpty()) {
            return new MemberList.Unreadable("the data dir", "data-dir is empty");
        }
        String db = (dataDir.endsWith("/") ? dataDir : dataDir + "/") + "member/snap/db";
        FileView.Lookup lookup = inv.invocation().files().lookup(db);
        if (!(lookup instanceof FileView.Lookup.OnDisk(Path path))) {
            return new MemberList.Unreadable(db, "the file is not on this machine");
        }
        return read(db, path);
    }

    /**
     * The member list of the bbolt file {@code path}, which the member names {@code db}. A file being written can
     * show a page of a newer transaction than the meta page read: the read is then tried again.
     */
    static MemberList read(String db, Path path) {
        String through = through(db, path);
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (BoltDb bolt = BoltDb.open(path)) {
                Optional<List<BoltDb.Entry>> bucket = bolt.bucket("members");
                if (bucket.isEmpty()) {
                    return new MemberList.Unreadable(db, "the database has no 'members' bucket (not etcd's backend?)");
                }
                List<MemberList.Member> members = new ArrayList<>();
                for (BoltDb.Entry e : bucket.get()) {
                    members.add(member(e));
                }
                return new MemberList.Read(db, through, members);
            } catch (BoltDb.Corrupt e) {
                last = e;
            } catch (NoSuchFileException e) {
                return new MemberList.Unreadable(db, "no such file" + (Files.exists(path.getParent()) ? ""
                        : " (the data dir has no member/snap directory)"));
            } catch (IOException e) {
                return new MemberList.Unreadable(db, IoErrors.reason(e));
            }
        }
        return new MemberList.Unreadable(db, last.getMessage());
    }

    private static MemberList.Member member(BoltDb.Entry e) throws BoltDb.Corrupt {
        String id = e.keyText();
        if (e.bucket() || !id.matches("[0-9a-f]{1,16}")) {
            throw new BoltDb.Corrupt("'members' holds the key '" + printable(id) + "', not a hexadecimal member id");
        }
        JsonNode node;
        try {
            node = JSON.readTree(e.value());
        } catch (JacksonException ex) {
            throw new BoltDb.Corrupt("member " + id + " is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new BoltDb.Corrupt("member " + id + " is not a JSON object");
        }
        List<String> peers = new ArrayList<>();
        node.path("peerURLs").forEach(u -> peers.add(u.asString()));
        return new MemberList.Member(id, node.path("name").asString(""), peers, node.path("isLearner").asBoolean(false));
    }

    /** {@code /proc/42/root} when {@code path} is {@code db} read through it, else null. */
    private static String through(String db, Path path) {
        String p = path.toString();
        String tail = db.startsWith("/") ? db : "/" + db;
        return p.endsWith(tail) && p.length() > tail.length() ? p.substring(0, p.length() - tail.length()) : null;
    }

    /** A key for a message: printable ASCII only, at most 40 characters. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (b.length() >= 40) {
                return b + "...";
            }
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
