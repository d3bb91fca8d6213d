package dev.etcdguard.etcd;

/** What a result is about: a running process, an element of a manifest file, or an endpoint probed on the wire. */
public sealed interface Target {

    /** The member's name as etcd resolved it, or null before resolution (or when not an etcd member). */
    String member();

    Target withMember(String member);

    /** A running etcd process on this node. */
    record Process(long pid, String exe, String member) implements Target {
        public Process withMember(String member) {
            return new Process(pid, exe, member);
        }
    }

    /**
     * A place in a manifest file: an etcd container of a workload, or (for input errors and whole
     * documents) just the file and document.
     *
     * @param file      the path as given on the command line ({@code -} for standard input)
     * @param document  0-based index of the YAML document in the file, -1 for the whole file
     * @param line      1-based line of the element, 0 when unknown
     * @param column    1-based column, 0 when unknown
     * @param resource  {@code Kind/namespace/name}, or null
     * @param container the container's name, or null
     */
    record Manifest(String file, int document, int line, int column, String resource, String container,
                    String member) implements Target {
        public Manifest withMember(String member) {
            return new Manifest(file, document, line, column, resource, container, member);
        }

        /** The whole file (input errors). */
        public static Manifest file(String file) {
            return new Manifest(file, -1, 0, 0, null, null, null);
        }
    }

    /** A network endpoint given to {@code etcdguard probe}, judged by what it shows on the wire alone. */
    record Endpoint(String url, String member) implements Target {
        public Endpoint withMember(String member) {
            return new Endpoint(url, member);
        }
    }
}
