package dev.etcdguard.rules;

import dev.etcdguard.etcd.ConfigIssue;
import dev.etcdguard.etcd.Resolved;

/** What a check looked at, so a reader can verify the verdict. Never contains private key material. */
public sealed interface Evidence {

    /** An effective setting with its provenance. */
    record Setting(Resolved resolved) implements Evidence {}

    /** Facts read from a file the member uses (as the member sees the path). */
    record File(String path, String facts) implements Evidence {}

    /** A problem with the configuration itself (conflict, ignored key, unknown flag). */
    record Issue(ConfigIssue issue) implements Evidence {}

    /** What an endpoint showed on the wire (the active probe). */
    record Wire(String endpoint, String facts) implements Evidence {}
}
