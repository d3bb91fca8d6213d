package dev.etcdguard.etcd;

import dev.etcdguard.etcd.Setting.Kind;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The single catalogue of etcd's settings (etcd 3.4, plus the 3.5 additions). It drives flag parsing
 * (which flags are boolean), the {@code ETCD_*} variable mapping and the config-file key mapping.
 *
 * <p>A row is {@code flag kind default config-key}; {@code -} means "empty default" or "no config-file
 * key"; {@code =} means the config-file key equals the flag name.
 */
public final class EtcdSettings {

    private static final String TABLE = """
            name                        STRING   default                  =
            data-dir                    STRING   -                        =
            wal-dir                     STRING   -                        =
            config-file                 STRING   -                        -
            snapshot-count              NUMBER   100000                   =
            heartbeat-interval          NUMBER   100                      =
            election-timeout            NUMBER   1000                     =
            initial-election-tick-advance BOOL   true                     =
            listen-peer-urls            URLS     http://localhost:2380    =
            listen-client-urls          URLS     http://localhost:2379    =
            listen-client-http-urls     URLS     -                        =
            listen-metrics-urls         URLS     -                        =
            max-snapshots               NUMBER   5                        =
            max-wals                    NUMBER   5                        =
            quota-backend-bytes         NUMBER   0                        =
            backend-batch-interval      DURATION -                        =
            backend-batch-limit         NUMBER   0                        =
            max-txn-ops                 NUMBER   128                      =
            max-request-bytes           NUMBER   1572864                  =
            max-concurrent-streams      NUMBER   -                        =
            grpc-keepalive-min-time     DURATION 5s                       =
            grpc-keepalive-interval     DURATION 2h                       =
            grpc-keepalive-timeout      DURATION 20s                      =
            initial-advertise-peer-urls URLS     http://localhost:2380    =
            initial-cluster             LIST     default=http://localhost:2380 =
            initial-cluster-state       STRING   new                      =
            initial-cluster-token       STRING   etcd-cluster             =
            advertise-client-urls       URLS     http://localhost:2379    =
            discovery                   STRING   -                        =
            discovery-fallback          STRING   proxy                    =
            discovery-proxy             STRING   -                        =
            discovery-srv               STRING   -                        =
            discovery-srv-name          STRING   -                        =
            strict-reconfig-check       BOOL     true                     =
            pre-vote                    BOOL     false                    =
            auto-compaction-retention   STRING   0                        =
            auto-compaction-mode        STRING   periodic                 =
            enable-v2                   BOOL     false                    =
            cert-file                   STRING   -                        client-transport-security.cert-file
            key-file                    STRING   -                        client-transport-security.key-file
            client-cert-file            STRING   -                        client-transport-security.client-cert-file
            client-key-file             STRING   -                        client-transport-security.client-key-file
            client-cert-auth            BOOL     false                    client-transport-security.client-cert-auth
            client-crl-file             STRING   -                        -
            client-cert-allowed-hostname STRING  -                        -
            trusted-ca-file             STRING   -                        client-transport-security.trusted-ca-file
            auto-tls                    BOOL     false                    client-transport-security.auto-tls
            peer-cert-file              STRING   -                        peer-transport-security.cert-file
            peer-key-file               STRING   -                        peer-transport-security.key-file
            peer-client-cert-file       STRING   -                        peer-transport-security.client-cert-file
            peer-client-key-file        STRING   -                        peer-transport-security.client-key-file
            peer-client-cert-auth       BOOL     false                    peer-transport-security.client-cert-auth
            peer-trusted-ca-file        STRING   -                        peer-transport-security.trusted-ca-file
            peer-cert-allowed-cn        STRING   -                        peer-transport-security.allowed-cn
            peer-cert-allowed-hostname  STRING   -                        peer-transport-security.allowed-hostname
            peer-auto-tls               BOOL     false                    peer-transport-security.auto-tls
            peer-crl-file               STRING   -                        -
            self-signed-cert-validity   NUMBER   1                        =
            cipher-suites               LIST     -                        =
            tls-min-version             STRING   -                        =
            tls-max-version             STRING   -                        =
            cors                        LIST     *                        =
            host-whitelist              LIST     *                        =
            auth-token                  STRING   simple                   =
            bcrypt-cost                 NUMBER   10                       =
            auth-token-ttl              NUMBER   300                      =
            enable-pprof                BOOL     false                    =
            metrics                     STRING   basic                    =
            logger                      STRING   capnslog                 =
            log-outputs                 LIST     default                  =
            log-output                  STRING   -                        -
            log-level                   STRING   info                     =
            log-package-levels          STRING   -                        =
            debug                       BOOL     false                    =
            proxy                       STRING   off                      =
            proxy-failure-wait          NUMBER   5000                     =
            proxy-refresh-interval      NUMBER   30000                    =
            proxy-dial-timeout          NUMBER   1000                     =
            proxy-write-timeout         NUMBER   5000                     =
            proxy-read-timeout          NUMBER   0                        =
            force-new-cluster           BOOL     false                    =
            socket-reuse-port           BOOL     false                    socket-options.reuse-port
            socket-reuse-address        BOOL     false                    socket-options.reuse-address
            unsafe-no-fsync             BOOL     false                    =
            version                     BOOL     false                    -
            experimental-initial-corrupt-check BOOL false                 =
            experimental-corrupt-check-time DURATION 0s                   =
            experimental-enable-v2v3    STRING   -                        =
            experimental-backend-bbolt-freelist-type STRING array         =
            experimental-enable-lease-checkpoint BOOL false               =
            experimental-compaction-batch-limit NUMBER 1000               =
            experimental-peer-skip-client-san-verification BOOL false     =
            experimental-watch-progress-notify-interval DURATION 10m      =
            experimental-warning-apply-duration DURATION 100ms            =
            experimental-enable-distributed-tracing BOOL false            =
            """;

    private static final Map<String, Setting> BY_FLAG = parse();

    private EtcdSettings() {}

    /** The setting for a flag name (without dashes), or null when etcd does not know the flag. */
    public static Setting byFlag(String flag) {
        return BY_FLAG.get(flag);
    }

    /** The setting, which must exist in the catalogue. */
    public static Setting require(String flag) {
        Setting s = BY_FLAG.get(flag);
        if (s == null) {
            throw new IllegalArgumentException("unknown etcd setting: " + flag);
        }
        return s;
    }

    public static Collection<Setting> all() {
        return Collections.unmodifiableCollection(BY_FLAG.values());
    }

    private static Map<String, Setting> parse() {
        Map<String, Setting> map = new LinkedHashMap<>();
        for (String line : TABLE.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4) {
                continue;
            }
            String def = f[2].equals("-") ? "" : f[2];
            String key = switch (f[3]) {
                case "-" -> null;
                case "=" -> f[0];
                default -> f[3];
            };
            map.put(f[0], new Setting(f[0], Kind.valueOf(f[1].toUpperCase(Locale.ROOT)), def, key));
        }
        return Collections.unmodifiableMap(map);
    }
}
