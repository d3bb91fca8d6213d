package dev.etcdguard.rules;

import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The check primitives rule documents compose, by the name a document's {@code check:} uses. */
final class Primitives {

    /** A check primitive: judges one aspect of a subject, as parameterised by the rule document. */
    @FunctionalInterface
    interface Primitive {
        CheckResult evaluate(CheckSpec spec, Subject subject);
    }

    private static final Map<String, Primitive> ALL = Map.ofEntries(
            Map.entry("settings-set", SettingChecks::settingsSet),
            Map.entry("urls-https", SettingChecks::urlsHttps),
            Map.entry("config-consistent", SettingChecks::configConsistent),
            Map.entry("setting-true", SettingChecks::settingTrue),
            Map.entry("setting-not-true", SettingChecks::settingNotTrue),
            Map.entry("cert-auth-effective", SettingChecks::certAuthEffective),
            Map.entry("path-mode", PathChecks::pathMode),
            Map.entry("path-owner", PathChecks::pathOwner),
            Map.entry("ca-distinct", CaChecks::caDistinct),
            Map.entry("secrets-encrypted", EncryptionChecks::secretsEncrypted),
            Map.entry("auto-tls-not-in-effect", TlsChecks::autoTlsNotInEffect),
            Map.entry("tls-files-readable", TlsChecks::filesReadable),
            Map.entry("tls-cert-parses", TlsChecks::certParses),
            Map.entry("tls-ca-parses", TlsChecks::caParses),
            Map.entry("tls-key-parses", TlsChecks::keyParses),
            Map.entry("tls-key-matches-cert", TlsChecks::keyMatchesCert),
            Map.entry("tls-cert-validity", TlsChecks::certValidity),
            Map.entry("tls-cert-eku", TlsChecks::certEku),
            Map.entry("tls-cert-san", TlsChecks::certSan),
            Map.entry("tls-key-strength", TlsChecks::keyStrength),
            Map.entry("tls-cert-signature", TlsChecks::certSignature),
            Map.entry("tls-key-file-permissions", TlsChecks::keyFilePermissions),
            Map.entry("tls-cert-chain", TlsChecks::certChain),
            Map.entry("probe-tls-spoken", ProbeChecks::tlsSpoken),
            Map.entry("probe-plaintext-refused", ProbeChecks::plaintextRefused),
            Map.entry("probe-tls-versions", ProbeChecks::tlsVersions),
            Map.entry("probe-cipher-suites", ProbeChecks::cipherSuites),
            Map.entry("probe-cert-eku", ProbeChecks::servedCertEku),
            Map.entry("probe-cert-matches-config", ProbeChecks::servedCertMatchesConfig),
            Map.entry("probe-client-cert-required", ProbeChecks::clientCertRequired));

    private Primitives() {}

    static boolean exists(String name) {
        return ALL.containsKey(name);
    }

    static Set<String> names() {
        return new TreeSet<>(ALL.keySet());
    }

    /** A primitive that judges what the active probe saw on the wire (left out when the scan did not probe). */
    static boolean isWire(String name) {
        return name.startsWith("probe-");
    }

    static CheckResult run(CheckSpec spec, Subject subject) {
        return ALL.get(spec.primitive()).evaluate(spec, subject);
    }
}
