package dev.etcdguard.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** DNS names and raw IP addresses of a certificate's subject alternative name extension. */
record SubjectAltNames(List<String> dnsNames, List<byte[]> ipAddresses) {

    static SubjectAltNames of(X509Certificate cert) {
        byte[] extension = cert.getExtensionValue(Extension.subjectAlternativeName.getId());
        List<String> dns = new ArrayList<>();
        List<byte[]> ips = new ArrayList<>();
        if (extension == null) {
            return new SubjectAltNames(List.of(), List.of());
        }
        GeneralNames names = GeneralNames.getInstance(ASN1OctetString.getInstance(extension).getOctets());
        for (GeneralName name : names.getNames()) {
            switch (name.getTagNo()) {
                case GeneralName.dNSName -> dns.add(ASN1IA5String.getInstance(name.getName()).getString());
                case GeneralName.iPAddress -> ips.add(ASN1OctetString.getInstance(name.getName()).getOctets());
                default -> {
                    // email, URI and other name forms are not used for host checks
                }
            }
        }
        return new SubjectAltNames(List.copyOf(dns), List.copyOf(ips));
    }
}
