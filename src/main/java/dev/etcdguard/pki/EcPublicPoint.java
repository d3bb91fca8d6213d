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

    /**
     * Verdicts already computed, by SHA-256 of (public key encoding, private scalar): the agent rescans the same
     * files every few minutes, and the multiplication is most of a warm rescan. Content-addressed, so a changed
     * certificate or key is a new entry; only digests are kept, never the scalar. At most {@link #CACHED} entries.
     */
    private static final int CACHED = 256;
    private static final java.util.Map<java.nio.ByteBuffer, Boolean> VERDICTS = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<java.nio.ByteBuffer, Boolean> eldest) {
                    return size() > CACHED;
                }
            });

    /** True or false when decided; null when the curve is not a named curve BouncyCastle knows. */
    static Boolean matches(ECPublicKey publicKey, ECPrivateKey key) {
        java.nio.ByteBuffer id = id(publicKey, key);
        Boolean known = VERDICTS.get(id);
        if (known != null) {
            return known;
        }
        Boolean verdict = compute(publicKey, key);
        if (verdict != null) {
            VERDICTS.put(id, verdict);
        }
        return verdict;
    }

    private static java.nio.ByteBuffer id(ECPublicKey publicKey, ECPrivateKey key) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            byte[] pub = publicKey.getEncoded();
            sha.update(java.nio.ByteBuffer.allocate(4).putInt(pub.length).array());
            sha.update(pub);
            sha.update(key.getS().toByteArray());
            return java.nio.ByteBuffer.wrap(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static Boolean compute(ECPublicKey publicKey, ECPrivateKey key) {
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
