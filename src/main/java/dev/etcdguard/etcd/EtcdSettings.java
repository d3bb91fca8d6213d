package dev.etcdguard.etcd;

import dev.etcdguard.etcd.Setting.Kind;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The single catalogue of etcd's settings, etcd 3.4, 3.5 and 3.6 (read in etcd's source at every release tag
 * v3.4.0 to v3.6.14: {@code etcdmain/config.go}, {@code embed/config.go}). It drives flag parsing (which flags
 * exist in which version, which are boolean), the {@code ETCD_*} variable mapping, and the config-file keys with
 * the YAML type etcd reads them into.
 *
 * <p>A row is {@code flag kind default config-key file-type flag-in key-in}:
 * <ul>
 *   <li>{@code default}: {@code -} is an empty default;</li>
 *   <li>{@code config-key}: {@code -} no config-file key, {@code =} the key is the flag name; dotted keys are
 *       nested mappings ({@code peer-transport-security.cert-file});</li>
 *   <li>{@code file-type}: the YAML type of the key ({@link Setting.FileType}): {@code str} (URL lists, {@code cors},
 *       {@code host-whitelist} and {@code initial-cluster} are comma-separated strings), {@code seq} (a sequence of
 *       strings), {@code bool}, {@code int}/{@code uint}/{@code uint32}/{@code int64}/{@code uint64}, {@code dur}
 *       (nanoseconds); {@code str/3.5.15+=seq}: a string, a sequence from 3.5.15 on;</li>
 *   <li>{@code flag-in}, {@code key-in}: the versions that define the flag and the key ({@link Setting.Versions}):
 *       {@code 3.4+} every supported version, {@code 3.5+}, {@code 3.4-3.5}, {@code 3.6}, {@code 3.4.10+} (3.4 from
 *       3.4.10, then 3.5 and 3.6), {@code 3.4.25,3.5.8+} (3.4 from 3.4.25, 3.5 from 3.5.8, 3.6), {@code -} none;
 *       {@code =} in {@code key-in}: the same as the flag.</li>
 * </ul>
 * In 3.6 the {@code experimental-*} flags that got a plain name ({@code --experimental-corrupt-check-time} ->
 * {@code --corrupt-check-time}, ...) are still accepted, with a deprecation warning; 3.6 removed
 * {@code --enable-v2}, {@code --experimental-enable-v2v3} and the proxy flags, 3.5 removed {@code --debug},
 * {@code --log-package-levels}, {@code --log-output} and renamed {@code --experimental-backend-bbolt-freelist-type}.
 */
public final class EtcdSettings {

