package dev.etcdguard.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.etcd.Setting.FileType.Yaml;
import dev.etcdguard.etcd.Setting.Version;
import dev.etcdguard.etcd.Setting.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The catalogue's versions and config-file types, as read in etcd's source at the release tags. */
class EtcdSettingsTest {

    @ParameterizedTest
    @CsvSource({
            // flag, version, exists
            "socket-reuse-port, 3.4.23, false",
            "socket-reuse-port, 3.5.0, true",
            "listen-client-http-urls, 3.4.23, false",
            "listen-client-http-urls, 3.4.25, true",
            "listen-client-http-urls, 3.5.7, false",
            "listen-client-http-urls, v3.5.8, true",
            "listen-client-http-urls, 3.6.0, true",
            "experimental-distributed-tracing-address, 3.4.23, false",
            "experimental-distributed-tracing-address, 3.5.9-0, true",
            "experimental-distributed-tracing-address, 3.6.5, true",
            "distributed-tracing-address, 3.5.17, false",
            "distributed-tracing-address, 3.6.0, true",
            "experimental-corrupt-check-time, v3.6.0, true",
            "enable-v2, 3.5.17, true",
            "enable-v2, 3.6.0, false",
            "log-package-levels, 3.4.23, true",
            "log-package-levels, 3.5.0, false",
            "experimental-backend-bbolt-freelist-type, 3.5.0, false",
            "backend-bbolt-freelist-type, 3.4.23, false",
            "feature-gates, 3.6.1, true",
            "feature-gates, 3.5.21, false",
            "auth-token-ttl, 3.4.9, false",
            "auth-token-ttl, 3.4.10, true",
            // only the minor line known: defined in some patch release of it
            "listen-client-http-urls, 3.4, true",
            "enable-v2, 3.6, false",
            // unknown or unsupported version: any supported version counts
            "feature-gates, latest, true",
            "enable-v2, 3.7.0, true",
    })
    void flagVersions(String flag, String version, boolean exists) {
        assertThat(EtcdSettings.require(flag).existsIn(version)).isEqualTo(exists);
    }

    @Test
    void withoutAVersionOnlyFlagsNoVersionDefinesAreUnknown() {
        assertThat(EtcdSettings.require("socket-reuse-port").existsIn(null)).isTrue();
        assertThat(EtcdSettings.byFlag("peer-cert")).isNull();
        // a config-file key without a flag is in the catalogue, but it is no flag
        Setting keyOnly = EtcdSettings.require("client-transport-security.allowed-cn");
        assertThat(keyOnly.isFlag()).isFalse();
        assertThat(keyOnly.existsIn(null)).isFalse();
        assertThat(keyOnly.keyExistsIn("3.5.14")).isTrue();
    }

    @Test
    void configKeysHaveTheirOwnVersions() {
        Setting allowedCn = EtcdSettings.require("peer-cert-allowed-cn");
        assertThat(allowedCn.configKey()).isEqualTo("peer-transport-security.allowed-cn");
        assertThat(allowedCn.existsIn("3.4.23")).isTrue();
        assertThat(allowedCn.keyExistsIn("3.4.23")).isFalse();
        assertThat(allowedCn.keyExistsIn("3.5.13")).isFalse();
        assertThat(allowedCn.keyExistsIn("3.5.14")).isTrue();
        assertThat(allowedCn.fileType().in("3.5.14")).containsExactly(Yaml.STR);
        assertThat(allowedCn.fileType().in("3.5.15")).containsExactly(Yaml.SEQ);
        assertThat(allowedCn.fileType().in("3.6.0")).containsExactly(Yaml.SEQ);
        assertThat(allowedCn.fileType().in(null)).containsExactlyInAnyOrder(Yaml.STR, Yaml.SEQ);
        Setting clientCert = EtcdSettings.require("peer-client-cert-file");
        assertThat(clientCert.keyExistsIn("3.4.23")).isFalse();
        assertThat(clientCert.keyExistsIn("3.5.0")).isTrue();
        assertThat(EtcdSettings.require("socket-reuse-port").configKey()).isEqualTo("socket-options.reuse-port");
        assertThat(EtcdSettings.require("socket-reuse-port").keyExistsIn("3.5.9")).isFalse();
        assertThat(EtcdSettings.require("socket-reuse-port").keyExistsIn("3.5.10")).isTrue();
        assertThat(EtcdSettings.require("experimental-snapshot-catchup-entries").configKey())
                .isEqualTo("experimental-snapshot-catch-up-entries");
        assertThat(EtcdSettings.require("client-crl-file").configKey()).isNull();
        assertThat(EtcdSettings.require("discovery-fallback").keyExistsIn("3.6.0")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "log-outputs, SEQ", "cipher-suites, SEQ", "cors, STR", "host-whitelist, STR", "listen-peer-urls, STR",
            "initial-cluster, STR", "snapshot-count, UINT64", "quota-backend-bytes, INT64", "max-concurrent-streams, UINT32",
            "peer-client-cert-auth, BOOL", "grpc-keepalive-timeout, DUR", "auto-compaction-retention, STR",
    })
    void configFileTypes(String flag, Yaml type) {
        assertThat(EtcdSettings.require(flag).fileType().in("3.5.17")).containsExactly(type);
    }

    @Test
    void ignoredOldFlagsAreAcceptedLikeBooleans() {
        Setting snapshot = EtcdSettings.require("snapshot");
        assertThat(snapshot.kind()).isEqualTo(Setting.Kind.IGNORED);
        assertThat(snapshot.isBool()).isTrue();
        assertThat(snapshot.configKey()).isNull();
    }

    @Test
    void everyRowIsConsistent() {
        for (Setting s : EtcdSettings.all()) {
            assertThat(s.isFlag() || s.configKey() != null).as(s.flag()).isTrue();
            assertThat(s.configKey() == null).as(s.flag()).isEqualTo(s.fileType() == null);
            if (s.configKey() != null) {
                assertThat(s.keyVersions().isNone()).as(s.flag()).isFalse();
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "3.4+            | 3.4+",
            "3.5+            | 3.5+",
            "3.4-3.5         | 3.4, 3.5",
            "3.6             | 3.6",
            "3.4.10+         | 3.4 from 3.4.10, 3.5+",
            "3.4.25,3.5.8+   | 3.4 from 3.4.25, 3.5 from 3.5.8, 3.6",
            "3.4.31          | 3.4 from 3.4.31",
            "-               | no etcd version",
    })
    void versionNotation(String spec, String described) {
        assertThat(Versions.parse(spec).describe()).isEqualTo(described);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "3.5.9, 3.5.9", "v3.6.0, 3.6.0", "3.5.9-0, 3.5.9", "3.5.9@sha256:0a1b, 3.5.9", "v3.6.0-rc.1, 3.6.0", "3.5.12-debian-12-r3, 3.5.12", "3.5, 3.5",
            "latest, null", "sha256:abc, null",
    })
    void versionsAsSourcesShowThem(String text, String parsed) {
        Version v = Version.parse(text);
        assertThat(v == null ? null : v.toString()).isEqualTo(parsed);
    }
}
