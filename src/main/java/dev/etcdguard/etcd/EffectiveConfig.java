package dev.etcdguard.etcd;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * etcd's effective configuration for one member, resolved exactly as etcd does: a config file
 * replaces flags and environment entirely; otherwise flags, then {@code ETCD_*} variables for flags
 * not given; defaults last. Every value carries its {@link Provenance}. For kube-apiserver: its flags,
 * then its defaults.
 */
public final class EffectiveConfig {

    /** Where the program took its settings from. */
    public enum Mode { FLAGS_AND_ENV, CONFIG_FILE }

    private final Component component;
    private final Mode mode;
    private final Resolved configFile;
    private final Map<String, Resolved> explicit;
    private final List<ConfigIssue> issues;

    EffectiveConfig(Component component, Mode mode, Resolved configFile, Map<String, Resolved> explicit,
                    List<ConfigIssue> issues) {
        this.component = component;
        this.mode = mode;
        this.configFile = configFile;
        this.explicit = Map.copyOf(explicit);
        this.issues = List.copyOf(issues);
    }

    public Component component() {
        return component;
    }

    public Mode mode() {
        return mode;
    }

    /** The config file in use and where it was named, or null in flags-and-env mode. */
    public Resolved configFile() {
        return configFile;
    }

    /** Problems with the configuration itself: conflicts, unknown flags, ignored keys, unreadable files. */
    public List<ConfigIssue> issues() {
        return issues;
    }

    /** True when the setting was given (flag, env or config file), not left at its default. */
    public boolean isSet(String flag) {
        return explicit.containsKey(flag);
    }

    /** The effective value of a setting: given, derived, or the program's default. Never null. */
    public Resolved get(String flag) {
        Resolved r = explicit.get(flag);
        if (r != null) {
            return r;
        }
        Setting s = component.setting(flag);
        if (s == null) {
            throw new IllegalArgumentException("unknown " + component.program() + " setting: " + flag);
        }
        if (component != Component.ETCD) {
            return new Resolved(s, s.defaultValue(), new Provenance.Default(component.program() + " default"));
        }
        if (flag.equals("initial-cluster")) {
            return derivedInitialCluster();
        }
        if (flag.equals("data-dir")) {
            return new Resolved(s, memberName() + ".etcd",
                    new Provenance.Default("etcd default: <name>.etcd in its working directory"));
        }
        return new Resolved(s, s.defaultValue(), new Provenance.Default("etcd default"));
    }

    /** The etcd member's name ({@code --name}, default {@code default}); null for kube-apiserver. */
    public String memberName() {
        return component == Component.ETCD ? get("name").value() : null;
    }

    /** The effective {@code initial-cluster} entries, in order. */
    public List<ClusterMember> initialCluster() {
        List<ClusterMember> members = new ArrayList<>();
        for (String entry : get("initial-cluster").elements()) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                members.add(new ClusterMember(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim()));
            } else {
                members.add(new ClusterMember(entry, ""));
            }
        }
        return members;
    }

    /** Distinct member names in {@code initial-cluster}. */
    public Set<String> initialClusterNames() {
        Set<String> names = new LinkedHashSet<>();
        initialCluster().forEach(m -> names.add(m.name()));
        return names;
    }

    /**
     * The URLs this member's peer traffic uses, distinct: {@code initial-advertise-peer-urls} (what other
     * members dial) then {@code listen-peer-urls} (what it serves).
     */
    public List<String> peerUrls() {
        Set<String> urls = new LinkedHashSet<>(get("initial-advertise-peer-urls").elements());
        urls.addAll(get("listen-peer-urls").elements());
        return List.copyOf(urls);
    }

    /** This member's own peer URLs as listed in {@code initial-cluster}. */
    public List<String> ownInitialClusterUrls() {
        String name = memberName();
        return initialCluster().stream().filter(m -> m.name().equals(name)).map(ClusterMember::peerUrl).toList();
    }

    /**
     * etcd 3.4: when {@code initial-cluster} is not given but the name is, etcd builds it from the name
     * and {@code initial-advertise-peer-urls}.
     */
    private Resolved derivedInitialCluster() {
        Setting s = EtcdSettings.require("initial-cluster");
        String name = memberName();
        if (name.equals("default")) {
            return new Resolved(s, s.defaultValue(), new Provenance.Default("etcd default"));
        }
        List<String> parts = new ArrayList<>();
        for (String url : get("initial-advertise-peer-urls").elements()) {
            parts.add(name + "=" + url);
        }
        return new Resolved(s, String.join(",", parts),
                new Provenance.Default("derived by etcd from name and initial-advertise-peer-urls"));
    }
}
