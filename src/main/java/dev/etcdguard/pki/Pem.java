package dev.etcdguard.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Reads PEM certificate and private key files the way etcd (Go's crypto/tls and encoding/pem) does:
 * text around blocks is ignored, certificates come from "CERTIFICATE" blocks, and the key is the
 * first block whose type is "PRIVATE KEY" or ends in " PRIVATE KEY".
 */
public final class Pem {

    private static final String CERTIFICATE = "CERTIFICATE";
    private static final Map<String, String> KEY_FACTORY_BY_OID = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448",
            "1.3.101.110", "X25519",
            "1.3.101.111", "X448",
            "1.2.840.10040.4.1", "DSA");

    private Pem() {
    }

    /** Every CERTIFICATE block of {@code pem}, leaf first; Invalid if there is none or one does not parse. */
    public static CertificatesRead readCertificates(byte[] pem) {
        List<PemBlock> blocks = PemBlock.parseAll(pem);
        List<X509Certificate> chain = new ArrayList<>();
        int number = 0;
        for (PemBlock block : blocks) {
            if (!block.type().equals(CERTIFICATE)) {
                continue;
            }
            number++;
            if (block.broken()) {
                return new CertificatesRead.Invalid("certificate " + number + " is not valid PEM: " + block.problem());
            }
            try {
                chain.add(parseCertificate(block.content()));
            } catch (CertificateException | RuntimeException e) {
                return new CertificatesRead.Invalid("certificate " + number + " does not parse: " + SafeText.describe(e));
            }
        }
        if (chain.isEmpty()) {
            return new CertificatesRead.Invalid("no PEM CERTIFICATE block found" + foundTypes(blocks));
        }
        return new CertificatesRead.Parsed(chain);
    }

    /**
     * A trusted CA file read the way etcd 3.4 loads it (pkg/tlsutil.NewCertPool): every PEM block, whatever
     * its type, must parse as a certificate; etcd refuses to start otherwise ("x509: malformed certificate").
     */
    public static CertificatesRead readTrustedCertificates(byte[] pem) {
        List<PemBlock> blocks = PemBlock.parseAll(pem);
        List<X509Certificate> certificates = new ArrayList<>();
        int number = 0;
        for (PemBlock block : blocks) {
            number++;
            if (block.broken()) {
                return new CertificatesRead.Invalid("block " + number + " (" + block.type() + ") is not valid PEM: "
                        + block.problem());
            }
            try {
                certificates.add(parseCertificate(block.content()));
            } catch (CertificateException | RuntimeException e) {
                return new CertificatesRead.Invalid("block " + number + " (" + block.type()
                        + ") is not a certificate, so etcd refuses the whole file: " + SafeText.describe(e));
            }
        }
        if (certificates.isEmpty()) {
            return new CertificatesRead.Invalid("no PEM CERTIFICATE block found");
        }
        return new CertificatesRead.Parsed(certificates);
    }

    /** The first private key block of {@code pem}. */
    public static PrivateKeyRead readPrivateKey(byte[] pem) {
        List<PemBlock> blocks = PemBlock.parseAll(pem);
        Optional<PemBlock> found = blocks.stream()
                .filter(b -> b.type().equals("PRIVATE KEY") || b.type().endsWith(" PRIVATE KEY"))
                .findFirst();
        if (found.isEmpty()) {
            return new PrivateKeyRead.Invalid("no PEM PRIVATE KEY block found" + foundTypes(blocks));
        }
        PemBlock block = found.get();
        if (block.legacyEncrypted()) {
            return new PrivateKeyRead.Encrypted("legacy PEM " + formatOf(block.type()));
        }
        if (block.type().equals("ENCRYPTED PRIVATE KEY")) {
            return new PrivateKeyRead.Encrypted(PrivateKeyRead.PKCS8);
        }
        if (block.broken()) {
            return new PrivateKeyRead.Invalid(block.type() + " block is not valid PEM: " + block.problem());
        }
        String format = formatOf(block.type());
        try {
            return switch (block.type()) {
                case "PRIVATE KEY" -> parsePkcs8(block.content());
                case "RSA PRIVATE KEY" -> parsePkcs1(block.content());
                case "EC PRIVATE KEY" -> parseSec1(block.content());
                default -> new PrivateKeyRead.Invalid("unsupported private key block type \"" + block.type() + "\"");
            };
        } catch (GeneralSecurityException | RuntimeException e) {
            return new PrivateKeyRead.Invalid(format + " key does not parse: " + SafeText.describe(e));
        }
    }

    static X509Certificate parseCertificate(byte[] der) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    }

    private static PrivateKeyRead parsePkcs8(byte[] der) throws GeneralSecurityException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        String algorithm = KEY_FACTORY_BY_OID.get(oid);
        if (algorithm == null) {
            return new PrivateKeyRead.Invalid("unsupported PKCS#8 key algorithm " + oid);
        }
        return new PrivateKeyRead.Parsed(toPrivateKey(algorithm, der), PrivateKeyRead.PKCS8);
    }

    private static PrivateKeyRead parsePkcs1(byte[] der) throws GeneralSecurityException {
        RSAPrivateKey rsa = RSAPrivateKey.getInstance(der);
        PrivateKeyInfo info = wrap(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), rsa);
        return new PrivateKeyRead.Parsed(toPrivateKey("RSA", encoded(info)), PrivateKeyRead.PKCS1_RSA);
    }

    private static PrivateKeyRead parseSec1(byte[] der) throws GeneralSecurityException {
        ECPrivateKey ec = ECPrivateKey.getInstance(der);
        ASN1Encodable curve = ec.getParametersObject();
        if (curve == null) {
            return new PrivateKeyRead.Invalid("SEC1 EC key does not name its curve");
        }
        PrivateKeyInfo info = wrap(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec);
        return new PrivateKeyRead.Parsed(toPrivateKey("EC", encoded(info)), PrivateKeyRead.SEC1_EC);
    }

    private static PrivateKeyInfo wrap(AlgorithmIdentifier algorithm, ASN1Encodable key) {
        try {
            return new PrivateKeyInfo(algorithm, key);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot re-encode key structure", e);
        }
    }

    private static byte[] encoded(PrivateKeyInfo info) {
        try {
            return info.getEncoded();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot re-encode key structure", e);
        }
    }

    private static PrivateKey toPrivateKey(String algorithm, byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    private static String formatOf(String type) {
        return switch (type) {
            case "PRIVATE KEY" -> PrivateKeyRead.PKCS8;
            case "RSA PRIVATE KEY" -> PrivateKeyRead.PKCS1_RSA;
            case "EC PRIVATE KEY" -> PrivateKeyRead.SEC1_EC;
            default -> type;
        };
    }

    private static String foundTypes(List<PemBlock> blocks) {
        if (blocks.isEmpty()) {
            return "";
        }
        Set<String> types = new LinkedHashSet<>();
        blocks.forEach(b -> types.add(b.type()));
        return " (found " + String.join(", ", types) + ")";
    }
}
