package dev.etcdguard.pki;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Facts about certificates that security rules need, with Go crypto/x509 semantics where etcd relies on them. */
public final class CertificateFacts {

    public static final String SERVER_AUTH = "serverAuth";
    public static final String CLIENT_AUTH = "clientAuth";
    public static final String ANY_EXTENDED_KEY_USAGE = "anyExtendedKeyUsage";

    private static final Map<String, String> EKU_NAMES = Map.of(
            "1.3.6.1.5.5.7.3.1", SERVER_AUTH,
            "1.3.6.1.5.5.7.3.2", CLIENT_AUTH,
            "2.5.29.37.0", ANY_EXTENDED_KEY_USAGE);

    /** Signature algorithm OIDs using MD2, MD5 or SHA-1. */
    private static final Set<String> WEAK_SIGNATURE_OIDS = Set.of(
            "1.2.840.113549.1.1.2", // md2WithRSAEncryption
            "1.2.840.113549.1.1.4", // md5WithRSAEncryption
            "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
            "1.3.14.3.2.29", // sha1WithRSA (OIW)
            "1.2.840.10045.4.1", // ecdsa-with-SHA1
            "1.2.840.10040.4.3"); // dsa-with-sha1

    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateFacts() {
    }

    /** Strength of the certificate's public key: RSA modulus bits, EC field bits, 256 for Ed25519. */
    public record KeyStrength(String algorithm, int bits) {
    }

    /** True iff {@code key} is the private half of the certificate's public key (RSA, EC, Ed25519, Ed448). */
    public static boolean keyMatches(X509Certificate cert, PrivateKey key) {
        PublicKey publicKey = cert.getPublicKey();
        if (publicKey instanceof RSAPublicKey rsaPublic && key instanceof RSAKey rsaPrivate) {
            boolean sameModulus = rsaPublic.getModulus().equals(rsaPrivate.getModulus());
            if (key instanceof RSAPrivateCrtKey crt) {
                return sameModulus && crt.getPublicExponent().equals(rsaPublic.getPublicExponent());
            }
            return sameModulus;
        }
        if (publicKey instanceof ECPublicKey ecPublic && key instanceof ECPrivateKey ecPrivate) {
            Boolean computed = EcPublicPoint.matches(ecPublic, ecPrivate);
            return computed != null ? computed : signsFor(publicKey, key, "SHA256withECDSA");
        }
        if (publicKey instanceof EdECPublicKey edPublic && key instanceof EdECPrivateKey edPrivate) {
            String curve = edPublic.getParams().getName();
            return curve.equals(edPrivate.getParams().getName()) && signsFor(publicKey, key, curve);
        }
        return false;
    }

