package dev.etcdguard.rules;

import dev.etcdguard.etcd.ConfigIssue;
import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Primitives over settings alone: presence, URL schemes, consistency of the configuration. */
final class SettingChecks {

    /** The pseudo-setting {@code initial-cluster:self}: this member's own entries in initial-cluster. */
    static final String OWN_INITIAL_CLUSTER = "initial-cluster:self";

    private SettingChecks() {}

    /** Every listed setting has a non-empty effective value. */
    static CheckResult settingsSet(CheckSpec spec, Subject s) {
        List<String> names = spec.list("settings");
        List<String> missing = new ArrayList<>();
        List<Evidence> evidence = new ArrayList<>();
        for (String name : names) {
            Resolved r = s.config.get(name);
            evidence.add(new Evidence.Setting(r));
            if (r.isEmpty()) {
                missing.add(name);
                issuesAbout(s.config, name).forEach(i -> evidence.add(new Evidence.Issue(i)));
            }
        }
        if (missing.isEmpty()) {
            return Outcome.pass(spec, join(names) + (names.size() == 1 ? " is set" : " are set"), evidence);
        }
        return Outcome.fail(spec, join(missing) + (missing.size() == 1 ? " is not set" : " are not set")
                + (s.config.mode() == EffectiveConfig.Mode.CONFIG_FILE ? " in the config file " + s.config.configFile().value() : ""),
                evidence);
    }

    /** Every URL of the listed settings is TLS ({@code https} or {@code unixs}). */
    static CheckResult urlsHttps(CheckSpec spec, Subject s) {
        List<String> problems = new ArrayList<>();
        List<Evidence> evidence = new ArrayList<>();
        for (String name : spec.list("urls")) {
            boolean own = name.equals(OWN_INITIAL_CLUSTER);
            Resolved r = s.config.get(own ? "initial-cluster" : name);
            evidence.add(new Evidence.Setting(r));
            List<String> urls = own ? s.config.ownInitialClusterUrls() : r.elements();
            boolean everyEntry = own && urls.isEmpty();
            if (everyEntry) {
                // The name is not in initial-cluster (e.g. a template's $(POD_NAME)): judge every entry.
                urls = s.config.initialCluster().stream().map(m -> m.name() + "=" + m.peerUrl()).toList();
            }
            for (String url : urls) {
                String scheme = scheme(everyEntry ? url.substring(url.indexOf('=') + 1) : url);
                if (scheme.equals("https") || scheme.equals("unixs")) {
                    continue;
                }
                String label = everyEntry ? "initial-cluster entry " + url
                        + " (this member's name '" + s.config.memberName() + "' is not listed, so every entry is checked)"
                        : own ? "initial-cluster entry " + s.config.memberName() + "=" + url
                        : (r.isDefault() ? name + " is not set, so etcd uses its default " + url
                        : name + " is " + url);
                problems.add(label + ": " + consequence(name, scheme));
            }
        }
        if (problems.isEmpty()) {
            return Outcome.pass(spec, "every URL of " + join(spec.list("urls")) + " uses https", evidence);
        }
        return Outcome.fail(spec, String.join("; ", problems), evidence);
    }

    private static String consequence(String name, String scheme) {
        if (!scheme.equals("http") && !scheme.equals("unix")) {
            return "not a URL etcd accepts (scheme must be https)";
        }
        if (name.equals("etcd-servers")) {
            return "kube-apiserver sends every object, Secrets included, to etcd in plaintext";
        }
        if (name.startsWith("listen-")) {
            return "etcd ignores the certificate on an " + scheme + " listener and serves plaintext";
        }
        return name.contains("client") ? "clients are told to connect to this member in plaintext"
                : "other members connect to this member in plaintext";
    }

    /** A boolean setting is true. */
    static CheckResult settingTrue(CheckSpec spec, Subject s) {
        Resolved r = s.config.get(spec.string("setting"));
        List<Evidence> evidence = List.of(new Evidence.Setting(r));
        if (r.isTrue()) {
            return Outcome.pass(spec, r.name() + " is true", evidence);
        }
        return Outcome.fail(spec, r.name() + (r.isDefault() ? " is not set (" + s.config.component().program()
                + "'s default is false)" : " is " + r.value()), evidence);
    }

    /** A boolean setting is not true. */
    static CheckResult settingNotTrue(CheckSpec spec, Subject s) {
        Resolved r = s.config.get(spec.string("setting"));
        List<Evidence> evidence = List.of(new Evidence.Setting(r));
        if (!r.isTrue()) {
            return Outcome.pass(spec, r.name() + (r.isDefault() ? " is not set (false)" : " is " + r.value()), evidence);
        }
        return Outcome.fail(spec, r.name() + " is true", evidence);
    }

