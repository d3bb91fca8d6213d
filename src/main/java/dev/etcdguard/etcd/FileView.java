package dev.etcdguard.etcd;

import java.nio.file.Path;

/** Maps a path as an etcd member would open it to a path this scanner can read. */
public interface FileView {

    /** The readable path for {@code path} as the member sees it (relative paths: its working directory). */
    Path resolve(String path);

    /** Reads files on this machine as they are. */
    FileView HOST = path -> Path.of(path);
}
