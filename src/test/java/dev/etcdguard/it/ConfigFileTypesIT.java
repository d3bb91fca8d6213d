package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.ConfigIssue;
import dev.etcdguard.etcd.ConfigResolver;
import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.EtcdSettings;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.Setting;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.sandbox.LocalCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What etcdguard says etcd does with a config file's value types and with flags of other versions, checked
 * against the real etcd binary (Debian's 3.4.23 here): each config starts a throw-away member on 127.0.0.1
 * (or etcd refuses it), and the verdict of {@link ConfigResolver} must agree.
 */
class ConfigFileTypesIT {

    private static Path etcd;
    private static String version;

    @TempDir
    Path dir;

    @BeforeAll
    static void findEtcd() throws Exception {
        etcd = LocalCluster.findEtcdBinary().orElse(null);
        assumeTrue(etcd != null, "no etcd binary");
        Process p = new ProcessBuilder(etcd.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("etcd Version: (\\S+)").matcher(out);
        assumeTrue(m.find(), "etcd --version shows no version: " + out);
        version = m.group(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // accepted
            "log-outputs: [stderr]",
            "cipher-suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]",
            "enable-v2: yes",
            "snapshot-count: 1e3",
            "backend-batch-interval: 10000000",
            "auto-compaction-retention: \"1\"",
            "peer-transport-security:\n  allowed-cn: [etcd-peer]",
            // refused
            "log-outputs: stderr",
            "snapshot-count: \"100\"",
            "snapshot-count: 1.5",
            "auto-compaction-retention: 1",
            "cors: [\"*\"]",
            "enable-v2: \"true\"",
            "backend-batch-interval: 10ms",
            "peer-transport-security:\n  client-cert-auth: \"true\"",
    })
    void etcdAndTheReaderAgreeOnAConfigFile(String line) throws Exception {
        int[] ports = freePorts();
        Path data = dir.resolve("data");
        Path file = dir.resolve("etcd.yml");
        Files.writeString(file, """
                name: m1
                data-dir: %s
                listen-peer-urls: http://127.0.0.1:%d
                initial-advertise-peer-urls: http://127.0.0.1:%d
                initial-cluster: m1=http://127.0.0.1:%d
                listen-client-urls: http://127.0.0.1:%d
                advertise-client-urls: http://127.0.0.1:%d
                %s
                """.formatted(data, ports[0], ports[0], ports[0], ports[1], ports[1], line));

        List<String> problems = new ArrayList<>();
        EffectiveConfig config = ConfigResolver.resolve(invocation(List.of("etcd", "--config-file=" + file)), problems);
        assertThat(problems).isEmpty();
        List<ConfigIssue> refusals = config.issues().stream().filter(ConfigIssue::fatal).toList();

        Run run = start(List.of(etcd.toString(), "--config-file=" + file), ports[1]);
        String key = line.substring(0, line.indexOf(':')).strip();
        if (run.started()) {
            assertThat(refusals).as("etcd %s starts with '%s'", version, line).isEmpty();
        } else {
            assertThat(run.output()).as("etcd's own reason").contains(line.contains("\n") ? "peer-transport-security" : key);
            assertThat(refusals).as("etcd %s refuses '%s': %s", version, line, run.output()).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains(key).contains("etcd refuses the config file"));
        }
    }

    /** Every flag of the catalogue: defined in this etcd exactly when the catalogue says it exists in its version. */
    @Test
    void theCatalogueKnowsWhichFlagsThisEtcdDefines() throws Exception {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Setting s : EtcdSettings.all()) {
            if (!s.isFlag()) {
                continue;
            }
            Process p = new ProcessBuilder(etcd.toString(), "--" + s.flag() + "=" + sample(s), "--version")
                    .redirectErrorStream(true).directory(dir.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            boolean undefined = out.contains("flag provided but not defined: -" + s.flag());
            if (undefined == s.existsIn(version)) {
                wrong.add(s.flag() + (undefined ? " is not defined" : " is defined") + " in etcd " + version);
            }
            checked++;
        }
        assertThat(wrong).isEmpty();
        assertThat(checked).isGreaterThan(150);
        // and an ETCD_* variable of a flag this version lacks is reported, not applied
        List<String> problems = new ArrayList<>();
        Setting later = EtcdSettings.require("socket-reuse-port");
        assertThat(later.existsIn(version)).isFalse();
        EffectiveConfig c = ConfigResolver.resolve(invocation(List.of("etcd", "--socket-reuse-port")), problems);
        assertThat(c.issues()).singleElement().satisfies(i -> assertThat(i.fatal()).isTrue());
    }

    private static String sample(Setting s) {
        return switch (s.kind()) {
            case BOOL, IGNORED -> "true";
            case NUMBER -> "1";
            case DURATION -> "1s";
            case URLS -> "http://127.0.0.1:1";
            default -> switch (s.flag()) {
                case "initial-cluster-state" -> "new";
                case "discovery-fallback" -> "proxy";
                case "proxy" -> "off";
                case "log-outputs", "log-output" -> "stderr";
                default -> "x";
            };
        };
    }

    private Invocation invocation(List<String> argv) {
        List<Invocation.Arg> args = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            args.add(new Invocation.Arg(argv.get(i), Location.argv(i)));
        }
        return new Invocation(Component.ETCD, args, List.of(), FileView.HOST, 0,
                new Target.Process(1, etcd.toString(), null), List.of()).withVersion(version);
    }

    private record Run(boolean started, String output) {}

    /** Starts etcd; it started when its client port answers, it refused when it exits first. Always stopped. */
    private Run start(List<String> command, int clientPort) throws Exception {
        Path log = dir.resolve("etcd.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(dir.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (p.waitFor(200, TimeUnit.MILLISECONDS)) {
                    return new Run(false, Files.readString(log));
                }
                if (answers(clientPort)) {
                    return new Run(true, Files.readString(log));
                }
            }
            throw new AssertionError("etcd neither started nor exited within 30 s: " + Files.readString(log));
        } finally {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }
}
