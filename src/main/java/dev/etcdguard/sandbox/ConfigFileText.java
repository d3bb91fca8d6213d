package dev.etcdguard.sandbox;

import java.util.Map;
import java.util.Set;

/** Renders {@link MemberSettings} as an etcd 3.4 YAML config file. */
final class ConfigFileText {

    private static final Set<String> BOOLEAN_KEYS = Set.of("client-cert-auth", "auto-tls");

    private ConfigFileText() {
    }

    static String render(MemberSettings settings) {
        StringBuilder yaml = new StringBuilder("# written by etcdguard sandbox\n");
        settings.general().forEach((key, value) -> yaml.append(key).append(": ").append(scalar(key, value)).append('\n'));
        if (!settings.peerSecurity().isEmpty()) {
            yaml.append("peer-transport-security:\n");
            for (Map.Entry<String, String> entry : settings.peerSecurity().entrySet()) {
                yaml.append("  ").append(entry.getKey()).append(": ").append(scalar(entry.getKey(), entry.getValue()))
                        .append('\n');
            }
        }
        return yaml.toString();
    }

    private static String scalar(String key, String value) {
        if (BOOLEAN_KEYS.contains(key)) {
            return value;
        }
        return "'" + value.replace("'", "''") + "'";
    }
}
