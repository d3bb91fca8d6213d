package dev.etcdguard.pki;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/** Path building from a leaf to a trust anchor by issuer name and signature, ignoring validity dates. */
final class ChainCheck {

    private ChainCheck() {
    }

    static Optional<String> problem(List<X509Certificate> chain, List<X509Certificate> anchors) {
        if (chain.isEmpty()) {
            return Optional.of("no certificate to check");
        }
        if (anchors.isEmpty()) {
            return Optional.of("the trusted CA file holds no certificate");
        }
        X509Certificate current = chain.getFirst();
        if (anchors.contains(current)) {
            return Optional.empty();
        }
        List<X509Certificate> pool = new ArrayList<>(chain.subList(1, chain.size()));
        while (true) {
            X500Principal issuer = current.getIssuerX500Principal();
            List<X509Certificate> trusted = withSubject(anchors, issuer);
            for (X509Certificate anchor : trusted) {
                if (signedBy(current, anchor)) {
                    return Optional.empty();
                }
            }
            if (!trusted.isEmpty()) {
                return Optional.of("signature of " + name(current.getSubjectX500Principal()) + " does not verify against " + name(issuer)
                        + " from the trusted CA file");
            }
            List<X509Certificate> intermediates = withSubject(pool, issuer);
            intermediates.remove(current);
            X509Certificate next = null;
            for (X509Certificate candidate : intermediates) {
                if (signedBy(current, candidate)) {
                    next = candidate;
                    break;
                }
            }
            if (next == null && !intermediates.isEmpty()) {
                return Optional.of("signature of " + name(current.getSubjectX500Principal()) + " does not verify against " + name(issuer));
            }
            if (next == null) {
                return Optional.of(unknownIssuer(current, chain.getFirst()));
            }
            if (next.getBasicConstraints() < 0) {
                return Optional.of("intermediate " + name(next.getSubjectX500Principal())
                        + " is not a CA certificate (basicConstraints CA:FALSE or absent)");
            }
            pool.remove(next);
            current = next;
        }
    }

    private static String unknownIssuer(X509Certificate current, X509Certificate leaf) {
        X500Principal issuer = current.getIssuerX500Principal();
        if (issuer.equals(current.getSubjectX500Principal())) {
            return name(issuer) + " is self-signed and is not in the trusted CA file";
        }
        String reason = "issued by " + name(issuer) + ", which is not in the trusted CA file";
        if (current != leaf) {
            reason += " (chain ends at " + name(current.getSubjectX500Principal()) + ")";
        }
        return reason;
    }

    private static List<X509Certificate> withSubject(List<X509Certificate> certs, X500Principal subject) {
        List<X509Certificate> matching = new ArrayList<>();
        for (X509Certificate cert : certs) {
            if (cert.getSubjectX500Principal().equals(subject)) {
                matching.add(cert);
            }
        }
        return matching;
    }

    private static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String name(X500Principal principal) {
        String text = principal.getName();
        return text.isEmpty() ? "(empty name)" : text;
    }
}