    private static final String TABLE = """
            # flag                                                 kind     default                       config-key                                              file-type       flag-in       key-in
            name                                                   STRING   default                       =                                                       str             3.4+          =
            data-dir                                               STRING   -                             =                                                       str             3.4+          =
            wal-dir                                                STRING   -                             =                                                       str             3.4+          =
            config-file                                            STRING   -                             -                                                       -               3.4+          -
            snapshot-count                                         NUMBER   100000                        =                                                       uint64          3.4+          =
            heartbeat-interval                                     NUMBER   100                           =                                                       uint            3.4+          =
            election-timeout                                       NUMBER   1000                          =                                                       uint            3.4+          =
            initial-election-tick-advance                          BOOL     true                          =                                                       bool            3.4+          =
            listen-peer-urls                                       URLS     http://localhost:2380         =                                                       str             3.4+          =
            listen-client-urls                                     URLS     http://localhost:2379         =                                                       str             3.4+          =
            listen-client-http-urls                                URLS     -                             =                                                       str             3.4.25,3.5.8+ =
            listen-metrics-urls                                    URLS     -                             =                                                       str             3.4+          =
            max-snapshots                                          NUMBER   5                             =                                                       uint            3.4+          =
            max-wals                                               NUMBER   5                             =                                                       uint            3.4+          =
            quota-backend-bytes                                    NUMBER   0                             =                                                       int64           3.4+          =
            backend-batch-interval                                 DURATION -                             =                                                       dur             3.4+          =
            backend-batch-limit                                    NUMBER   0                             =                                                       int             3.4+          =
            max-txn-ops                                            NUMBER   128                           =                                                       uint            3.4+          =
            max-request-bytes                                      NUMBER   1572864                       =                                                       uint            3.4+          =
            max-concurrent-streams                                 NUMBER   -                             =                                                       uint32          3.4.20,3.5.5+ =
            grpc-keepalive-min-time                                DURATION 5s                            =                                                       dur             3.4+          =
            grpc-keepalive-interval                                DURATION 2h                            =                                                       dur             3.4+          =
            grpc-keepalive-timeout                                 DURATION 20s                           =                                                       dur             3.4+          =
            initial-advertise-peer-urls                            URLS     http://localhost:2380         =                                                       str             3.4+          =
            initial-cluster                                        LIST     default=http://localhost:2380 =                                                       str             3.4+          =
            initial-cluster-state                                  STRING   new                           =                                                       str             3.4+          =
            initial-cluster-token                                  STRING   etcd-cluster                  =                                                       str             3.4+          =
            advertise-client-urls                                  URLS     http://localhost:2379         =                                                       str             3.4+          =
            discovery                                              STRING   -                             =                                                       str             3.4+          =
            discovery-fallback                                     STRING   proxy                         =                                                       str             3.4+          3.4-3.5
            discovery-proxy                                        STRING   -                             =                                                       str             3.4+          =
            discovery-srv                                          STRING   -                             =                                                       str             3.4+          =
            discovery-srv-name                                     STRING   -                             =                                                       str             3.4+          =
            strict-reconfig-check                                  BOOL     true                          =                                                       bool            3.4+          =
            pre-vote                                               BOOL     false                         =                                                       bool            3.4+          =
            auto-compaction-retention                              STRING   0                             =                                                       str             3.4+          =
            auto-compaction-mode                                   STRING   periodic                      =                                                       str             3.4+          =
            enable-v2                                              BOOL     false                         =                                                       bool            3.4-3.5       =
            cert-file                                              STRING   -                             client-transport-security.cert-file                     str             3.4+          =
            key-file                                               STRING   -                             client-transport-security.key-file                      str             3.4+          =
            client-cert-file                                       STRING   -                             client-transport-security.client-cert-file              str             3.5+          =
            client-key-file                                        STRING   -                             client-transport-security.client-key-file               str             3.5+          =
            client-cert-auth                                       BOOL     false                         client-transport-security.client-cert-auth              bool            3.4+          =
            client-crl-file                                        STRING   -                             -                                                       -               3.4+          -
            client-cert-allowed-hostname                           STRING   -                             client-transport-security.allowed-hostname              str/3.5.15+=seq 3.4+          3.5.14+
            trusted-ca-file                                        STRING   -                             client-transport-security.trusted-ca-file               str             3.4+          =
            auto-tls                                               BOOL     false                         client-transport-security.auto-tls                      bool            3.4+          =
            peer-cert-file                                         STRING   -                             peer-transport-security.cert-file                       str             3.4+          =
            peer-key-file                                          STRING   -                             peer-transport-security.key-file                        str             3.4+          =
            peer-client-cert-file                                  STRING   -                             peer-transport-security.client-cert-file                str             3.5+          =
            peer-client-key-file                                   STRING   -                             peer-transport-security.client-key-file                 str             3.5+          =
            peer-client-cert-auth                                  BOOL     false                         peer-transport-security.client-cert-auth                bool            3.4+          =
            peer-trusted-ca-file                                   STRING   -                             peer-transport-security.trusted-ca-file                 str             3.4+          =
            peer-cert-allowed-cn                                   STRING   -                             peer-transport-security.allowed-cn                      str/3.5.15+=seq 3.4+          3.5.14+
            peer-cert-allowed-hostname                             STRING   -                             peer-transport-security.allowed-hostname                str/3.5.15+=seq 3.4+          3.5.14+
            peer-auto-tls                                          BOOL     false                         peer-transport-security.auto-tls                        bool            3.4+          =
            peer-crl-file                                          STRING   -                             -                                                       -               3.4+          -
            self-signed-cert-validity                              NUMBER   1                             =                                                       uint            3.5+          3.5.1+
            cipher-suites                                          LIST     -                             =                                                       seq             3.4+          =
            tls-min-version                                        STRING   -                             =                                                       str             3.4.25,3.5.8+ =
            tls-max-version                                        STRING   -                             =                                                       str             3.4.25,3.5.8+ =
            cors                                                   LIST     *                             =                                                       str             3.4+          =
            host-whitelist                                         LIST     *                             =                                                       str             3.4+          =
            auth-token                                             STRING   simple                        =                                                       str             3.4+          =
            bcrypt-cost                                            NUMBER   10                            =                                                       uint            3.4+          =
            auth-token-ttl                                         NUMBER   300                           =                                                       uint            3.4.10+       =
            enable-pprof                                           BOOL     false                         =                                                       bool            3.4+          =
            metrics                                                STRING   basic                         =                                                       str             3.4+          =
            logger                                                 STRING   capnslog                      =                                                       str             3.4+          =
            log-outputs                                            LIST     default                       =                                                       seq             3.4+          =
            log-output                                             STRING   -                             =                                                       seq             3.4           =
            log-level                                              STRING   info                          =                                                       str             3.4+          =
            log-package-levels                                     STRING   -                             =                                                       str             3.4           =
            debug                                                  BOOL     false                         =                                                       bool            3.4           =
            proxy                                                  STRING   off                           =                                                       str             3.4-3.5       =
            proxy-failure-wait                                     NUMBER   5000                          =                                                       uint            3.4-3.5       =
            proxy-refresh-interval                                 NUMBER   30000                         =                                                       uint            3.4-3.5       =
            proxy-dial-timeout                                     NUMBER   1000                          =                                                       uint            3.4-3.5       =
            proxy-write-timeout                                    NUMBER   5000                          =                                                       uint            3.4-3.5       =
            proxy-read-timeout                                     NUMBER   0                             =                                                       uint            3.4-3.5       =
            force-new-cluster                                      BOOL     false                         =                                                       bool            3.4+          =
            socket-reuse-port                                      BOOL     false                         socket-options.reuse-port                               bool            3.5+          3.5.10+
            socket-reuse-address                                   BOOL     false                         socket-options.reuse-address                            bool            3.5+          3.5.10+
            unsafe-no-fsync                                        BOOL     false                         =                                                       bool            3.4.10+       =
            version                                                BOOL     false                         -                                                       -               3.4+          -
            experimental-initial-corrupt-check                     BOOL     false                         =                                                       bool            3.4+          =
            experimental-corrupt-check-time                        DURATION 0s                            =                                                       dur             3.4+          =
            experimental-enable-v2v3                               STRING   -                             =                                                       str             3.4-3.5       =
            experimental-backend-bbolt-freelist-type               STRING   array                         =                                                       str             3.4           =
            experimental-enable-lease-checkpoint                   BOOL     false                         =                                                       bool            3.4+          =
            experimental-compaction-batch-limit                    NUMBER   1000                          =                                                       int             3.4+          =
            experimental-peer-skip-client-san-verification         BOOL     false                         =                                                       bool            3.4+          3.6
            experimental-watch-progress-notify-interval            DURATION 10m                           =                                                       dur             3.4.11+       =
            experimental-warning-apply-duration                    DURATION 100ms                         =                                                       dur             3.4.16+       =
            experimental-enable-distributed-tracing                BOOL     false                         =                                                       bool            3.5+          =
            # added in 3.4 patch releases, 3.5 and 3.6
            backend-bbolt-freelist-type                            STRING   -                             =                                                       str             3.5+          =
            bootstrap-defrag-threshold-megabytes                   NUMBER   -                             =                                                       uint            3.6           =
            compact-hash-check-time                                DURATION -                             =                                                       dur             3.6           =
            compaction-batch-limit                                 NUMBER   -                             =                                                       int             3.6           =
            compaction-sleep-interval                              DURATION -                             =                                                       dur             3.6           =
            corrupt-check-time                                     DURATION -                             =                                                       dur             3.6           =
            discovery-cacert                                       STRING   -                             discovery-config.client.secure.cacert                   str             3.6           =
            discovery-cert                                         STRING   -                             discovery-config.client.secure.cert                     str             3.6           =
            discovery-dial-timeout                                 DURATION -                             discovery-config.client.dial-timeout                    dur             3.6           =
            discovery-endpoints                                    LIST     -                             discovery-config.client.endpoints                       seq             3.6           =
            discovery-insecure-skip-tls-verify                     BOOL     -                             discovery-config.client.secure.insecure-skip-tls-verify bool            3.6           =
            discovery-insecure-transport                           BOOL     true                          discovery-config.client.secure.insecure-transport       bool            3.6           =
            discovery-keepalive-time                               DURATION -                             discovery-config.client.keepalive-time                  dur             3.6           =
            discovery-keepalive-timeout                            DURATION -                             discovery-config.client.keepalive-timeout               dur             3.6           =
            discovery-key                                          STRING   -                             discovery-config.client.secure.key                      str             3.6           =
            discovery-password                                     STRING   -                             discovery-config.client.auth.password                   str             3.6           =
            discovery-request-timeout                              DURATION -                             discovery-config.client.request-timeout                 dur             3.6           =
            discovery-token                                        STRING   -                             discovery-config.token                                  str             3.6           =
            discovery-user                                         STRING   -                             discovery-config.client.auth.username                   str             3.6           =
            distributed-tracing-address                            STRING   -                             =                                                       str             3.6           =
            distributed-tracing-instance-id                        STRING   -                             =                                                       str             3.6           =
            distributed-tracing-sampling-rate                      NUMBER   -                             =                                                       int             3.6           =
            distributed-tracing-service-name                       STRING   -                             =                                                       str             3.6           =
            downgrade-check-time                                   DURATION -                             =                                                       dur             3.6           =
            enable-distributed-tracing                             BOOL     -                             =                                                       bool            3.6           =
            enable-grpc-gateway                                    BOOL     -                             =                                                       bool            3.4+          =
            enable-log-rotation                                    BOOL     -                             =                                                       bool            3.5+          =
            experimental-bootstrap-defrag-threshold-megabytes      NUMBER   -                             =                                                       uint            3.5+          =
            experimental-compact-hash-check-enabled                BOOL     -                             =                                                       bool            3.5.5+        =
            experimental-compact-hash-check-time                   DURATION -                             =                                                       dur             3.5.5+        =
            experimental-compaction-sleep-interval                 DURATION -                             =                                                       dur             3.5.16+       =
            experimental-distributed-tracing-address               STRING   -                             =                                                       str             3.5+          =
            experimental-distributed-tracing-instance-id           STRING   -                             =                                                       str             3.5+          =
            experimental-distributed-tracing-sampling-rate         NUMBER   -                             =                                                       int             3.5.11+       =
            experimental-distributed-tracing-service-name          STRING   -                             =                                                       str             3.5+          =
            experimental-downgrade-check-time                      DURATION -                             =                                                       dur             3.5+          =
            experimental-enable-lease-checkpoint-persist           BOOL     -                             =                                                       bool            3.4.20,3.5.2+ =
            experimental-memory-mlock                              BOOL     -                             =                                                       bool            3.5+          =
            experimental-snapshot-catchup-entries                  NUMBER   -                             experimental-snapshot-catch-up-entries                  uint64          3.5.14+       =
            experimental-stop-grpc-service-on-defrag               BOOL     -                             =                                                       bool            3.5.14+       =
            experimental-txn-mode-write-with-shared-buffer         BOOL     -                             =                                                       bool            3.5+          =
            experimental-warning-unary-request-duration            DURATION -                             =                                                       dur             3.6           =
            feature-gates                                          STRING   -                             =                                                       str             3.6           =
            log-format                                             STRING   -                             =                                                       str             3.6           =
            log-rotation-config-json                               STRING   -                             =                                                       str             3.5+          =
            max-learners                                           NUMBER   -                             =                                                       int             3.6           =
            memory-mlock                                           BOOL     -                             =                                                       bool            3.6           =
            next-cluster-version-compatible                        BOOL     -                             =                                                       bool            3.4.31        =
            peer-skip-client-san-verification                      BOOL     -                             peer-transport-security.skip-client-san-verification    bool            3.6           =
            raft-read-timeout                                      DURATION -                             -                                                       -               3.5+          -
            raft-write-timeout                                     DURATION -                             -                                                       -               3.5+          -
            snapshot-catchup-entries                               NUMBER   -                             =                                                       uint64          3.6           =
            v2-deprecation                                         STRING   -                             =                                                       str             3.5+          =
            warning-apply-duration                                 DURATION -                             =                                                       dur             3.6           =
            warning-unary-request-duration                         DURATION -                             =                                                       dur             3.6           =
            watch-progress-notify-interval                         DURATION -                             =                                                       dur             3.6           =
            # config-file keys without a flag
            client-transport-security.allowed-cn                   LIST     -                             =                                                       str/3.5.15+=seq -             3.5.14+
            client-transport-security.skip-client-san-verification BOOL     false                         =                                                       bool            -             3.6
            # old flags etcd accepts and ignores (with a warning)
            cluster-active-size                                    IGNORED  -                             -                                                       -               3.4+          -
            cluster-remove-delay                                   IGNORED  -                             -                                                       -               3.4+          -
            cluster-sync-interval                                  IGNORED  -                             -                                                       -               3.4+          -
            config                                                 IGNORED  -                             -                                                       -               3.4+          -
            force                                                  IGNORED  -                             -                                                       -               3.4+          -
            max-result-buffer                                      IGNORED  -                             -                                                       -               3.4+          -
            max-retry-attempts                                     IGNORED  -                             -                                                       -               3.4+          -
            peer-election-timeout                                  IGNORED  -                             -                                                       -               3.4+          -
            peer-heartbeat-interval                                IGNORED  -                             -                                                       -               3.4+          -
            retry-interval                                         IGNORED  -                             -                                                       -               3.4+          -
            snapshot                                               IGNORED  -                             -                                                       -               3.4+          -
            test.coverprofile                                      IGNORED  -                             -                                                       -               3.4+          -
            test.outputdir                                         IGNORED  -                             -                                                       -               3.4+          -
            v                                                      IGNORED  -                             -                                                       -               3.4+          -
            vv                                                     IGNORED  -                             -                                                       -               3.4+          -
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
            if (f.length != 7 || f[0].startsWith("#")) {
                continue;
            }
            String def = f[2].equals("-") ? "" : f[2];
            String key = switch (f[3]) {
                case "-" -> null;
                case "=" -> f[0];
                default -> f[3];
            };
            Setting.Versions flagIn = Setting.Versions.parse(f[5]);
            Setting.Versions keyIn = key == null ? Setting.Versions.NONE
                    : f[6].equals("=") ? flagIn : Setting.Versions.parse(f[6]);
            Setting.FileType type = key == null ? null : Setting.FileType.parse(f[4]);
            map.put(f[0], new Setting(f[0], Kind.valueOf(f[1].toUpperCase(Locale.ROOT)), def, key, type, flagIn, keyIn));
        }
        return Collections.unmodifiableMap(map);
    }
}
