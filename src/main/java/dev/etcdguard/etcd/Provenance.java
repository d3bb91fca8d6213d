package dev.etcdguard.etcd;

/** Where an effective etcd setting came from. */
public sealed interface Provenance {

    /** Short name of the source kind: {@code flag}, {@code env}, {@code config-file}, {@code default}. */
    String source();

    /** Where exactly, for a human: {@code argv[7]}, {@code ETCD_PEER_CERT_FILE in /proc/42/environ}, ... */
    String at();

    /** The location to point at in a report (file/line for SARIF later), or null for defaults. */
    Location location();

    record Flag(String argument, Location location) implements Provenance {
        public String source() { return "flag"; }
        public String at() { return location.label(); }
    }

    record Env(String variable, Location location) implements Provenance {
        public String source() { return "env"; }
        public String at() { return variable + " in " + location.label(); }
    }

    record ConfigFile(String keyPath, Location location) implements Provenance {
        public String source() { return "config-file"; }
        public String at() { return location.label() + " (" + keyPath + ")"; }
    }

    /** etcd's built-in default, or a value etcd derives from other settings (explained in {@code note}). */
    record Default(String note) implements Provenance {
        public String source() { return "default"; }
        public String at() { return note; }
        public Location location() { return null; }
    }
}
