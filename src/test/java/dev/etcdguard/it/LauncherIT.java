package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.sandbox.FakeProcfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The user's view: the {@code ./etcdguard} launcher, its help, exit codes and JSON contract. */
class LauncherIT {

    @TempDir
    Path dir;

    private FakeProcfs proc;
    private IssuedCertificate peer;

    /** Three etcd processes: correct TLS (101), cert flags on http URLs (102), a lone member (103); and etcdctl. */
    @BeforeEach
    void fakeNode() throws IOException {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca");
        peer = ca.issue(LeafSpec.peer("m1", "127.0.0.1"));
        Path cert = dir.resolve("peer.crt");
        Path key = dir.resolve("peer.key");
        Path caFile = dir.resolve("ca.crt");
        peer.writeCertificate(cert);
        peer.writePrivateKey(key, KeyFormat.PKCS8);
        ca.writeCertificate(caFile);
        proc = new FakeProcfs(dir.resolve("proc"));
        List<String> tls = new ArrayList<>(List.of("etcd", "--name=m1", "--peer-cert-file=" + cert, "--peer-key-file=" + key,
                "--peer-trusted-ca-file=" + caFile, "--peer-client-cert-auth", "--listen-peer-urls=https://127.0.0.1:12380",
                "--initial-advertise-peer-urls=https://127.0.0.1:12380",
                "--initial-cluster=m1=https://127.0.0.1:12380,m2=https://127.0.0.1:22380",
                "--cert-file=" + cert, "--key-file=" + key, "--trusted-ca-file=" + caFile, "--client-cert-auth",
                "--listen-client-urls=https://127.0.0.1:12379", "--advertise-client-urls=https://127.0.0.1:12379"));
        Path dataDir = Files.createDirectories(dir.resolve("data"),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        tls.add("--data-dir=" + dataDir);
        var users = dataDir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dataDir, users.lookupPrincipalByName("etcd")); // Debian's etcd-server package creates etcd:etcd
        Files.getFileAttributeView(dataDir, java.nio.file.attribute.PosixFileAttributeView.class)
                .setGroup(users.lookupPrincipalByGroupName("etcd"));
        proc.addProcess(101, "/usr/bin/etcd", tls, Map.of(), 0);
        List<String> http = new ArrayList<>(tls.stream().map(a -> a.replace("https://", "http://")).toList());
        http.removeIf(a -> a.startsWith("--data-dir="));
        proc.addProcess(102, "/usr/local/bin/etcd", http, Map.of(), 0);
        proc.addProcess(103, "/usr/bin/etcd", List.of("etcd", "--name=solo"), Map.of(), 0);
        proc.addProcess(104, "/usr/bin/etcdctl", List.of("etcdctl", "--cert=" + cert), Map.of(), 0);
        // no kube-apiserver can run here (no Debian package): a fake process with real files
        Path encryption = Files.writeString(dir.resolve("encryption.yaml"), """
                apiVersion: apiserver.config.k8s.io/v1
                kind: EncryptionConfiguration
                resources:
                - resources: [secrets]
                  providers:
                  - secretbox: {keys: [{name: k1, secret: "%s"}]}
                  - identity: {}
                """.formatted(java.util.Base64.getEncoder().encodeToString(new byte[32])));
        proc.addProcess(110, "/usr/local/bin/kube-apiserver", List.of("kube-apiserver", "--etcd-servers=https://127.0.0.1:12379",
                "--etcd-certfile=" + cert, "--etcd-keyfile=" + key, "--etcd-cafile=" + caFile,
                "--encryption-provider-config=" + encryption), Map.of(), 0);
    }

