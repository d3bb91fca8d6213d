package dev.etcdguard.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificates a result says its rule read: roles, settings, expiry, from real certificate files. */
class CertificateSeenTest {

    @TempDir
    Path dir;

    @Test
    void peerRuleReadsThePeerCertificateAndItsCa() throws IOException {
        MemberFixture m = MemberFixture.tlsMember(dir);
        Result r = m.evaluate();
        assertThat(r.certificates()).extracting(CertificateSeen::role, CertificateSeen::setting, CertificateSeen::path)
                .containsExactly(
                        tuple(CertificateSeen.Role.PEER, "peer-cert-file", m.cert.toString()),
                        tuple(CertificateSeen.Role.CA, "peer-trusted-ca-file", m.caFile.toString()));
        CertificateSeen ca = r.certificates().get(1);
        assertThat(ca.subject()).isEqualTo("CN=etcd-ca");
        assertThat(ca.notAfter()).isEqualTo(MemberFixture.CA.certificate().getNotAfter().toInstant());
        assertThat(ca.sha256()).isEqualTo(CertificateFacts.sha256Fingerprint(MemberFixture.CA.certificate()));
    }

    @Test
    void chainIntermediatesAreCasAndRulesWithoutTlsReadNone() throws IOException {
        CertificateAuthority intermediate = MemberFixture.CA.intermediate("etcd-intermediate");
        IssuedCertificate leaf = intermediate.issue(LeafSpec.peer("m1", "127.0.0.1"));
        MemberFixture m = MemberFixture.tlsMember(dir);
        leaf.writeCertificateChain(m.cert, intermediate.certificate());
        leaf.writePrivateKey(m.key, KeyFormat.PKCS8);
        List<Result> all = m.evaluateAll();
        Result peer = all.stream().filter(r -> r.rule().id().equals("etcd-peer-tls")).findFirst().orElseThrow();
        assertThat(peer.certificates()).extracting(CertificateSeen::role, CertificateSeen::subject).containsExactly(
                tuple(CertificateSeen.Role.PEER, "CN=m1"),
                tuple(CertificateSeen.Role.CA, "CN=etcd-intermediate"),
                tuple(CertificateSeen.Role.CA, "CN=etcd-ca"));
        assertThat(all.stream().filter(r -> r.rule().id().equals("etcd-data-dir-permissions")).findFirst().orElseThrow()
                .certificates()).isEmpty();
    }

    @Test
    void clientProfileServesAsServerAndItsClientCertificateIsAClient() throws IOException {
        IssuedCertificate client = MemberFixture.CA.issue(LeafSpec.peer("m1-client").withUsages("clientAuth"));
        Path clientCert = dir.resolve("client.crt");
        client.writeCertificate(clientCert);
        client.writePrivateKey(dir.resolve("client.key"), KeyFormat.PKCS8);
        MemberFixture m = MemberFixture.tlsMember(dir).withClientTls()
                .flag("client-cert-file", clientCert.toString()).flag("client-key-file", dir.resolve("client.key").toString());
        Result r = m.evaluate("etcd-client-tls");
        assertThat(r.certificates()).extracting(CertificateSeen::role, CertificateSeen::setting).contains(
                tuple(CertificateSeen.Role.SERVER, "cert-file"),
                tuple(CertificateSeen.Role.CLIENT, "client-cert-file"),
                tuple(CertificateSeen.Role.CA, "trusted-ca-file"));
    }
}
