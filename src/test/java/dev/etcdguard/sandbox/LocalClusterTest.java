package dev.etcdguard.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdguard.pki.LeafSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Starts real etcd processes on 127.0.0.1; every cluster is closed and its pids checked dead. */
class LocalClusterTest {

    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsEtcd() {
        Assumptions.assumeTrue(LocalCluster.etcdAvailable(), "etcd binary not found: install Debian package etcd-server");
    }

    @Test
    void tlsClusterFormsAndCloseKillsEveryMember() throws Exception {
        Path work = tmp.resolve("tls");
        LocalCluster cluster = LocalCluster.builder(work).start();
        List<Long> pids = cluster.members().stream().map(LocalCluster.Member::pid).toList();
        try {
            assertThat(cluster.members()).extracting(LocalCluster.Member::name).containsExactly("m1", "m2", "m3");
            for (LocalCluster.Member m : cluster.members()) {
                assertThat(m.peerUrl()).startsWith("https://127.0.0.1:");
                assertThat(m.clientUrl()).startsWith("http://127.0.0.1:");
                assertThat(Proc.cmdline(m.pid())).contains("--name=" + m.name(), "--listen-peer-urls=" + m.peerUrl(),
                        "--peer-cert-file=" + m.certFile(), "--peer-key-file=" + m.keyFile(),
                        "--peer-trusted-ca-file=" + cluster.caFile(), "--peer-client-cert-auth=true",
                        "--data-dir=" + m.dataDir());
                assertThat(Files.getPosixFilePermissions(m.keyFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                assertThat(m.configFile()).isNull();
            }
            assertThat(cluster.awaitHealthy(HEALTHY_WITHIN)).as(cluster.logTail("m1")).isTrue();
            Http.Response health = Http.get(cluster.member("m2").clientUrl() + "/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body()).contains("\"health\":\"true\"");
            // the peer port speaks TLS only: plain HTTP gets no answer
            assertThat(plainStatus("http://127.0.0.1:" + cluster.member("m1").peerPort() + "/members")).isNotEqualTo(200);
        } finally {
            cluster.close();
        }
        assertThat(pids).hasSize(3).noneMatch(Proc::alive);
        assertThat(work).doesNotExist();
        cluster.close(); // idempotent
    }

    @Test
    void plaintextClusterIsHealthyWithoutPeerCertificates() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder(tmp.resolve("plain")).peerTls(PeerTls.PLAINTEXT).start()) {
            for (LocalCluster.Member m : cluster.members()) {
                assertThat(m.peerUrl()).startsWith("http://127.0.0.1:");
                assertThat(Proc.cmdline(m.pid())).noneMatch(arg -> arg.startsWith("--peer-cert-file")
                        || arg.startsWith("--peer-key-file") || arg.startsWith("--peer-trusted-ca-file"));
                assertThat(m.certFile()).isNull();
                assertThat(m.keyFile()).isNull();
            }
            assertThat(cluster.awaitHealthy(HEALTHY_WITHIN)).as(cluster.logTail("m1")).isTrue();
            assertThat(Http.get(cluster.member("m3").peerUrl() + "/members").status()).isEqualTo(200);
        }
    }

