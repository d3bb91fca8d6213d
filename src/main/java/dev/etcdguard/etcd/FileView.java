package dev.etcdguard.etcd;

import java.nio.file.Path;

/** Finds the files an etcd member names, as that member would see them. */
public interface FileView {

    /** Where the member's file {@code path} (absolute, or relative to its working directory) can be read. */
    Lookup lookup(String path);

    /**
     * An account database ({@code /etc/passwd}, {@code /etc/group}) that names the owners of the member's
     * files: by default the member's own view; a manifest source answers with the node's (under
     * {@code --node-root}), where its hostPath files are.
     */
    default Lookup accounts(String path) {
        return lookup(path);
    }

    /** Reads files on this machine as they are. */
    FileView HOST = path -> new Lookup.OnDisk(Path.of(path));

    /** Where a member's file is, for this scanner. */
    sealed interface Lookup {

        /** A file on this machine (it may still be missing or unreadable). */
        record OnDisk(Path path) implements Lookup {}

        /** The file's content is known without a file here, e.g. a ConfigMap key in the scanned manifests. */
        record Content(byte[] bytes, Location origin) implements Lookup {}

        /**
         * The file is not reachable from here (e.g. on a node whose files were not given).
         *
         * @param suspicious true when the member itself most likely cannot read the file either
         */
        record Elsewhere(String reason, boolean suspicious) implements Lookup {}
    }
}
