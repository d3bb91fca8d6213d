package dev.etcdguard.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.KeyType;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.pki.PrivateKeyRead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PeerCertificateIssuerTest {

    private static final Instant NOW = Instant.parse("2026-12-02T15:30:00Z");

    @TempDir
    Path dir;

    private CertificateAuthority ca;
    private Path caCert;
    private Path caKey;
    private final PeerCertificateIssuer issuer = new PeerCertificateIssuer(Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeEach
    void writeCa() {
        ca = CertificateAuthority.create("etcd-ca", KeyType.RSA_2048); // kubeadm's etcd CA is RSA 2048
        caCert = dir.resolve("pki/ca.crt");
        caKey = dir.resolve("pki/ca.key");
        ca.writeCertificate(caCert);
        ca.writePrivateKey(caKey, KeyFormat.PKCS1_RSA);
    }

    private PeerCertificateIssuer.Request request(KeyType type, boolean force, String... urls) {
        return new PeerCertificateIssuer.Request(caCert, caKey, dir.resolve("pki/peer.crt"), dir.resolve("pki/peer.key"),
                "cp-1", List.of(urls), type, 30, force, null);
    }

    private static X509Certificate cert(Path file) throws IOException {
        return ((CertificatesRead.Parsed) Pem.readCertificates(Files.readAllBytes(file))).leaf();
    }

    @Test
    void sansAreKubeadmsPlusTheAdvertisedPeerUrlHosts() throws IOException {
        PeerCertificateIssuer.Issued issued = issuer.issue(request(KeyType.EC_P256, false,
                "https://10.0.0.11:2380", "https://cp-1.example.internal:2380", "https://[fd00::11]:2380"));
        X509Certificate cert = cert(issued.certFile());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=cp-1");
        assertThat(CertificateFacts.dnsNames(cert)).containsExactly("cp-1", "localhost", "cp-1.example.internal");
        assertThat(CertificateFacts.ipAddresses(cert)).containsExactly("127.0.0.1", "::1", "10.0.0.11", "fd00::11");
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThat(cert.getNotBefore().toInstant()).isBefore(NOW);
        assertThat(issued.sha256Fingerprint()).isEqualTo(CertificateFacts.sha256Fingerprint(cert));
        assertThat(CertificateFacts.chainProblem(List.of(cert), List.of(ca.certificate()))).isEmpty();
    }

    @Test
    void ekuIsServerAndClientAuthAndTheCertificateIsNoCa() throws IOException {
        X509Certificate cert = cert(issuer.issue(request(KeyType.EC_P256, false)).certFile());
        assertThat(CertificateFacts.extendedKeyUsages(cert)).containsExactlyInAnyOrder("serverAuth", "clientAuth");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "RSA_2048", "RSA_3072"})
    void keyTypeAndKeyFileMatchTheCertificate(KeyType type) throws IOException {
        PeerCertificateIssuer.Issued issued = issuer.issue(request(type, false));
        X509Certificate cert = cert(issued.certFile());
        if (type == KeyType.EC_P256) {
            assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getOrder().bitLength()).isEqualTo(256);
        } else {
            assertThat(((RSAPublicKey) cert.getPublicKey()).getModulus().bitLength())
                    .isEqualTo(type == KeyType.RSA_2048 ? 2048 : 3072);
        }
        PrivateKeyRead key = Pem.readPrivateKey(Files.readAllBytes(issued.keyFile()));
        assertThat(key).isInstanceOf(PrivateKeyRead.Parsed.class);
        assertThat(CertificateFacts.keyMatches(cert, ((PrivateKeyRead.Parsed) key).key())).isTrue();
    }

    @Test
    void rsa1024IsNotOffered() {
        assertThatThrownBy(() -> issuer.issue(request(KeyType.RSA_1024, false)))
                .isInstanceOf(FixException.class).hasMessageContaining("not offered");
    }

    @Test
    void keyIsOwnerOnlyAndNoTemporaryFileRemains() throws IOException {
        PeerCertificateIssuer.Issued issued = issuer.issue(request(KeyType.EC_P256, false));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(issued.keyFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(issued.certFile()))).isEqualTo("rw-r--r--");
        try (Stream<Path> files = Files.list(dir.resolve("pki"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("ca.crt", "ca.key", "peer.crt", "peer.key");
        }
    }

    @Test
    void refusesToOverwriteWithoutForceAndLeavesTheFilesAlone() throws IOException {
        PeerCertificateIssuer.Issued first = issuer.issue(request(KeyType.EC_P256, false));
        byte[] cert = Files.readAllBytes(first.certFile());
        byte[] key = Files.readAllBytes(first.keyFile());
        assertThatThrownBy(() -> issuer.issue(request(KeyType.EC_P256, false)))
                .isInstanceOf(FixException.class)
                .hasMessage(first.certFile() + " exists; pass --force to replace it (a backup is taken first)");
        assertThat(Files.readAllBytes(first.certFile())).isEqualTo(cert);
        assertThat(Files.readAllBytes(first.keyFile())).isEqualTo(key);
    }

    @Test
    void forceBacksUpBothFilesThenReplacesThem() throws IOException {
        PeerCertificateIssuer.Issued first = issuer.issue(request(KeyType.EC_P256, false));
        byte[] oldCert = Files.readAllBytes(first.certFile());
        byte[] oldKey = Files.readAllBytes(first.keyFile());
        PeerCertificateIssuer.Issued second = issuer.issue(request(KeyType.EC_P256, true));
        Path certBackup = dir.resolve("pki/peer.crt.20261202T153000Z.bak");
        Path keyBackup = dir.resolve("pki/peer.key.20261202T153000Z.bak");
        assertThat(second.backups()).containsExactly(certBackup, keyBackup);
        assertThat(Files.readAllBytes(certBackup)).isEqualTo(oldCert);
        assertThat(Files.readAllBytes(keyBackup)).isEqualTo(oldKey);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyBackup))).isEqualTo("rw-------");
        assertThat(Files.readAllBytes(second.certFile())).isNotEqualTo(oldCert);
        assertThat(second.sha256Fingerprint()).isNotEqualTo(first.sha256Fingerprint());
        // a second forced run in the same second keeps the first backups
        PeerCertificateIssuer.Issued third = issuer.issue(request(KeyType.EC_P256, true));
        assertThat(third.backups()).containsExactly(dir.resolve("pki/peer.crt.20261202T153000Z.bak.1"),
                dir.resolve("pki/peer.key.20261202T153000Z.bak.1"));
        assertThat(Files.readAllBytes(certBackup)).isEqualTo(oldCert);
    }

    @Test
    void backupDirElsewhereAndNeverTheStaticPodDirectory() throws IOException {
        issuer.issue(request(KeyType.EC_P256, false));
        Path backups = dir.resolve("backup");
        PeerCertificateIssuer.Issued second = issuer.issue(new PeerCertificateIssuer.Request(caCert, caKey,
                dir.resolve("pki/peer.crt"), dir.resolve("pki/peer.key"), "cp-1", List.of(), KeyType.EC_P256, 30, true,
                backups));
        assertThat(second.backups()).allMatch(p -> p.getParent().equals(backups));
        Path manifests = dir.resolve("etc/kubernetes/manifests");
        byte[] cert = Files.readAllBytes(second.certFile());
        assertThatThrownBy(() -> issuer.issue(new PeerCertificateIssuer.Request(caCert, caKey,
                dir.resolve("pki/peer.crt"), dir.resolve("pki/peer.key"), "cp-1", List.of(), KeyType.EC_P256, 30, true,
                manifests)))
                .isInstanceOf(FixException.class).hasMessageContaining("kubelet runs every file there as a static pod");
        assertThat(manifests).doesNotExist();
        assertThat(Files.readAllBytes(second.certFile())).isEqualTo(cert);
    }

    @Test
    void caKeyThatDoesNotMatchIsRefusedBeforeAnythingIsWritten() {
        CertificateAuthority.create("other-ca").writePrivateKey(caKey, KeyFormat.PKCS8);
        assertThatThrownBy(() -> issuer.issue(request(KeyType.EC_P256, false)))
                .isInstanceOf(FixException.class)
                .hasMessageContaining("the CA key does not match the CA certificate");
        assertThat(dir.resolve("pki/peer.crt")).doesNotExist();
        assertThat(dir.resolve("pki/peer.key")).doesNotExist();
    }

    @Test
    void certificateThatIsNoCaIsRefused() {
        IssuedCertificate leaf = ca.issue(LeafSpec.peer("not-a-ca"));
        leaf.writeCertificate(caCert);
        leaf.writePrivateKey(caKey, KeyFormat.PKCS8);
        assertThatThrownBy(() -> issuer.issue(request(KeyType.EC_P256, false)))
                .isInstanceOf(FixException.class).hasMessageContaining("is not a CA");
    }

    @Test
    void missingCaAndBadPeerUrlsAreOneLineErrors() throws IOException {
        Files.delete(caKey);
        assertThatThrownBy(() -> issuer.issue(request(KeyType.EC_P256, false)))
                .isInstanceOf(FixException.class).hasMessage("CA key " + caKey + " does not exist");
        ca.writePrivateKey(caKey, KeyFormat.PKCS8);
        assertThatThrownBy(() -> issuer.issue(request(KeyType.EC_P256, false, "10.0.0.1:2380")))
                .isInstanceOf(FixException.class).hasMessageContaining("is not scheme://host:port");
    }

    private PeerCertificateIssuer.RenewRequest renewal(int warnDays, KeyType type) {
        return new PeerCertificateIssuer.RenewRequest(caCert, caKey, dir.resolve("pki/peer.crt"), dir.resolve("pki/peer.key"),
                warnDays, 365, type, false, null);
    }

    @Test
    void renewNotDueWritesNothing() throws IOException {
        PeerCertificateIssuer.Issued first = issuer.issue(request(KeyType.EC_P256, false, "https://10.0.0.11:2380"));
        byte[] cert = Files.readAllBytes(first.certFile());
        PeerCertificateIssuer.Renewal r = issuer.renew(renewal(29, null)); // expires in 30 days
        assertThat(r.renewed()).isFalse();
        assertThat(r.currentNotAfter()).isEqualTo(first.notAfter());
        assertThat(Files.readAllBytes(first.certFile())).isEqualTo(cert);
        try (Stream<Path> files = Files.list(dir.resolve("pki"))) {
            assertThat(files).hasSize(4);
        }
    }

    @Test
    void renewDueKeepsNamesAndUsagesWithANewKeyAndBacksUp() throws IOException {
        PeerCertificateIssuer.Issued first = issuer.issue(request(KeyType.RSA_2048, false,
                "https://10.0.0.11:2380", "https://cp-1.lan:2380"));
        byte[] oldKey = Files.readAllBytes(first.keyFile());
        PeerCertificateIssuer later = new PeerCertificateIssuer(Clock.fixed(NOW.plus(Duration.ofDays(10)), ZoneOffset.UTC));
        PeerCertificateIssuer.Renewal r = later.renew(renewal(30, null));
        assertThat(r.renewed()).isTrue();
        assertThat(r.currentFingerprint()).isEqualTo(first.sha256Fingerprint());
        X509Certificate renewed = cert(first.certFile());
        assertThat(renewed.getSubjectX500Principal().getName()).isEqualTo("CN=cp-1");
        assertThat(CertificateFacts.dnsNames(renewed)).isEqualTo(first.dnsNames());
        assertThat(CertificateFacts.ipAddresses(renewed)).isEqualTo(first.ipAddresses());
        assertThat(CertificateFacts.extendedKeyUsages(renewed)).isEqualTo(first.extendedKeyUsages());
        assertThat(renewed.getPublicKey()).isInstanceOf(RSAPublicKey.class);
        assertThat(renewed.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(375)));
        assertThat(Files.readAllBytes(first.keyFile())).isNotEqualTo(oldKey);
        PrivateKeyRead key = Pem.readPrivateKey(Files.readAllBytes(first.keyFile()));
        assertThat(CertificateFacts.keyMatches(renewed, ((PrivateKeyRead.Parsed) key).key())).isTrue();
        assertThat(r.issued().backups()).containsExactly(dir.resolve("pki/peer.crt.20261212T153000Z.bak"),
                dir.resolve("pki/peer.key.20261212T153000Z.bak"));
        assertThat(Files.readAllBytes(dir.resolve("pki/peer.key.20261212T153000Z.bak"))).isEqualTo(oldKey);
    }

    @Test
    void renewRefusesACertificateFromAnotherCa() throws IOException {
        issuer.issue(request(KeyType.EC_P256, false));
        CertificateAuthority.create("other").issue(LeafSpec.peer("cp-1")).writeCertificate(dir.resolve("pki/peer.crt"));
        byte[] cert = Files.readAllBytes(dir.resolve("pki/peer.crt"));
        assertThatThrownBy(() -> issuer.renew(renewal(400, null)))
                .isInstanceOf(FixException.class).hasMessageContaining("was not issued by " + caCert);
        assertThat(Files.readAllBytes(dir.resolve("pki/peer.crt"))).isEqualTo(cert);
    }
}
