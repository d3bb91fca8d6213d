package dev.etcdguard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.report.Trend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS and mTLS of the agent's server on 127.0.0.1, with certificates issued by a throw-away CA. */
class AgentTlsTest {

    @TempDir
    Path dir;

    private static SSLContext client(CertificateAuthority ca, IssuedCertificate clientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("c", clientCert.privateKey(), new char[0], new X509Certificate[] {clientCert.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String get(SSLContext ctx, int port, String path) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void servesHttpsAndRequiresAClientCertificateWithClientCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("agent-test-ca");
        IssuedCertificate server = ca.issue(LeafSpec.peer("localhost"));
        IssuedCertificate clientCert = ca.issue(LeafSpec.peer("prometheus"));
        CertificateAuthority other = CertificateAuthority.create("other-ca");
        IssuedCertificate stranger = other.issue(LeafSpec.peer("stranger"));
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Path caFile = dir.resolve("ca.crt");
        server.writeCertificate(cert);
        server.writePrivateKey(key, KeyFormat.PKCS8);
        ca.writeCertificate(caFile);

        try (AgentServer s = new AgentServer(new AgentServer.Options(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null, AgentTls.context(cert, key, caFile), true, null, new PosturePage(30, Trend::empty)), new AgentState(),
                new AgentMetrics())) {
            s.start();
            assertThat(get(client(ca, clientCert), s.port(), "/metrics")).startsWith("HTTP/1.1 200")
                    .contains("etcdguard_scans_total");
            for (IssuedCertificate who : new IssuedCertificate[] {null, stranger}) {
                String answer;
                try {
                    answer = get(client(ca, who), s.port(), "/metrics");
                } catch (IOException refused) {
                    answer = "refused: " + refused;
                }
                assertThat(answer).as("without a certificate of the client CA").doesNotStartWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void badFilesAreClearErrorsThatNeverShowTheKey() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("agent-test-ca");
        IssuedCertificate server = ca.issue(LeafSpec.peer("localhost"));
        Path cert = dir.resolve("tls.crt");
        Path encrypted = dir.resolve("enc.key");
        server.writeCertificate(cert);
        server.writePrivateKey(encrypted, KeyFormat.ENCRYPTED_PKCS8);
        assertThatThrownBy(() -> AgentTls.context(cert, encrypted, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--tls-key").hasMessageContaining("encrypted")
                .hasMessageNotContaining(Files.readString(encrypted).lines().skip(1).findFirst().orElseThrow());
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        assertThatThrownBy(() -> AgentTls.context(notPem, encrypted, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--tls-cert " + notPem);
        assertThatThrownBy(() -> AgentTls.context(dir.resolve("missing.crt"), encrypted, null))
                .isInstanceOf(IOException.class).hasMessageContaining("--tls-cert").hasMessageContaining("cannot read");
    }
}