    /**
     * Client-certificate authentication is on and really enforced: etcd ignores it on an http listener,
     * and drops it when auto-TLS provides the certificate.
     */
    static CheckResult certAuthEffective(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        Resolved auth = s.config.get(spec.string("setting"));
        List<Evidence> evidence = new ArrayList<>();
        evidence.add(new Evidence.Setting(auth));
        if (!auth.isTrue()) {
            Resolved ca = s.config.get(p.trustedCaFile);
            if (!ca.isEmpty()) { // etcd's TLS server requires client certificates whenever a trusted CA is given
                evidence.add(new Evidence.Setting(ca));
                return Outcome.fail(spec, auth.name() + (auth.isDefault() ? " is not set" : " is " + auth.value())
                        + ": etcd still requires client certificates on its https listeners because " + ca.name()
                        + " is set" + (p == TlsProfile.PEER ? " (--probe shows it on the wire)" : "")
                        + ", but the benchmark asks for " + auth.name() + "=true",
                        evidence);
            }
            return Outcome.fail(spec, auth.name() + (auth.isDefault() ? " is not set (etcd's default is false)"
                    : " is " + auth.value()) + ": anyone who reaches the port is accepted", evidence);
        }
        List<String> dropped = new ArrayList<>();
        Resolved autoTls = s.config.get(p.autoTls);
        if (autoTls.isTrue() && (s.config.get(p.certFile).isEmpty() || s.config.get(p.keyFile).isEmpty())) {
            evidence.add(new Evidence.Setting(autoTls));
            dropped.add(p.autoTls + " provides the certificate, and etcd then silently drops " + auth.name());
        }
        for (String name : spec.list("urls")) {
            Resolved urls = s.config.get(name);
            for (String url : urls.elements()) {
                String scheme = scheme(url);
                if (!scheme.equals("https") && !scheme.equals("unixs")) {
                    evidence.add(new Evidence.Setting(urls));
                    dropped.add(name + " " + url + " is " + scheme + ": etcd ignores " + auth.name() + " on that listener");
                    break;
                }
            }
        }
        if (dropped.isEmpty()) {
            return Outcome.pass(spec, auth.name() + " is true and enforced", evidence);
        }
        return Outcome.fail(spec, auth.name() + " is true but not enforced: " + String.join("; ", dropped), evidence);
    }

    /**
     * The program would start with this configuration (etcd: no flag/env conflicts, no unknown flags;
     * kube-apiserver: no positional argument or single-dash flag); reports ignored settings.
     */
    static CheckResult configConsistent(CheckSpec spec, Subject s) {
        List<ConfigIssue> fatal = s.config.issues().stream().filter(ConfigIssue::fatal).toList();
        List<Evidence> evidence = new ArrayList<>();
        s.config.issues().forEach(i -> evidence.add(new Evidence.Issue(i)));
        if (!fatal.isEmpty() && !s.running) {
            return new CheckResult(spec.id(), Status.FAIL, refusal(s, fatal) + CRASH_LOOP, evidence);
        }
        if (!fatal.isEmpty()) {
            return Outcome.fail(spec, refusal(s, fatal) + "; but this process is running: it started, so the " + s.config.component().program()
                    + " version running tolerated it (another version, or a restart after an upgrade, may not)", evidence);
        }
        if (!evidence.isEmpty()) {
            return Outcome.pass(spec, evidence.size() + " setting(s) present but ignored by "
                    + s.config.component().program() + " (see evidence)",
                    evidence);
        }
        return Outcome.pass(spec, "no conflicting or ignored settings", evidence);
    }

    /** The id of the check a declared configuration the program refuses to start with gets in every rule. */
    static final String STARTS = "starts";
    static final String CONFIG_CONSISTENT = "config-consistent";

    private static String refusal(Subject s, List<ConfigIssue> fatal) {
        return s.config.component().program() + " refuses to start with this configuration: "
                + String.join("; ", fatal.stream().map(ConfigIssue::message).toList());
    }

    private static final String CRASH_LOOP = "; the container would crash-loop";

    /**
     * A FAIL for a declared configuration (a manifest, kubeadm's: what will run) the program refuses to start with;
     * null for a running process (it started) or a configuration without fatal issues.
     */
    static CheckResult refusedToStart(Subject s) {
        if (s.running || s.config == null) {
            return null;
        }
        List<ConfigIssue> fatal = s.config.issues().stream().filter(ConfigIssue::fatal).toList();
        if (fatal.isEmpty()) {
            return null;
        }
        return new CheckResult(STARTS, Status.FAIL, refusal(s, fatal) + CRASH_LOOP + ", so no verdict of this rule about it holds",
                fatal.stream().<Evidence>map(Evidence.Issue::new).toList());
    }

    static List<ConfigIssue> issuesAbout(EffectiveConfig config, String setting) {
        return config.issues().stream().filter(i -> setting.equals(i.setting())).toList();
    }

    static String scheme(String url) {
        int i = url.indexOf("://");
        return i < 0 ? "" : url.substring(0, i).toLowerCase(Locale.ROOT);
    }

    static String join(List<String> names) {
        if (names.size() <= 1) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
