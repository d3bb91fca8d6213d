package dev.etcdguard.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChainProblemTest {

    private static final CertificateAuthority ROOT = TestPki.CA;

    @Test
    void leafIssuedByTheAnchorChains() {
        IssuedCertificate leaf = ROOT.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate()), List.of(ROOT.certificate()))).isEmpty();
    }

    @Test
    void leafChainsThroughAnIntermediateInTheChain() {
        CertificateAuthority intermediate = ROOT.intermediate("etcd-intermediate");
        IssuedCertificate leaf = intermediate.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate(), intermediate.certificate()),
                List.of(ROOT.certificate()))).isEmpty();
    }

    @Test
    void intermediateMissingFromTheChainIsReported() {
        CertificateAuthority intermediate = ROOT.intermediate("etcd-intermediate");
        IssuedCertificate leaf = intermediate.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate()), List.of(ROOT.certificate())))
                .contains("issued by CN=etcd-intermediate, which is not in the trusted CA file");
    }

    @Test
    void otherCaIsReportedByName() {
        CertificateAuthority other = CertificateAuthority.create("other-ca");
        IssuedCertificate leaf = other.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate()), List.of(ROOT.certificate())))
                .contains("issued by CN=other-ca, which is not in the trusted CA file");
    }

    @Test
    void chainEndingAtAnUntrustedRootSaysWhereItEnds() {
        CertificateAuthority other = CertificateAuthority.create("other-ca");
        CertificateAuthority intermediate = other.intermediate("other-intermediate");
        IssuedCertificate leaf = intermediate.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate(), intermediate.certificate()),
                List.of(ROOT.certificate())))
                .contains("issued by CN=other-ca, which is not in the trusted CA file (chain ends at CN=other-intermediate)");
    }

    @Test
    void sameNameDifferentKeyFailsTheSignature() {
        CertificateAuthority impostor = CertificateAuthority.create("etcdguard-test-ca");
        IssuedCertificate leaf = impostor.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate()), List.of(ROOT.certificate())))
                .contains("signature of CN=m1 does not verify against CN=etcdguard-test-ca from the trusted CA file");
    }

    @Test
    void anyAnchorOfTheBundleWillDo() {
        CertificateAuthority other = CertificateAuthority.create("other-ca");
        IssuedCertificate leaf = ROOT.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate()),
                List.of(other.certificate(), ROOT.certificate()))).isEmpty();
    }

    @Test
    void leafThatIsItselfAnAnchorCounts() {
        IssuedCertificate leaf = ROOT.issue(LeafSpec.peer("m1"));
        CertificateAuthority selfSigned = CertificateAuthority.create("self");

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate()), List.of(leaf.certificate()))).isEmpty();
        assertThat(CertificateFacts.chainProblem(List.of(selfSigned.certificate()), List.of(ROOT.certificate())))
                .contains("CN=self is self-signed and is not in the trusted CA file");
    }

    @Test
    void emptyTrustBundleIsAProblem() {
        IssuedCertificate leaf = ROOT.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate()), List.of()))
                .contains("the trusted CA file holds no certificate");
    }

    @Test
    void leafCertificateCannotActAsIntermediate() {
        IssuedCertificate notACa = ROOT.issue(LeafSpec.peer("not-a-ca"));
        CertificateAuthority misusedLeaf = CertificateAuthority.signingWith(notACa, KeyType.EC_P256);
        IssuedCertificate leaf = misusedLeaf.issue(LeafSpec.peer("m1"));

        assertThat(CertificateFacts.chainProblem(List.of(leaf.certificate(), notACa.certificate()),
                List.of(ROOT.certificate())))
                .contains("intermediate CN=not-a-ca is not a CA certificate (basicConstraints CA:FALSE or absent)");
    }
}
