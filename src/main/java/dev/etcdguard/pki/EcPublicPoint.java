package dev.etcdguard.pki;

import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Whether an EC private key belongs to a certificate, decided as Go's crypto/x509 does: the public
 * point is computed from the private scalar (an embedded public key in the file is not trusted), then
 * compared with the certificate's. One fixed-base multiplication, no signature and no randomness.
 */
final class EcPublicPoint {

    private EcPublicPoint() {}

    /** True or false when decided; null when the curve is not a named curve BouncyCastle knows. */
    static Boolean matches(ECPublicKey publicKey, ECPrivateKey key) {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
        if (!(spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curveOid)) {
            return null;
        }
        X9ECParameters curve = CustomNamedCurves.getByOID(curveOid);
        if (curve == null) {
            return null;
        }
        if (key.getS().signum() <= 0 || key.getS().compareTo(curve.getN()) >= 0) {
            return false;
        }
        ECPoint q = new FixedPointCombMultiplier().multiply(curve.getG(), key.getS()).normalize();
        return q.getAffineXCoord().toBigInteger().equals(publicKey.getW().getAffineX())
                && q.getAffineYCoord().toBigInteger().equals(publicKey.getW().getAffineY());
    }
}
