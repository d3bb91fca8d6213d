package dev.etcdguard.etcd;

import java.util.Locale;

/**
 * One etcd setting: its flag name, how its value is read, etcd's default, and where it lives in a
 * {@code --config-file} (null when the config file cannot set it).
 */
public record Setting(String flag, Kind kind, String defaultValue, String configKey) {

    public enum Kind { STRING, BOOL, URLS, NUMBER, DURATION, LIST }

    /** The environment variable etcd reads for this flag: {@code peer-cert-file -> ETCD_PEER_CERT_FILE}. */
    public String envVar() {
        return "ETCD_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public boolean isBool() {
        return kind == Kind.BOOL;
    }
}
