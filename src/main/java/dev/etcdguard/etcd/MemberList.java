package dev.etcdguard.etcd;

import java.util.List;

/**
 * What this scan knows of a member's cluster beyond its configuration ({@code initial-cluster} is read only at a
 * member's first start: members added later with {@code etcdctl member add} never show in it).
 */
public sealed interface MemberList {

    /**
     * The member list etcd itself keeps, e.g. the {@code members} bucket of its backend.
     *
     * @param source      what was read, as the member names it (e.g. {@code /var/lib/etcd/member/snap/db})
     * @param readThrough how this scanner reached it (e.g. {@code /proc/42/root}), or null
     */
    record Read(String source, String readThrough, List<Member> members) implements MemberList {
        public Read {
            members = List.copyOf(members);
        }

        /** Members' names, an unstarted member (added, never started) as {@code unstarted <id>}. */
        public List<String> names() {
            return members.stream().map(Member::label).toList();
        }

        public long learners() {
            return members.stream().filter(Member::learner).count();
        }
    }

    /** The member list could not be read: the verdict falls back to the configuration. */
    record Unreadable(String source, String reason) implements MemberList {}

    /** The scan was told to evaluate the member as part of a cluster (e.g. {@code --assume-cluster}). */
    record Assumed(String why) implements MemberList {}

    /**
     * One member as etcd stores it.
     *
     * @param id       hexadecimal member id
     * @param name     empty for a member that was added but has not started yet
     * @param learner  a raft learner (non-voting, still a peer)
     */
    record Member(String id, String name, List<String> peerUrls, boolean learner) {
        public Member {
            peerUrls = List.copyOf(peerUrls);
        }

        public String label() {
            String n = name.isEmpty() ? "unstarted " + id : name;
            return learner ? n + " (learner)" : n;
        }
    }
}