    @Test
    void helpIsCompleteAndDocumentsExitCodes() throws Exception {
        Launcher.Run main = Launcher.run(Map.of(), "--help");
        assertThat(main.exitCode()).isZero();
        assertThat(main.stdout()).contains("scan", "demo", "Exit codes", "0  no result is FAIL or ERROR",
                "1  at least one result is FAIL", "2  the scan could not run");
        Launcher.Run scan = Launcher.run(Map.of(), "scan", "--help");
        assertThat(scan.exitCode()).isZero();
        assertThat(scan.stdout()).contains("--host", "--proc-root", "--pid", "--format", "text, json", "--output",
                "--expiry-warn-days", "--verbose", "--no-color", "Exit codes");
        assertThat(Launcher.run(Map.of(), "demo", "--help").stdout()).contains("Ctrl-C");
        assertThat(main.stdout()).contains("probe");
        assertThat(scan.stdout()).contains("--probe", "--probe-cert", "--probe-key", "--probe-timeout");
        assertThat(Launcher.run(Map.of(), "probe", "--help").stdout()).contains("URL", "--probe-connect-timeout",
                "plaintext HTTP/1.1 GET /version", "1  at least one result is FAIL");
        assertThat(Launcher.run(Map.of(), "--version").stdout()).contains("etcdguard 0.1.0");
    }