    @Test
    void envDeliveryPutsEverySettingInTheEnvironment() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder(tmp.resolve("env")).delivery(Delivery.ENV).start()) {
            for (LocalCluster.Member m : cluster.members()) {
                List<String> argv = Proc.cmdline(m.pid());
                Map<String, String> env = Proc.environ(m.pid());
                assertThat(argv).hasSize(1);
                assertThat(argv.getFirst()).endsWith("/etcd");
                assertThat(env).containsEntry("ETCD_NAME", m.name())
                        .containsEntry("ETCD_PEER_CERT_FILE", m.certFile().toString())
                        .containsEntry("ETCD_PEER_KEY_FILE", m.keyFile().toString())
                        .containsEntry("ETCD_PEER_TRUSTED_CA_FILE", cluster.caFile().toString())
                        .containsEntry("ETCD_PEER_CLIENT_CERT_AUTH", "true")
                        .containsEntry("ETCD_LISTEN_PEER_URLS", m.peerUrl());
            }
            assertThat(cluster.awaitHealthy(HEALTHY_WITHIN)).as(cluster.logTail("m1")).isTrue();
        }
    }

    @Test
    void configFileDeliveryPassesOnlyTheFile() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder(tmp.resolve("file")).delivery(Delivery.CONFIG_FILE).start()) {
            for (LocalCluster.Member m : cluster.members()) {
                assertThat(m.configFile()).isRegularFile();
                assertThat(Proc.cmdline(m.pid())).hasSize(2).endsWith("--config-file=" + m.configFile());
                assertThat(Proc.environ(m.pid())).noneSatisfy((name, value) -> assertThat(name).startsWith("ETCD_"));
                @SuppressWarnings("unchecked")
                Map<String, Object> yaml = (Map<String, Object>) new Load(LoadSettings.builder().build())
                        .loadFromString(Files.readString(m.configFile()));
                assertThat(yaml).containsEntry("name", m.name()).containsEntry("listen-peer-urls", m.peerUrl())
                        .containsEntry("initial-cluster-state", "new");
                assertThat(yaml.get("peer-transport-security")).isEqualTo(Map.of(
                        "cert-file", m.certFile().toString(),
                        "key-file", m.keyFile().toString(),
                        "trusted-ca-file", cluster.caFile().toString(),
                        "client-cert-auth", true));
            }
            assertThat(cluster.awaitHealthy(HEALTHY_WITHIN)).as(cluster.logTail("m1")).isTrue();
            assertThat(Files.readString(cluster.logFile("m1"))).contains("Loading server configuration from");
        }
    }

    @Test
    void certsOnHttpServePlaintextOnThePeerPort() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder(tmp.resolve("certs-on-http"))
                .members(1).namePrefix("etcd-").peerTls(PeerTls.CERTS_ON_HTTP).start()) {
            LocalCluster.Member m = cluster.member("etcd-1");
            assertThat(m.peerUrl()).startsWith("http://127.0.0.1:");
            assertThat(Proc.cmdline(m.pid())).contains("--peer-cert-file=" + m.certFile(),
                    "--peer-client-cert-auth=true", "--initial-cluster=etcd-1=" + m.peerUrl());
            assertThat(cluster.awaitHealthy(HEALTHY_WITHIN)).as(cluster.logTail("etcd-1")).isTrue();

            Http.Response members = Http.get("http://127.0.0.1:" + m.peerPort() + "/members");

            assertThat(members.status()).isEqualTo(200);
            assertThat(members.body()).contains("\"name\":\"etcd-1\"").contains(m.peerUrl());
        }
    }

    @Test
    void autoTlsClusterFormsWithGeneratedCertificates() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder(tmp.resolve("auto")).peerTls(PeerTls.AUTO_TLS).start()) {
            for (LocalCluster.Member m : cluster.members()) {
                assertThat(m.peerUrl()).startsWith("https://");
                assertThat(Proc.cmdline(m.pid())).contains("--peer-auto-tls=true")
                        .noneMatch(arg -> arg.startsWith("--peer-cert-file"));
            }
            assertThat(cluster.awaitHealthy(HEALTHY_WITHIN)).as(cluster.logTail("m1")).isTrue();
            assertThat(cluster.member("m1").dataDir().resolve("fixtures/peer/cert.pem")).isRegularFile();
        }
    }

    @Test
    void serverAuthOnlyPeerCertificatesNeverFormACluster() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder(tmp.resolve("server-only"))
                .peerCertificate(name -> LeafSpec.peer(name, "127.0.0.1").withUsages("serverAuth")).start()) {
            assertThat(cluster.awaitHealthy(Duration.ofSeconds(3))).isFalse();
            assertThat(cluster.members()).allMatch(m -> Proc.alive(m.pid()));
            assertThat(Files.readString(cluster.logFile("m1"))).contains("incompatible key usage");
        }
    }

    @Test
    void memberThatExitsFailsStartWithItsLog() throws IOException {
        Path fake = tmp.resolve("fake-etcd");
        Files.writeString(fake, "#!/bin/sh\necho \"boom: pretend etcd cannot start\"\nexit 3\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Path work = tmp.resolve("failing");

        assertThatThrownBy(() -> LocalCluster.builder(work).members(1).etcdBinary(fake).start())
                .isInstanceOf(ClusterStartException.class)
                .hasMessageContaining("etcd member m1")
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("boom: pretend etcd cannot start");
        assertThat(work).doesNotExist();
    }

    @Test
    void missingBinaryIsExplained() {
        assertThatThrownBy(() -> LocalCluster.builder(tmp.resolve("none")).etcdBinary(tmp.resolve("no-such-etcd")).start())
                .isInstanceOf(ClusterStartException.class)
                .hasMessageContaining("etcd binary not found")
                .hasMessageContaining("etcd-server");
    }

    @Test
    void nonEmptyWorkDirIsRefused() throws IOException {
        Files.writeString(tmp.resolve("precious.txt"), "keep me");

        assertThatThrownBy(() -> LocalCluster.builder(tmp).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not empty");
        assertThat(tmp.resolve("precious.txt")).hasContent("keep me");
    }

    private static int plainStatus(String url) {
        try {
            return Http.get(url).status();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