    private static boolean signsFor(PublicKey publicKey, PrivateKey key, String algorithm) {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // e.g. keys on different curves
        }
    }

    /**
     * Extended key usages in certificate order: "serverAuth", "clientAuth", "anyExtendedKeyUsage", any other
     * as its dotted OID. Empty when the certificate has no extended key usage extension.
     */
    public static Set<String> extendedKeyUsages(X509Certificate cert) {
        List<String> oids;
        try {
            oids = cert.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("extended key usage extension does not parse: " + SafeText.describe(e), e);
        }
        if (oids == null) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        oids.forEach(oid -> names.add(EKU_NAMES.getOrDefault(oid, oid)));
        return Collections.unmodifiableSet(names);
    }

    /**
     * Go crypto/x509 semantics: a certificate without the extension allows every usage, anyExtendedKeyUsage
     * allows every usage, otherwise {@code usage} ("serverAuth", "clientAuth" or a dotted OID) must be listed.
     */
    public static boolean allowsUsage(X509Certificate cert, String usage) {
        Set<String> usages = extendedKeyUsages(cert);
        String wanted = EKU_NAMES.getOrDefault(usage, usage);
        return usages.isEmpty() || usages.contains(ANY_EXTENDED_KEY_USAGE) || usages.contains(wanted);
    }

    /** DNS subject alternative names, in certificate order. */
    public static List<String> dnsNames(X509Certificate cert) {
        return SubjectAltNames.of(cert).dnsNames();
    }

    /**
     * IP subject alternative names in Go's net.IP.String() form: "10.0.0.1" for IPv4 (and IPv4-mapped IPv6),
     * RFC 5952 for IPv6 ("::1", "fd00::a"). Entries of a length other than 4 or 16 bytes are skipped.
     */
    public static List<String> ipAddresses(X509Certificate cert) {
        return SubjectAltNames.of(cert).ipAddresses().stream().flatMap(a -> IpText.format(a).stream()).toList();
    }

    /**
     * Go's VerifyHostname: an IP literal (IPv4, or IPv6 with or without brackets) must equal an IP SAN; any
     * other host must match a DNS SAN, case-insensitively, where "*." as the whole first label matches exactly
     * one label. The subject CN is never used.
     */
    public static boolean coversHost(X509Certificate cert, String host) {
        String candidate = host;
        if (candidate.length() >= 3 && candidate.startsWith("[") && candidate.endsWith("]")) {
            candidate = candidate.substring(1, candidate.length() - 1);
        }
        SubjectAltNames sans = SubjectAltNames.of(cert);
        Optional<byte[]> ip = IpText.parse(candidate);
        if (ip.isPresent()) {
            return sans.ipAddresses().stream()
                    .filter(a -> a.length == 4 || a.length == 16)
                    .anyMatch(a -> IpText.sameAddress(a, ip.get()));
        }
        return sans.dnsNames().stream().anyMatch(pattern -> HostnameMatch.matches(pattern, host));
    }

    public static KeyStrength keyStrength(X509Certificate cert) {
        PublicKey key = cert.getPublicKey();
        if (key instanceof RSAPublicKey rsa) {
            return new KeyStrength("RSA", rsa.getModulus().bitLength());
        }
        if (key instanceof ECPublicKey ec) {
            return new KeyStrength("EC", ec.getParams().getCurve().getField().getFieldSize());
        }
        if (key instanceof EdECPublicKey ed) {
            String curve = ed.getParams().getName();
            return new KeyStrength(curve, curve.equalsIgnoreCase("Ed448") ? 448 : 256);
        }
        if (key instanceof DSAPublicKey dsa) {
            return new KeyStrength("DSA", dsa.getParams().getP().bitLength());
        }
        return new KeyStrength(key.getAlgorithm(), 0);
    }

    /** True when the certificate's signature uses MD2, MD5 or SHA-1 (by OID, or by algorithm name). */
    public static boolean weakSignature(X509Certificate cert) {
        if (WEAK_SIGNATURE_OIDS.contains(cert.getSigAlgOID())) {
            return true;
        }
        String name = cert.getSigAlgName().toUpperCase(Locale.ROOT).replace("-", "");
        return name.startsWith("SHA1WITH") || name.startsWith("MD5WITH") || name.startsWith("MD2WITH");
    }

    /** SHA-256 of the DER encoding as uppercase hex pairs joined by ':', like {@code openssl x509 -fingerprint -sha256}. */
    public static String sha256Fingerprint(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }

    /**
     * Empty when the leaf ({@code chain.get(0)}) is one of the anchors, or chains to one through the other
     * certificates of {@code chain} by issuer name and signature. Otherwise a reason for humans. Validity
     * dates are not checked here.
     */
    public static Optional<String> chainProblem(List<X509Certificate> chain, List<X509Certificate> trustAnchors) {
        return ChainCheck.problem(chain, trustAnchors);
    }

    /** One line for evidence: subject, issuer and expiry. */
    public static String describe(X509Certificate cert) {
        return "subject=" + cert.getSubjectX500Principal().getName()
                + ", issuer=" + cert.getIssuerX500Principal().getName()
                + ", notAfter=" + cert.getNotAfter().toInstant();
    }

    /** The canonical text of {@code host} when it is an IPv4 or IPv6 literal (brackets allowed), else empty. */
    public static Optional<String> ipLiteral(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return IpText.parse(bare).flatMap(IpText::format);
    }
}
