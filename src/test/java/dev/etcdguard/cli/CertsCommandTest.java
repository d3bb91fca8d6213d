package dev.etcdguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.KeyFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code etcdguard certs peer} in-process: what it prints, its exit codes, that no key material is printed. */
class CertsCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private String[] args(String... extra) {
        String[] base = {"certs", "peer", "--ca-cert", dir.resolve("ca.crt").toString(), "--ca-key",
            dir.resolve("ca.key").toString(), "--out-cert", dir.resolve("peer.crt").toString(), "--out-key",
            dir.resolve("peer.key").toString(), "--node-name", "cp-1"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void issuesAndPrintsWhatItWroteButNeverTheKey() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("etcd-ca");
        ca.writeCertificate(dir.resolve("ca.crt"));
        ca.writePrivateKey(dir.resolve("ca.key"), KeyFormat.SEC1_EC);
        Run r = run(args("--peer-url", "https://10.0.0.11:2380,https://cp-1.lan:2380", "--days", "90"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("certificate: " + dir.resolve("peer.crt"))
                .contains("key:         " + dir.resolve("peer.key") + " (0600, ecdsa-p256)")
                .contains("DNS SANs:    cp-1, localhost, cp-1.lan")
                .contains("IP SANs:     127.0.0.1, ::1, 10.0.0.11")
                .contains("usages:      serverAuth, clientAuth")
                .containsPattern("SHA-256:     ([0-9A-F]{2}:){31}[0-9A-F]{2}")
                .doesNotContain("PRIVATE KEY");
        String key = Files.readString(dir.resolve("peer.key"));
        String body = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertThat(r.out() + r.err()).doesNotContain(body);

        Run again = run(args());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err().strip()).isEqualTo("etcdguard: error: " + dir.resolve("peer.crt")
                + " exists; pass --force to replace it (a backup is taken first)");

        Run forced = run(args("--force", "--key-type", "rsa-2048"));
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("backed up:   " + dir.resolve("peer.crt")).contains("(0600, rsa-2048)");
    }

    @Test
    void mismatchedCaKeyExitsTwoWithOneLine() {
        CertificateAuthority.create("etcd-ca").writeCertificate(dir.resolve("ca.crt"));
        CertificateAuthority.create("impostor").writePrivateKey(dir.resolve("ca.key"), KeyFormat.PKCS8);
        Run r = run(args());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("the CA key does not match the CA certificate").doesNotContain("Exception");
        assertThat(dir.resolve("peer.crt")).doesNotExist();
        assertThat(dir.resolve("peer.key")).doesNotExist();
    }

    @Test
    void unknownKeyTypeExitsTwo() {
        Run r = run(args("--key-type", "rsa-1024"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'rsa-1024' is not one of ecdsa-p256, rsa-2048, rsa-3072, rsa-4096");
    }
}
