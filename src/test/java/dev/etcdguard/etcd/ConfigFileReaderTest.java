package dev.etcdguard.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Config-file values as etcd reads them (sigs.k8s.io/yaml into typed fields). The refusals asserted here were
 * seen on etcd 3.4.23 (see ConfigFileTypesIT, which checks them against the real binary).
 */
class ConfigFileReaderTest {

    private static ConfigFileReader.Parsed parse(String yaml, String version) {
        return ConfigFileReader.parse("/etc/etcd.yml", yaml, null, version);
    }

    private static List<ConfigIssue> fatal(ConfigFileReader.Parsed p) {
        return p.issues().stream().filter(ConfigIssue::fatal).toList();
    }

    @Test
    void sequencesWhereEtcdTakesSequencesJoinedByCommas() {
        var p = parse("""
                log-outputs: [stderr, /var/log/etcd.log]
                cipher-suites:
                  - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
                  - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
                """, "3.4.23");
        assertThat(p.issues()).isEmpty();
        assertThat(p.values().get("log-outputs").value()).isEqualTo("stderr,/var/log/etcd.log");
        assertThat(p.values().get("log-outputs").elements()).containsExactly("stderr", "/var/log/etcd.log");
        assertThat(p.values().get("cipher-suites").elements()).hasSize(2);
        assertThat(p.values().get("cipher-suites").provenance().location().line()).isEqualTo(3);
    }

    @Test
    void aStringWhereEtcdWantsASequenceIsRefusedWithKeyTypeAndLocation() {
        var p = parse("name: m1\nlog-outputs: stderr\n", null);
        assertThat(p.values()).doesNotContainKey("log-outputs");
        assertThat(fatal(p)).singleElement().satisfies(i -> {
            assertThat(i.setting()).isEqualTo("log-outputs");
            assertThat(i.message()).contains("log-outputs must be a YAML sequence", "not a string", "etcd refuses");
            assertThat(i.location().line()).isEqualTo(2);
            assertThat(i.location().column()).isEqualTo(14);
        });
    }