    @Test
    void jsonReportHoldsTheContract() throws Exception {
        Path clusterCa = dir.resolve("kubernetes-ca.crt");
        CertificateAuthority.create("kubernetes").writeCertificate(clusterCa);
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        Files.writeString(manifests.resolve("etcd.yaml"), "kind: Pod\nspec: {containers: [{name: etcd, command: [etcd, --name=m1]}]}\n");
        Files.setPosixFilePermissions(manifests.resolve("etcd.yaml"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Launcher.Run run = Launcher.run(Map.of(), "scan", "--host", "--proc-root", proc.root().toString(), "--format", "json",
                "--kubernetes-ca", clusterCa.toString(), "--static-pod-dir", manifests.toString());
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
        JsonNode root = JsonMapper.builder().build().readTree(run.stdout());
        assertThat(root.path("tool").path("name").asString()).isEqualTo("etcdguard");
        JsonNode all = root.path("results");
        assertThat(all.size()).as("13 etcd rules (11 CIS, EG-3, EG-4) for each of 3 etcd processes, 6 for kube-apiserver")
                .isEqualTo(45);
        java.util.Map<String, Integer> counted = new java.util.HashMap<>();
        all.forEach(r -> counted.merge(r.path("status").asString(), 1, Integer::sum));
        root.path("summary").properties().forEach(e ->
                assertThat(e.getValue().asInt()).as(e.getKey()).isEqualTo(counted.getOrDefault(e.getKey(), 0)));
        for (JsonNode r : all) {
            long pid = r.path("target").path("pid").asLong();
            if (pid == 101 || pid == 110) { // 101 runs from manifests/etcd.yaml (mode 0600), so 1.1.7/1.1.8 apply
                assertThat(r.path("status").asString()).as(r.path("rule").asString() + " " + r.path("checks"))
                        .isEqualTo("PASS");
                assertThat(r.path("scope").asString()).isEqualTo(pid == 101 ? "etcd" : "kube-apiserver");
            }
            if (pid == 110) {
                assertThat(r.path("rule").asString()).startsWith("apiserver-");
                assertThat(r.path("target").path("exe").asString()).isEqualTo("/usr/local/bin/kube-apiserver");
                assertThat(r.path("target").path("member").isNull()).isTrue();
            }
        }
        List<JsonNode> peer = new ArrayList<>();
        all.forEach(r -> {
            if (r.path("rule").asString().equals("etcd-peer-tls")) {
                peer.add(r);
            }
        });
        JsonNode results = JsonMapper.builder().build().valueToTree(peer);
        assertThat(results.size()).isEqualTo(3);
        for (JsonNode r : results) {
            assertThat(r.path("title").asString()).isEqualTo("etcd uses TLS encryption for peer connections");
            assertThat(r.path("controls").toString()).contains("cis-kubernetes-1.5.1:2.4", "disa-stig-kubernetes:V-242432");
            assertThat(r.path("target").path("kind").asString()).isEqualTo("process");
            assertThat(r.path("checks").isArray()).isTrue();
            for (JsonNode c : r.path("checks")) {
                assertThat(c.has("id") && c.has("status") && c.has("message")).isTrue();
            }
            assertThat(r.has("remediation")).isTrue();
        }
        assertThat(results.get(0).path("status").asString()).isEqualTo("PASS");
        assertThat(results.get(0).path("target").path("pid").asLong()).isEqualTo(101);
        assertThat(results.get(0).path("target").path("exe").asString()).isEqualTo("/usr/bin/etcd");
        assertThat(results.get(0).path("target").path("member").asString()).isEqualTo("m1");
        JsonNode failing = results.get(1);
        assertThat(failing.path("status").asString()).isEqualTo("FAIL");
        assertThat(failing.path("target").path("exe").asString()).isEqualTo("/usr/local/bin/etcd");
        assertThat(failing.path("remediation").asString()).contains("--peer-cert-file");
        JsonNode urls = null;
        for (JsonNode c : failing.path("checks")) {
            if (c.path("id").asString().equals("peer-urls-https")) {
                urls = c;
            }
        }
        assertThat(urls).isNotNull();
        assertThat(urls.path("status").asString()).isEqualTo("FAIL");
        JsonNode ev = urls.path("evidence").get(0);
        assertThat(ev.path("setting").asString()).isEqualTo("listen-peer-urls");
        assertThat(ev.path("value").asString()).isEqualTo("http://127.0.0.1:12380");
        assertThat(ev.path("source").asString()).isEqualTo("flag");
        assertThat(ev.path("at").asString()).isEqualTo("argv[6]");
        assertThat(results.get(2).path("status").asString()).isEqualTo("NOT_APPLICABLE");
        assertThat(root.path("summary").path("ERROR").asInt()).isZero();
    }

    @Test
    void textReportNeverPrintsKeyMaterial() throws Exception {
        Launcher.Run run = Launcher.run(Map.of(), "scan", "--proc-root", proc.root().toString(), "-v");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).contains("[PASS] 2.4 etcd uses TLS encryption for peer connections",
                "[FAIL] 2.4 etcd uses TLS encryption for peer connections", "[N/A] 2.4", "== Summary etcd ==",
                "== Remediations etcd ==", "[PASS] 2.1 etcd uses TLS for client connections", "[FAIL] 2.2", "checks FAIL");
        String keyBase64 = Base64.getEncoder().encodeToString(peer.privateKey().getEncoded());
        for (String output : List.of(run.stdout(), Launcher.run(Map.of(), "scan", "--proc-root",
                proc.root().toString(), "--format", "json").stdout())) {
            assertThat(output).doesNotContain("PRIVATE KEY").doesNotContain(keyBase64.substring(20, 60));
        }
        assertThat(run.stdout()).doesNotContain("\u001b[");
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColor() throws Exception {
        String cmd = Launcher.ROOT.resolve("etcdguard") + " scan --proc-root " + proc.root();
        Launcher.Run tty = Launcher.exec(List.of("script", "-qec", cmd, "/dev/null"), Map.of());
        assertThat(tty.stdout()).contains("\u001b[32m[PASS]");
        Launcher.Run noColor = Launcher.exec(List.of("script", "-qec", cmd, "/dev/null"), Map.of("NO_COLOR", "1"));
        assertThat(noColor.stdout()).contains("[PASS]").doesNotContain("\u001b[");
    }

    @Test
    void outputFileAndPidFilter() throws Exception {
        Path report = dir.resolve("report.json");
        Launcher.Run run = Launcher.run(Map.of(), "scan", "--proc-root", proc.root().toString(), "--pid", "101",
                "--format", "json", "-o", report.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).isEmpty();
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(report));
        assertThat(root.path("results").size()).as("the 13 etcd rules").isEqualTo(13);
        root.path("results").forEach(r -> assertThat(r.path("target").path("pid").asLong()).isEqualTo(101));
    }

    @Test
    void outputToACharacterDeviceWritesItInPlace() throws Exception {
        Path devNull = Path.of("/dev/null");
        assertThat(fileType(devNull)).as("/dev/null before the scan").isEqualTo(S_IFCHR);
        Launcher.Run run = Launcher.run(Map.of(), "scan", "--proc-root", proc.root().toString(), "--format", "json",
                "-o", "/dev/null");
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(fileType(devNull)).as("/dev/null after -o /dev/null").isEqualTo(S_IFCHR);
        // through a symbolic link: followed, said on stderr, the link and the device stay
        Path link = Files.createSymbolicLink(dir.resolve("out.json"), devNull);
        Launcher.Run linked = Launcher.run(Map.of(), "scan", "--proc-root", proc.root().toString(), "-o", link.toString());
        assertThat(linked.stderr()).contains("etcdguard: note: " + link + " is a symbolic link", "/dev/null");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(fileType(devNull)).isEqualTo(S_IFCHR);
        // /dev/stdout into a pipe: the descriptor is written, not a path made of its "pipe:[N]" link target
        String scan = Launcher.ROOT.resolve("etcdguard") + " scan --proc-root " + proc.root() + " -f json -o /dev/stdout";
        Launcher.Run piped = Launcher.exec(List.of("bash", "-c", scan + " | cat"), Map.of());
        assertThat(piped.stderr()).doesNotContain("error");
        assertThat(piped.stdout()).contains("\"results\"");
    }

    private static final int S_IFCHR = 0020000;

    private static int fileType(Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 0170000;
    }

    @Test
    void badInputGivesAClearErrorAndExitCodeTwo() throws Exception {
        Launcher.Run missing = Launcher.run(Map.of(), "scan", "--proc-root", dir.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("etcdguard: error: cannot list").doesNotContain("Exception").doesNotContain("\tat ");
        Launcher.Run badOption = Launcher.run(Map.of(), "scan", "--format", "xml");
        assertThat(badOption.exitCode()).isEqualTo(2);
        assertThat(badOption.stderr()).contains("Invalid value for option '--format'").doesNotContain("\tat ");
        Launcher.Run unwritable = Launcher.run(Map.of(), "scan", "--proc-root", proc.root().toString(),
                "-o", dir.resolve("no/such/dir/r.txt").toString());
        assertThat(unwritable.exitCode()).isEqualTo(2);
        assertThat(unwritable.stderr()).contains("etcdguard: error: cannot write the report",
                "directory " + dir.resolve("no/such/dir") + " does not exist").doesNotContain("\tat ");
        Launcher.Run directory = Launcher.run(Map.of(), "scan", "--proc-root", proc.root().toString(), "-o", dir.toString());
        assertThat(directory.exitCode()).isEqualTo(2);
        assertThat(directory.stderr()).contains("etcdguard: error: cannot write the report to " + dir + ": it is a directory")
                .doesNotContain("\tat ");
    }

    @Test
    void unreadableEvidenceIsAnErrorWithExitCodeTwo() throws Exception {
        proc.addProcess(105, "/usr/bin/etcd", List.of("etcd", "--name=x",
                "--initial-cluster=x=http://127.0.0.1:1,y=http://127.0.0.1:2"), null, 0);
        Launcher.Run run = Launcher.run(Map.of(), "scan", "--proc-root", proc.root().toString(), "--pid", "105");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stdout()).contains("[ERROR] 2.4", "[ERROR] 2.1", "evidence-readable", "environ");
    }

    @Test
    void nodeWithoutEtcdSaysSoAndPointsToTheDemo() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-proc"));
        Launcher.Run run = Launcher.run(Map.of(), "scan", "--proc-root", empty.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("no etcd server process found on this node", "./etcdguard demo");
    }
}
