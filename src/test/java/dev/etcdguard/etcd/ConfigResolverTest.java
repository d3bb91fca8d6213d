package dev.etcdguard.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigResolverTest {

    @TempDir
    Path dir;

    private final List<String> problems = new ArrayList<>();

    private EffectiveConfig resolve(List<String> argv, Map<String, String> env) {
        return ConfigResolver.resolve(Argv.invocation(argv, env), problems);
    }

    @Test
    void flagsThenEnvThenDefaults() {
        var c = resolve(List.of("etcd", "--name=m1"), Map.of("ETCD_PEER_CERT_FILE", "/env.crt", "PATH", "/bin"));
        assertThat(c.mode()).isEqualTo(EffectiveConfig.Mode.FLAGS_AND_ENV);
        assertThat(c.get("name").provenance()).isInstanceOf(Provenance.Flag.class);
        assertThat(c.get("name").provenance().at()).isEqualTo("argv[1]");
        Resolved cert = c.get("peer-cert-file");
        assertThat(cert.value()).isEqualTo("/env.crt");
        assertThat(cert.provenance()).isEqualTo(new Provenance.Env("ETCD_PEER_CERT_FILE", Location.environ("/proc/1/environ")));
        Resolved listen = c.get("listen-peer-urls");
        assertThat(listen.value()).isEqualTo("http://localhost:2380");
        assertThat(listen.isDefault()).isTrue();
        assertThat(c.isSet("listen-peer-urls")).isFalse();
        assertThat(problems).isEmpty();
    }

    @Test
    void flagAndEnvForTheSameSettingIsAConflict() {
        var c = resolve(List.of("etcd", "--peer-cert-file=/flag.crt"), Map.of("ETCD_PEER_CERT_FILE", "/env.crt"));
        assertThat(c.get("peer-cert-file").value()).isEqualTo("/flag.crt");
        assertThat(c.issues()).singleElement().satisfies(i -> {
            assertThat(i.fatal()).isTrue();
            assertThat(i.setting()).isEqualTo("peer-cert-file");
            assertThat(i.message()).contains("ETCD_PEER_CERT_FILE").contains("shadowed by the command-line flag");
        });
    }

    @Test
    void envBooleansFollowGoSpellingsAndUnknownVariablesAreReported() {
        var c = resolve(List.of("etcd"), Map.of("ETCD_PEER_AUTO_TLS", "1", "ETCD_PEER_CERTFILE", "/x"));
        assertThat(c.get("peer-auto-tls").isTrue()).isTrue();
        assertThat(c.issues()).singleElement().satisfies(i -> {
            assertThat(i.fatal()).isFalse();
            assertThat(i.message()).contains("unrecognized environment variable ETCD_PEER_CERTFILE");
        });
    }

    @Test
    void firstOccurrenceOfADuplicatedEnvVarWins() {
        var env = new ArrayList<Invocation.EnvVar>();
        env.add(new Invocation.EnvVar("ETCD_NAME", "first", Location.environ("e")));
        env.add(new Invocation.EnvVar("ETCD_NAME", "second", Location.environ("e")));
        var inv = new Invocation(Component.ETCD, Argv.of("etcd"), env, FileView.HOST, 0, new Target.Process(1, "etcd", null), List.of());
        assertThat(ConfigResolver.resolve(inv, problems).memberName()).isEqualTo("first");
    }

    @Test
    void configFileReplacesFlagsAndEnvironment() throws IOException {
        Path file = dir.resolve("etcd.yml");
        Files.writeString(file, """
                name: cf
                listen-peer-urls: https://10.0.0.1:2380
                peer-transport-security:
                  cert-file: /cf/peer.crt
                  key-file: /cf/peer.key
                  client-cert-auth: yes
                """);
        var c = resolve(List.of("etcd", "--config-file", file.toString(), "--peer-cert-file=/flag.crt"),
                Map.of("ETCD_PEER_KEY_FILE", "/env.key", "ETCD_NAME", "envname"));
        assertThat(c.mode()).isEqualTo(EffectiveConfig.Mode.CONFIG_FILE);
        assertThat(c.memberName()).isEqualTo("cf");
        assertThat(c.get("peer-cert-file").value()).isEqualTo("/cf/peer.crt");
        assertThat(c.get("peer-key-file").value()).isEqualTo("/cf/peer.key");
        assertThat(c.get("peer-client-cert-auth").isTrue()).isTrue();
        Provenance p = c.get("peer-cert-file").provenance();
        assertThat(p).isInstanceOf(Provenance.ConfigFile.class);
        assertThat(p.location().line()).isEqualTo(4);
        assertThat(p.location().column()).isEqualTo(14);
        assertThat(p.at()).isEqualTo(file + ":4:14 (peer-transport-security.cert-file)");
        assertThat(c.issues()).extracting(ConfigIssue::message)
                .anySatisfy(m -> assertThat(m).startsWith("--peer-cert-file=/flag.crt is ignored"))
                .anySatisfy(m -> assertThat(m).startsWith("ETCD_PEER_KEY_FILE is ignored"));
        assertThat(c.issues()).noneMatch(ConfigIssue::fatal);
    }

    @Test
    void configFileFromEnvironmentAndFlagWinsOverIt() throws IOException {
        Path a = dir.resolve("a.yml");
        Path b = dir.resolve("b.yml");
        Files.writeString(a, "name: from-a\n");
        Files.writeString(b, "name: from-b\n");
        assertThat(resolve(List.of("etcd"), Map.of("ETCD_CONFIG_FILE", a.toString())).memberName()).isEqualTo("from-a");
        var both = resolve(List.of("etcd", "--config-file=" + b), Map.of("ETCD_CONFIG_FILE", a.toString()));
        assertThat(both.memberName()).isEqualTo("from-b");
        assertThat(both.configFile().provenance()).isInstanceOf(Provenance.Flag.class);
    }

    @Test
    void misplacedConfigKeysAreIgnoredWithAReason() throws IOException {
        Path file = dir.resolve("etcd.yml");
        Files.writeString(file, """
                name: m1
                peer-cert-file: /top/peer.crt
                peer-transport-security:
                  cert-file: "/quoted.crt"
                  auto-tls: "true"
                """);
        var c = resolve(List.of("etcd", "--config-file=" + file), Map.of());
        assertThat(c.get("peer-cert-file").value()).isEqualTo("/quoted.crt");
        assertThat(c.issues()).anySatisfy(i -> {
            assertThat(i.setting()).isEqualTo("peer-cert-file");
            assertThat(i.fatal()).isFalse();
            assertThat(i.message()).contains("peer-transport-security.cert-file");
            assertThat(i.location().line()).isEqualTo(2);
        });
        assertThat(c.issues()).anySatisfy(i -> {
            assertThat(i.setting()).isEqualTo("peer-auto-tls");
            assertThat(i.fatal()).isTrue();
        });
    }

    @Test
    void configKeysMatchCaseInsensitivelyLikeGoJson() throws IOException {
        Path file = dir.resolve("etcd.yml");
        Files.writeString(file, "Name: upper\nPeer-Transport-Security:\n  Cert-File: /x.crt\n");
        var c = resolve(List.of("etcd", "--config-file=" + file), Map.of());
        assertThat(c.memberName()).isEqualTo("upper");
        assertThat(c.get("peer-cert-file").value()).isEqualTo("/x.crt");
    }

    @Test
    void unreadableOrInvalidConfigFileIsAnEvidenceProblem() throws IOException {
        resolve(List.of("etcd", "--config-file=" + dir.resolve("missing.yml")), Map.of());
        assertThat(problems).singleElement().asString().contains("missing.yml").contains("no such file");
        problems.clear();
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, "name: [unclosed\n");
        resolve(List.of("etcd", "--config-file=" + bad), Map.of());
        assertThat(problems).singleElement().asString().contains("not valid YAML");
        problems.clear();
        Path list = dir.resolve("list.yml");
        Files.writeString(list, "- a\n- b\n");
        resolve(List.of("etcd", "--config-file=" + list), Map.of());
        assertThat(problems).singleElement().asString().contains("not a YAML mapping");
    }

    @Test
    void aliasBombIsRejected() throws IOException {
        StringBuilder yaml = new StringBuilder("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        String prev = "a";
        for (int i = 0; i < 10; i++) {
            String name = "l" + i;
            yaml.append(name).append(": &").append(name).append(" [");
            for (int j = 0; j < 9; j++) {
                yaml.append(j == 0 ? "" : ",").append('*').append(prev);
            }
            yaml.append("]\n");
            prev = name;
        }
        Path bomb = dir.resolve("bomb.yml");
        Files.writeString(bomb, yaml);
        resolve(List.of("etcd", "--config-file=" + bomb), Map.of());
        assertThat(problems).singleElement().asString().contains("not valid YAML");
    }

    @Test
    void initialClusterIsDerivedFromNameWhenNotGiven() {
        var c = resolve(List.of("etcd", "--name=solo", "--initial-advertise-peer-urls=https://10.1.1.1:2380"), Map.of());
        assertThat(c.get("initial-cluster").value()).isEqualTo("solo=https://10.1.1.1:2380");
        assertThat(c.initialClusterNames()).containsExactly("solo");
        assertThat(c.ownInitialClusterUrls()).containsExactly("https://10.1.1.1:2380");
        var d = resolve(List.of("etcd"), Map.of());
        assertThat(d.get("initial-cluster").value()).isEqualTo("default=http://localhost:2380");
    }

    @Test
    void ownEntriesOfInitialCluster() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ETCD_NAME", "b");
        env.put("ETCD_INITIAL_CLUSTER", "a=https://1.1.1.1:2380, b=https://2.2.2.2:2380,b=http://2.2.2.2:2381");
        var c = resolve(List.of("etcd"), env);
        assertThat(c.initialClusterNames()).containsExactly("a", "b");
        assertThat(c.ownInitialClusterUrls()).containsExactly("https://2.2.2.2:2380", "http://2.2.2.2:2381");
    }

    @Test
    void theInvocationsVersionDecidesWhichFlagsVariablesAndKeysExist() throws IOException {
        var inv = Argv.invocation(List.of("etcd", "--name=m1", "--socket-reuse-port"),
                Map.of("ETCD_PEER_CLIENT_CERT_FILE", "/pc.crt")).withVersion("3.4.23");
        var c = ConfigResolver.resolve(inv, problems);
        assertThat(c.isSet("socket-reuse-port")).isFalse();
        assertThat(c.isSet("peer-client-cert-file")).isFalse();
        assertThat(c.issues()).anySatisfy(i -> {
            assertThat(i.fatal()).isTrue();
            assertThat(i.message()).contains("--socket-reuse-port exists in etcd 3.5+, not in 3.4.23");
        });
        assertThat(c.issues()).anySatisfy(i -> {
            assertThat(i.fatal()).isFalse();
            assertThat(i.message()).isEqualTo("unrecognized environment variable ETCD_PEER_CLIENT_CERT_FILE:"
                    + " --peer-client-cert-file exists in etcd 3.5+, not in 3.4.23");
        });
        var later = ConfigResolver.resolve(inv.withVersion("3.5.9"), problems);
        assertThat(later.issues()).isEmpty();
        assertThat(later.get("peer-client-cert-file").value()).isEqualTo("/pc.crt");
        var unknown = ConfigResolver.resolve(inv.withVersion(null), problems);
        assertThat(unknown.issues()).isEmpty();

        Path file = dir.resolve("etcd.yml");
        Files.writeString(file, "log-outputs: [stderr]\npeer-transport-security:\n  client-cert-file: /pc.crt\n");
        var cf = Argv.invocation(List.of("etcd", "--config-file=" + file), Map.of()).withVersion("3.4.23");
        var fromFile = ConfigResolver.resolve(cf, problems);
        assertThat(fromFile.issues()).noneMatch(ConfigIssue::fatal).singleElement()
                .satisfies(i -> assertThat(i.message()).contains("client-cert-file", "ignored by etcd 3.4.23"));
        assertThat(fromFile.get("log-outputs").elements()).containsExactly("stderr");
        assertThat(ConfigResolver.resolve(cf.withVersion("3.5.0"), problems).get("peer-client-cert-file").value())
                .isEqualTo("/pc.crt");
        assertThat(problems).isEmpty();
    }
}
