package dev.etcdguard.sandbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of one member, independent of how they are delivered. {@code general} keys are etcd flag names,
 * which etcd 3.4 also uses as config file keys; {@code peerSecurity} keys are those of the config file's
 * "peer-transport-security" section, whose flag is "peer-" + key (cert-file becomes --peer-cert-file).
 */
record MemberSettings(Map<String, String> general, Map<String, String> peerSecurity) {

    MemberSettings {
        general = Collections.unmodifiableMap(new LinkedHashMap<>(general));
        peerSecurity = Collections.unmodifiableMap(new LinkedHashMap<>(peerSecurity));
    }

    /** Every setting as flag name to value, in a stable order. */
    Map<String, String> asFlags() {
        Map<String, String> flags = new LinkedHashMap<>(general);
        peerSecurity.forEach((key, value) -> flags.put("peer-" + key, value));
        return flags;
    }

    /** Every setting as an etcd environment variable (ETCD_ + upper case flag name, '-' as '_'). */
    Map<String, String> asEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        asFlags().forEach((flag, value) -> env.put(environmentName(flag), value));
        return env;
    }

    static String environmentName(String flag) {
        return "ETCD_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
