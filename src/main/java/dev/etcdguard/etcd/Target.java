package dev.etcdguard.etcd;

/** What a result is about. More kinds (manifest, pod) join as sources are added. */
public sealed interface Target {

    /** The member's name as etcd resolved it, or null before resolution. */
    String member();

    Target withMember(String member);

    /** A running etcd process on this node. */
    record Process(long pid, String exe, String member) implements Target {
        public Process withMember(String member) {
            return new Process(pid, exe, member);
        }
    }
}
