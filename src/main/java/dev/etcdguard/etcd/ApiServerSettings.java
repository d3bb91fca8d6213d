package dev.etcdguard.etcd;

import dev.etcdguard.etcd.Setting.Kind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The kube-apiserver flags etcdguard reads (those about etcd, certificates and encryption at rest), with
 * kube-apiserver's defaults ({@code -}: empty). kube-apiserver has some two hundred flags; the others are
 * parsed (so their values are not taken for flags) but not kept.
 */
public final class ApiServerSettings {

    private static final String TABLE = """
            etcd-servers                                LIST     -
            etcd-certfile                               STRING   -
            etcd-keyfile                                STRING   -
            etcd-cafile                                 STRING   -
            etcd-prefix                                 STRING   /registry
            encryption-provider-config                  STRING   -
            encryption-provider-config-automatic-reload BOOL     false
            client-ca-file                              STRING   -
            tls-cert-file                               STRING   -
            tls-private-key-file                        STRING   -
            """;

    private static final Map<String, Setting> BY_FLAG = parse();

    private ApiServerSettings() {}

    /** The setting for a flag name (without dashes), or null when etcdguard does not read it. */
    public static Setting byFlag(String flag) {
        return BY_FLAG.get(flag);
    }

    private static Map<String, Setting> parse() {
        Map<String, Setting> map = new LinkedHashMap<>();
        for (String line : TABLE.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                map.put(f[0], new Setting(f[0], Kind.valueOf(f[1].toUpperCase(Locale.ROOT)),
                        f[2].equals("-") ? "" : f[2], null));
            }
        }
        return Collections.unmodifiableMap(map);
    }
}
