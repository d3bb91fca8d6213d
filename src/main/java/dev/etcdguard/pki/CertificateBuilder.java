package dev.etcdguard.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Assembles and signs X.509 v3 certificates with BouncyCastle's builder and the JDK's signature providers. */
final class CertificateBuilder {

    private static final Duration CA_LIFETIME = Duration.ofDays(3650);

    private CertificateBuilder() {
    }

    /** A CA certificate; {@code pathLength} -1 = unlimited; self-signed when {@code issuerCert} is null. */
    static X509Certificate caCertificate(String commonName, PublicKey subjectKey, X509Certificate issuerCert,
            PrivateKey signerKey, String signatureAlgorithm, BigInteger serial, int pathLength) {
        Instant notBefore = CertificateAuthority.caNotBefore();
        X500Name subject = new X500Name("CN=" + escape(commonName));
        X500Name issuer = issuerCert == null ? subject : X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
                Date.from(notBefore.plus(CA_LIFETIME)), subject, subjectKey);
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true,
                    pathLength < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLength));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            if (issuerCert != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerCert));
            }
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build CA certificate", e);
        }
        return sign(builder, signerKey, signatureAlgorithm);
    }

    static X509Certificate leafCertificate(LeafSpec spec, PublicKey subjectKey, CertificateAuthority ca,
            String signatureAlgorithm, BigInteger serial) {
        X509Certificate caCert = ca.certificate();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, serial, Date.from(spec.notBefore()),
                Date.from(spec.notAfter()), new X500Name("CN=" + escape(spec.commonName())), subjectKey);
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            int usage = KeyUsage.digitalSignature | (spec.keyType().isRsa() ? KeyUsage.keyEncipherment : 0);
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            if (!spec.extendedKeyUsages().isEmpty()) {
                builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(spec));
            }
            GeneralNames names = subjectAltNames(spec);
            if (names != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, names);
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(caCert));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build leaf certificate", e);
        }
        return sign(builder, ca.keyPair().getPrivate(), signatureAlgorithm);
    }

    private static ExtendedKeyUsage extendedKeyUsage(LeafSpec spec) {
        List<KeyPurposeId> purposes = new ArrayList<>();
        for (String usage : spec.extendedKeyUsages()) {
            purposes.add(switch (usage) {
                case CertificateFacts.SERVER_AUTH -> KeyPurposeId.id_kp_serverAuth;
                case CertificateFacts.CLIENT_AUTH -> KeyPurposeId.id_kp_clientAuth;
                case CertificateFacts.ANY_EXTENDED_KEY_USAGE -> KeyPurposeId.anyExtendedKeyUsage;
                default -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(usage));
            });
        }
        return new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new));
    }

    private static GeneralNames subjectAltNames(LeafSpec spec) {
        List<GeneralName> names = new ArrayList<>();
        spec.dnsNames().forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        for (String ip : spec.ipAddresses()) {
            byte[] address = IpText.parse(ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip)
                    .orElseThrow(() -> new IllegalArgumentException("not an IP address: " + ip));
            byte[] octets = isV4Mapped(address) ? Arrays.copyOfRange(address, 12, 16) : address;
            names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(octets)));
        }
        return names.isEmpty() ? null : new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean isV4Mapped(byte[] a) {
        return IpText.format(a).map(text -> text.indexOf(':') < 0).orElse(false);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signerKey, String algorithm) {
        ContentSigner signer;
        try {
            signer = new JcaContentSignerBuilder(algorithm).build(signerKey);
        } catch (OperatorCreationException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot sign with " + algorithm + " using the CA's "
                    + signerKey.getAlgorithm() + " key (create the CA with a matching KeyType): " + SafeText.describe(e), e);
        }
        try {
            return Pem.parseCertificate(builder.build(signer).getEncoded());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot encode signed certificate", e);
        }
    }

    /** RFC 4514 escaping of a CN value. */
    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (",+\"\\<>;=".indexOf(c) >= 0 || (i == 0 && (c == '#' || c == ' ')) || (i == value.length() - 1 && c == ' ')) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
