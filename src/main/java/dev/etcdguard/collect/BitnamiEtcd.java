package dev.etcdguard.collect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How Bitnami's etcd image starts etcd, as its scripts do (verified in bitnami/containers,
 * {@code bitnami/etcd/3.5/debian-12}: {@code Dockerfile}, {@code rootfs/opt/bitnami/scripts/etcd/entrypoint.sh},
 * {@code etcd/run.sh}, {@code etcd-env.sh}, {@code libetcd.sh}).
 *
 * <ul>
 *   <li>{@code ENTRYPOINT ["/opt/bitnami/scripts/etcd/entrypoint.sh"]}, {@code CMD ["/opt/bitnami/scripts/etcd/run.sh"]}:
 *       a pod's {@code args} replace the CMD, and the entrypoint ends in {@code exec "$@"}, so args[0] is the
 *       program it runs (the setup step runs only when it is run.sh).</li>
 *   <li>run.sh sources etcd-env.sh, unsets ETCD_ROOT_PASSWORD and execs
 *       {@code etcd [--config-file /opt/bitnami/etcd/conf/etcd.yaml] "$@"} (the option when that file exists):
 *       etcd reads its settings from its own ETCD_* variables.</li>
 *   <li>etcd-env.sh defaults some of etcd's variables when unset or empty, and always sets ETCD_DATA_DIR.</li>
 *   <li>Some ETCD_* variables are the scripts' own (etcd only logs them as unrecognized).</li>
 * </ul>
 */
final class BitnamiEtcd {

    static final String ENTRYPOINT = "/opt/bitnami/scripts/etcd/entrypoint.sh";
    static final String RUN = "/opt/bitnami/scripts/etcd/run.sh";
    static final String CONF_DIR = "/opt/bitnami/etcd/conf";
    static final String CONF_FILE = CONF_DIR + "/etcd.yaml";
    /** The image's {@code USER}. */
    static final int IMAGE_UID = 1001;

    /** Variables the image's scripts read themselves (etcd-env.sh, libetcd.sh), not etcd's settings. */
    static final Set<String> SCRIPT_VARIABLES = Set.of(
            "ETCD_ROOT_PASSWORD", "ETCD_ON_K8S", "ETCD_CLUSTER_DOMAIN", "ETCD_START_FROM_SNAPSHOT",
            "ETCD_DISASTER_RECOVERY", "ETCD_INIT_SNAPSHOT_FILENAME", "ETCD_INIT_SNAPSHOTS_DIR", "ETCD_SNAPSHOTS_DIR",
            "ETCD_SNAPSHOT_HISTORY_LIMIT", "ETCD_BASE_DIR", "ETCD_VOLUME_DIR", "ETCD_BIN_DIR", "ETCD_CONF_DIR",
            "ETCD_DEFAULT_CONF_DIR", "ETCD_TMP_DIR", "ETCD_CONF_FILE", "ETCD_NEW_MEMBERS_ENV_FILE", "ETCD_DAEMON_USER",
            "ETCD_DAEMON_GROUP", "ETCD_ACTIVE_ENDPOINTS");

    /** etcd-env.sh: {@code VAR_FILE} names a file whose content becomes VAR, for these variables. */
    static final Set<String> FILE_VARIABLES = Set.of(
            "ETCD_SNAPSHOTS_DIR", "ETCD_SNAPSHOT_HISTORY_LIMIT", "ETCD_INIT_SNAPSHOTS_DIR", "ETCD_ROOT_PASSWORD",
            "ETCD_CLUSTER_DOMAIN", "ETCD_START_FROM_SNAPSHOT", "ETCD_DISASTER_RECOVERY", "ETCD_ON_K8S",
            "ETCD_INIT_SNAPSHOT_FILENAME", "ETCD_NAME", "ETCD_LOG_LEVEL", "ETCD_LISTEN_CLIENT_URLS",
            "ETCD_ADVERTISE_CLIENT_URLS", "ETCD_INITIAL_CLUSTER", "ETCD_INITIAL_CLUSTER_STATE", "ETCD_LISTEN_PEER_URLS",
            "ETCD_INITIAL_ADVERTISE_PEER_URLS", "ETCD_INITIAL_CLUSTER_TOKEN", "ETCD_AUTO_TLS", "ETCD_CERT_FILE",
            "ETCD_KEY_FILE", "ETCD_TRUSTED_CA_FILE", "ETCD_CLIENT_CERT_AUTH", "ETCD_PEER_AUTO_TLS");

    /** etcd-env.sh's {@code export VAR="${VAR:-default}"} for etcd's own variables with a non-empty default. */
    static final Map<String, String> DEFAULTS = defaults();

    /** etcd-env.sh's unconditional {@code export}: the container's value is overwritten. */
    static final Map<String, String> FORCED = Map.of("ETCD_DATA_DIR", "/bitnami/etcd/data");

    /** The prefix of variables libetcd.sh writes into the config file (etcd_setup_from_environment_variables). */
    static final String CONFIG_VARIABLE_PREFIX = "ETCD_CFG_";

    private BitnamiEtcd() {}

    private static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ETCD_LOG_LEVEL", "info");
        m.put("ETCD_LISTEN_CLIENT_URLS", "http://0.0.0.0:2379");
        m.put("ETCD_ADVERTISE_CLIENT_URLS", "http://127.0.0.1:2379");
        m.put("ETCD_AUTO_TLS", "false");
        m.put("ETCD_CLIENT_CERT_AUTH", "false");
        m.put("ETCD_PEER_AUTO_TLS", "false");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Whether {@code name} is one of the scripts' own variables (or a {@code _FILE} form of one). */
    static boolean scriptVariable(String name) {
        return SCRIPT_VARIABLES.contains(name)
                || (name.endsWith("_FILE") && FILE_VARIABLES.contains(name.substring(0, name.length() - 5)));
    }

    /** The variable a {@code _FILE} variable fills from a file, or null. */
    static String filledFromFile(String name) {
        return name.endsWith("_FILE") && FILE_VARIABLES.contains(name.substring(0, name.length() - 5))
                ? name.substring(0, name.length() - 5) : null;
    }

    static List<String> defaultNames() {
        return List.copyOf(DEFAULTS.keySet());
    }
}