    @Test
    void aSequenceWhereEtcdWantsACommaSeparatedStringIsRefused() {
        var p = parse("cors: [a]\nlisten-peer-urls:\n  - https://10.0.0.1:2380\n", null);
        assertThat(fatal(p)).extracting(ConfigIssue::setting).containsExactly("cors", "listen-peer-urls");
        assertThat(fatal(p).get(1).message()).contains("a comma-separated string", "not a sequence");
        var ok = parse("listen-peer-urls: https://10.0.0.1:2380,https://10.0.0.2:2380\n", null);
        assertThat(ok.issues()).isEmpty();
        assertThat(ok.values().get("listen-peer-urls").elements()).hasSize(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // yaml | accepted value, or "refused: <words>"
            "snapshot-count: 100                      | 100",
            "snapshot-count: 1e3                      | 1000",
            "snapshot-count: 0x10                     | 16",
            "snapshot-count: 1_000                    | 1000",
            "snapshot-count: \"100\"                  | refused: a non-negative integer, not a string",
            "snapshot-count: 1.5                      | refused: not a number (1.5)",
            "snapshot-count: -1                       | refused: not a number (-1)",
            "quota-backend-bytes: -1                  | -1",
            "max-concurrent-streams: 4294967296       | refused: not a number",
            "name: 123                                | refused: a string (quote numbers and booleans), not a number (123)",
            "name: \"123\"                            | 123",
            "initial-cluster-token: yes               | refused: not a boolean (true)",
            "auto-compaction-retention: 1             | refused: not a number (1)",
            "auto-compaction-retention: 1h            | 1h",
            "enable-v2: yes                           | true",
            "enable-v2: Off                           | false",
            "enable-v2: 1                             | refused: true or false, not a number (1)",
            "enable-v2: \"true\"                      | refused: true or false, not a string",
            "backend-batch-interval: 10000000         | 10ms",
            "grpc-keepalive-timeout: 20000000000      | 20s",
            "grpc-keepalive-interval: 7200000000000   | 2h",
            "backend-batch-interval: 10ms             | refused: an integer number of nanoseconds",
            "peer-transport-security: {client-cert-auth: \"true\"} | refused: true or false, not a string",
            "peer-transport-security: {cert-file: 123}             | refused: not a number (123)",
            "peer-transport-security: /p.crt          | refused: must be a mapping, not a string",
            "log-outputs: [stderr, 1]                 | refused: not a sequence holding a number (1)",
    })
    void typedValues(String yaml, String expected) {
        var p = parse(yaml + "\n", "3.4.23");
        if (expected.startsWith("refused: ")) {
            assertThat(fatal(p)).singleElement().satisfies(i -> assertThat(i.message())
                    .contains(expected.substring("refused: ".length())).contains("etcd refuses the config file"));
            assertThat(p.values()).isEmpty();
        } else {
            assertThat(p.issues()).isEmpty();
            assertThat(p.values().values()).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(expected));
        }
    }

    @Test
    void nullLeavesTheDefault() {
        var p = parse("name:\nlog-outputs: ~\npeer-transport-security:\n", null);
        assertThat(p.values()).isEmpty();
        assertThat(p.issues()).isEmpty();
        assertThat(parse("peer-transport-security:\n", "3.5.17").issues()).isEmpty();
        // 3.6 re-reads the file into a map and wants a mapping there
        assertThat(fatal(parse("peer-transport-security:\n", "3.6.2"))).singleElement()
                .satisfies(i -> assertThat(i.message()).contains("invalid peer-transport-security"));
    }

    @Test
    void keysOfOtherVersionsAreIgnoredByTheKnownVersion() {
        String yaml = """
                peer-transport-security:
                  cert-file: /p.crt
                  client-cert-file: /pc.crt
                  allowed-cn: [etcd-peer]
                socket-options:
                  reuse-port: true
                """;
        var v34 = parse(yaml, "3.4.23");
        assertThat(v34.values()).containsOnlyKeys("peer-cert-file");
        assertThat(v34.issues()).noneMatch(ConfigIssue::fatal);
        assertThat(v34.issues()).extracting(ConfigIssue::message).containsExactly(
                "key 'peer-transport-security.client-cert-file' is ignored by etcd 3.4.23: it exists in etcd 3.5+",
                "key 'peer-transport-security.allowed-cn' is ignored by etcd 3.4.23: it exists in etcd 3.5 from 3.5.14, 3.6",
                "key 'socket-options' is ignored by etcd 3.4.23: it exists in etcd 3.5 from 3.5.10, 3.6");
        var v36 = parse(yaml, "v3.6.0");
        assertThat(v36.issues()).isEmpty();
        assertThat(v36.values().get("peer-cert-allowed-cn").value()).isEqualTo("etcd-peer");
        assertThat(v36.values().get("socket-reuse-port").isTrue()).isTrue();
        var unknown = parse(yaml, null);
        assertThat(unknown.issues()).isEmpty();
        assertThat(unknown.values()).containsOnlyKeys("peer-cert-file", "peer-client-cert-file", "peer-cert-allowed-cn",
                "socket-reuse-port");
    }

    @Test
    void allowedCnWasAStringIn3514() {
        String seq = "peer-transport-security:\n  allowed-cn: [a]\n";
        String str = "peer-transport-security:\n  allowed-cn: a\n";
        assertThat(fatal(parse(seq, "3.5.14"))).singleElement().satisfies(i -> assertThat(i.message()).contains("not a sequence"));
        assertThat(parse(str, "3.5.14").issues()).isEmpty();
        assertThat(fatal(parse(str, "3.5.15"))).singleElement().satisfies(i -> assertThat(i.message()).contains("not a string"));
        assertThat(parse(seq, "3.5.15").issues()).isEmpty();
        assertThat(parse(seq, null).issues()).isEmpty();
        assertThat(parse(str, null).issues()).isEmpty();
    }

    @Test
    void threeSixDiscoveryConfigIsNested() {
        var p = parse("""
                discovery-config:
                  token: t1
                  client:
                    endpoints: [https://10.0.0.9:2379]
                    max-recv-bytes: 100
                    secure: {cert: /d.crt, insecure-transport: false}
                """, "3.6.0");
        assertThat(p.issues()).isEmpty();
        assertThat(p.values().get("discovery-token").value()).isEqualTo("t1");
        assertThat(p.values().get("discovery-endpoints").value()).isEqualTo("https://10.0.0.9:2379");
        assertThat(p.values().get("discovery-cert").value()).isEqualTo("/d.crt");
        assertThat(p.values().get("discovery-insecure-transport").isTrue()).isFalse();
    }

    @Test
    void unknownAndMisplacedKeysStayIgnored() {
        var p = parse("peer-cert-file: /x\nno-such-key: 1\nclient-crl-file: /crl\n", null);
        assertThat(p.issues()).noneMatch(ConfigIssue::fatal);
        assertThat(p.issues()).extracting(ConfigIssue::message).containsExactly(
                "key 'peer-cert-file' is ignored by etcd: in a config file this setting is 'peer-transport-security.cert-file'",
                "key 'no-such-key' is not an etcd config-file setting and is ignored",
                "key 'client-crl-file' is not an etcd config-file setting and is ignored");
    }

    @Test
    void goDurations() {
        assertThat(ConfigFileReader.goDuration(0)).isEqualTo("0s");
        assertThat(ConfigFileReader.goDuration(1_500_000_000L)).isEqualTo("1500ms");
        assertThat(ConfigFileReader.goDuration(600_000_000_000L)).isEqualTo("10m");
        assertThat(ConfigFileReader.goDuration(7)).isEqualTo("7ns");
    }
}
