package dev.etcdguard.pki;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** Outcome of reading a PEM certificate file: the chain (leaf first) or why it could not be read. */
public sealed interface CertificatesRead permits CertificatesRead.Parsed, CertificatesRead.Invalid {

    /** Every CERTIFICATE block of the file, in file order (leaf first by convention). Never empty. */
    record Parsed(List<X509Certificate> chain) implements CertificatesRead {
        public Parsed {
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a parsed chain has at least one certificate");
            }
        }

        /** The first certificate of the file, the one a server presents as its own. */
        public X509Certificate leaf() {
            return chain.getFirst();
        }
    }

    /** The file is not a usable PEM certificate file; {@code reason} is meant for humans. */
    record Invalid(String reason) implements CertificatesRead {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
