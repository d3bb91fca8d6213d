package dev.etcdguard.etcd;

import dev.etcdguard.etcd.Invocation.EnvVar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an {@link Invocation} into its {@link EffectiveConfig}, following etcd's own precedence (or
 * kube-apiserver's flag parsing).
 */
public final class ConfigResolver {

    /** Config files larger than this are not read (etcd's are a few kilobytes). */
    static final long MAX_CONFIG_FILE_BYTES = 1024 * 1024;

    private ConfigResolver() {}

    /**
     * Resolves the configuration, as the etcd version the invocation shows ({@link Invocation#version()}) reads it;
     * with the version unknown, as any supported version (3.4, 3.5, 3.6) may. Evidence that cannot be read (an unreadable config file) is added to
     * {@code problems}; the returned configuration is then incomplete.
     */
    public static EffectiveConfig resolve(Invocation invocation, List<String> problems) {
        if (invocation.component() == Component.KUBE_APISERVER) {
            GoFlagParser.Result flags = PflagParser.parse(invocation.argv());
            Map<String, Resolved> values = new LinkedHashMap<>();
            flags.flags().forEach((name, o) -> values.put(name,
                    new Resolved(o.setting(), o.value(), new Provenance.Flag(o.argument(), o.location()))));
            return new EffectiveConfig(Component.KUBE_APISERVER, EffectiveConfig.Mode.FLAGS_AND_ENV, null, values,
                    flags.issues());
        }
        String version = invocation.version();
        GoFlagParser.Result flags = GoFlagParser.parse(invocation.argv(), version);
        List<ConfigIssue> issues = new ArrayList<>(flags.issues());
        Map<String, EnvVar> env = etcdEnv(invocation.env());

        Resolved configFile = configFile(flags, env);
        if (configFile != null) {
            Map<String, Resolved> values = new LinkedHashMap<>();
            readConfigFile(invocation, configFile, values, issues, problems);
            flags.flags().values().stream()
                    .filter(o -> !o.setting().flag().equals("config-file"))
                    .forEach(o -> issues.add(ConfigIssue.ignored(o.setting().flag(),
                            o.argument() + " is ignored: etcd takes every setting from the config file", o.location())));
            env.values().stream()
                    .filter(e -> !e.name().equals("ETCD_CONFIG_FILE"))
                    .forEach(e -> issues.add(ConfigIssue.ignored(flagOf(e.name()),
                            e.name() + " is ignored: etcd takes every setting from the config file", e.location())));
            return new EffectiveConfig(Component.ETCD, EffectiveConfig.Mode.CONFIG_FILE, configFile, values, issues);
        }

        Map<String, Resolved> values = new LinkedHashMap<>();
        flags.flags().forEach((name, o) ->
                values.put(name, new Resolved(o.setting(), o.value(), new Provenance.Flag(o.argument(), o.location()))));
        for (EnvVar var : env.values()) {
            String flag = flagOf(var.name());
            Setting setting = EtcdSettings.byFlag(flag);
            if (setting == null || !setting.isFlag() || !setting.envVar().equals(var.name())) {
                issues.add(ConfigIssue.ignored(null, "unrecognized environment variable " + var.name(), var.location()));
                continue;
            }
            if (!setting.existsIn(version)) {
                issues.add(ConfigIssue.ignored(flag, "unrecognized environment variable " + var.name() + ": --" + flag
                        + " exists in etcd " + setting.flagVersions().describe() + ", not in " + version, var.location()));
                continue;
            }
            if (setting.kind() == Setting.Kind.IGNORED) {
                issues.add(ConfigIssue.ignored(flag, var.name() + " is ignored: etcd no longer supports -" + flag,
                        var.location()));
                continue;
            }
            if (values.containsKey(flag)) {
                issues.add(ConfigIssue.fatal(flag, "conflicting environment variable " + var.name()
                        + " is shadowed by the command-line flag --" + flag, var.location()));
                continue;
            }
            String value = var.value();
            if (setting.isBool()) {
                value = GoBool.parse(value);
                if (value == null) {
                    issues.add(ConfigIssue.fatal(flag, "invalid boolean value \"" + var.value() + "\" in " + var.name(),
                            var.location()));
                    continue;
                }
            }
            values.put(flag, new Resolved(setting, value, new Provenance.Env(var.name(), var.location())));
        }
        return new EffectiveConfig(Component.ETCD, EffectiveConfig.Mode.FLAGS_AND_ENV, null, values, issues);
    }

    /** {@code --config-file} wins; {@code ETCD_CONFIG_FILE} is read only when the flag is absent or empty. */
    private static Resolved configFile(GoFlagParser.Result flags, Map<String, EnvVar> env) {
        Setting setting = EtcdSettings.require("config-file");
        GoFlagParser.Occurrence flag = flags.flags().get("config-file");
        if (flag != null && !flag.value().isEmpty()) {
            return new Resolved(setting, flag.value(), new Provenance.Flag(flag.argument(), flag.location()));
        }
        EnvVar var = env.get("ETCD_CONFIG_FILE");
        if (var != null && !var.value().isEmpty()) {
            return new Resolved(setting, var.value(), new Provenance.Env(var.name(), var.location()));
        }
        return null;
    }

    private static void readConfigFile(Invocation invocation, Resolved configFile, Map<String, Resolved> values,
                                       List<ConfigIssue> issues, List<String> problems) {
        String name = configFile.value();
        byte[] bytes;
        Location origin = null;
        switch (invocation.files().lookup(name)) {
            case FileView.Lookup.OnDisk disk -> {
                try {
                    if (Files.size(disk.path()) > MAX_CONFIG_FILE_BYTES) {
                        problems.add("config file " + name + " is larger than 1 MiB; not read");
                        return;
                    }
                    bytes = Files.readAllBytes(disk.path());
                } catch (IOException e) {
                    problems.add("cannot read config file " + name + ": " + IoErrors.reason(e));
                    return;
                }
            }
            case FileView.Lookup.Content content -> {
                bytes = content.bytes();
                origin = content.origin();
            }
            case FileView.Lookup.Elsewhere elsewhere -> {
                problems.add("config file " + name + " replaces every flag and ETCD_* variable, but it cannot be read: "
                        + elsewhere.reason());
                return;
            }
        }
        try {
            ConfigFileReader.Parsed parsed = ConfigFileReader.parse(name, new String(bytes, StandardCharsets.UTF_8), origin,
                    invocation.version());
            values.putAll(parsed.values());
            issues.addAll(parsed.issues());
        } catch (IllegalArgumentException e) {
            problems.add("config file " + name + " is " + e.getMessage());
        }
    }

    /** {@code ETCD_PEER_CERT_FILE -> peer-cert-file}. */
    private static String flagOf(String envVar) {
        return envVar.substring("ETCD_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The ETCD_* variables, first occurrence winning as in Go's os.Getenv. */
    private static Map<String, EnvVar> etcdEnv(List<EnvVar> env) {
        Map<String, EnvVar> out = new LinkedHashMap<>();
        if (env != null) {
            for (EnvVar var : env) {
                if (var.name().startsWith("ETCD_")) {
                    out.putIfAbsent(var.name(), var);
                }
            }
        }
        return out;
    }
}
