package dev.etcdguard.rules;

import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.PrivateKeyRead;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Primitives over a TLS profile's certificate, key and CA files. */
final class TlsChecks {

    private TlsChecks() {}

    static CheckResult autoTlsNotInEffect(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        Resolved auto = s.config.get(p.autoTls);
        boolean filesSet = !s.config.get(p.certFile).isEmpty() && !s.config.get(p.keyFile).isEmpty();
        List<Evidence> evidence = List.of(new Evidence.Setting(auto));
        if (!auto.isTrue()) {
            return Outcome.pass(spec, p.autoTls + " is off", evidence);
        }
        if (filesSet) {
            return Outcome.pass(spec, p.autoTls + " is set but unused: the configured certificate files take precedence",
                    evidence);
        }
        return Outcome.fail(spec, p.autoTls + " is in effect: etcd generates a self-signed certificate no peer can"
                + " verify, and silently drops " + (p == TlsProfile.PEER ? "peer-client-cert-auth" : "client-cert-auth"),
                evidence);
    }

    static CheckResult filesReadable(CheckSpec spec, Subject s) {
        TlsMaterial m = s.tls(TlsProfile.of(spec.string("tls")));
        List<FileRead> files = new ArrayList<>();
        for (FileRead f : new FileRead[] {m.certFile(), m.keyFile(), m.caFile(), m.clientCertFile()}) {
            if (f != null) {
                files.add(f);
            }
        }
        if (files.isEmpty()) {
            return Outcome.notEvaluated(spec, "no certificate files are configured", List.of());
        }
        List<Evidence> evidence = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Status status = null; // the worst problem's status; a file that is elsewhere makes the check NOT_APPLICABLE
        for (FileRead f : files) {
            switch (f) {
                case FileRead.Ok ok -> evidence.add(new Evidence.File(ok.path(), ok.bytes().length + " bytes"
                        + (ok.hasOwnership() ? ", regular file, mode " + ok.modeOctal() + ", owner uid " + ok.uid() : "")));
                case FileRead.Problem problem -> {
                    problems.add(problem.reason());
                    status = status == null ? problem.status() : Status.worse(status, problem.status());
                }
            }
        }
        if (status == null) {
            return Outcome.pass(spec, files.size() + " file(s) exist, are regular and readable", evidence);
        }
        return Outcome.of(spec, status, String.join("; ", problems), evidence);
    }

    static CheckResult certParses(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        TlsMaterial m = s.tls(p);
        if (m.certs() == null) {
            return notRead(spec, p.certFile, m.certFile());
        }
        String path = m.certFile().path();
        return switch (m.certs()) {
            case CertificatesRead.Invalid invalid ->
                    Outcome.fail(spec, p.certFile + " " + path + " is not a usable certificate: " + invalid.reason(),
                            List.of(new Evidence.Setting(m.certSetting())));
            case CertificatesRead.Parsed parsed -> Outcome.pass(spec, p.certFile + " holds "
                    + (parsed.chain().size() == 1 ? "a certificate" : "a chain of " + parsed.chain().size() + " certificates"),
                    List.of(certEvidence(path, parsed.chain().get(0))));
        };
    }

    /** The trusted-CA file holds CA certificates the program can parse. */
    static CheckResult caParses(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        TlsMaterial m = s.tls(p);
        if (m.ca() == null) {
            return notRead(spec, p.trustedCaFile, m.caFile());
        }
        String path = m.caFile().path();
        return switch (m.ca()) {
            case CertificatesRead.Invalid invalid -> Outcome.fail(spec, p.trustedCaFile + " " + path
                    + " is not a usable CA bundle: " + invalid.reason(), List.of(new Evidence.Setting(m.caSetting())));
            case CertificatesRead.Parsed parsed -> Outcome.pass(spec, p.trustedCaFile + " holds "
                    + parsed.chain().size() + " CA certificate(s)", List.of(new Evidence.Setting(m.caSetting()),
                    certEvidence(path, parsed.chain().get(0))));
        };
    }

    static CheckResult keyParses(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        TlsMaterial m = s.tls(p);
        if (m.key() == null) {
            return notRead(spec, p.keyFile, m.keyFile());
        }
        String path = m.keyFile().path();
        return switch (m.key()) {
            case PrivateKeyRead.Encrypted enc -> Outcome.fail(spec, p.keyFile + " " + path + " is an encrypted private key ("
                    + enc.format() + "): etcd cannot use an encrypted key", List.of(new Evidence.Setting(m.keySetting())));
            case PrivateKeyRead.Invalid invalid -> Outcome.fail(spec, p.keyFile + " " + path
                    + " is not a usable private key: " + invalid.reason(), List.of(new Evidence.Setting(m.keySetting())));
            case PrivateKeyRead.Parsed parsed -> Outcome.pass(spec, p.keyFile + " holds a " + parsed.format() + " "
                    + parsed.key().getAlgorithm() + " private key", List.of(new Evidence.File(path,
                    "format " + parsed.format() + ", algorithm " + parsed.key().getAlgorithm())));
        };
    }

    static CheckResult keyMatchesCert(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        TlsMaterial m = s.tls(p);
        X509Certificate leaf = m.leaf();
        if (leaf == null || m.privateKey() == null) {
            List<String> unset = new ArrayList<>();
            if (m.certFile() == null) {
                unset.add(p.certFile);
            }
            if (m.keyFile() == null) {
                unset.add(p.keyFile);
            }
            return Outcome.notEvaluated(spec, unset.isEmpty()
                    ? "not evaluated: needs a parsed " + p.certFile + " and " + p.keyFile
                    : "not evaluated: " + SettingChecks.join(unset) + (unset.size() == 1 ? " is" : " are") + " not set",
                    List.of());
        }
        List<Evidence> evidence = List.of(new Evidence.Setting(m.certSetting()), new Evidence.Setting(m.keySetting()));
        if (CertificateFacts.keyMatches(leaf, m.privateKey())) {
            return Outcome.pass(spec, p.keyFile + " matches the certificate in " + p.certFile, evidence);
        }
        return Outcome.fail(spec, p.keyFile + " does not match the certificate in " + p.certFile
                + " (" + p.component.program() + " refuses to start, or fails every handshake)", evidence);
    }

    static CheckResult certValidity(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        X509Certificate leaf = s.tls(p).leaf();
        if (leaf == null) {
            return needsCert(spec, p, s.tls(p));
        }
        Instant now = s.options.now();
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        List<Evidence> evidence = List.of(new Evidence.File(s.tls(p).certFile().path(),
                "valid from " + notBefore + " until " + notAfter));
        if (now.isBefore(notBefore)) {
            return Outcome.fail(spec, "certificate is not valid before " + notBefore, evidence);
        }
        if (now.isAfter(notAfter)) {
            return Outcome.fail(spec, "certificate expired on " + notAfter + ": " + p.verifiers + " reject it", evidence);
        }
        long daysLeft = Duration.between(now, notAfter).toDays();
        if (daysLeft < s.options.expiryWarnDays()) {
            return Outcome.warn(spec, "certificate expires in " + daysLeft + " day(s), on " + notAfter, evidence);
        }
        return Outcome.pass(spec, "certificate is valid until " + notAfter + " (" + daysLeft + " days)", evidence);
    }

    /**
     * The extended key usages the document's {@code usages} names (default serverAuth and clientAuth: a
     * peer certificate serves and dials). clientAuth may come from a separate client certificate (3.5).
     */
    static CheckResult certEku(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        TlsMaterial m = s.tls(p);
        X509Certificate leaf = m.leaf();
        if (leaf == null) {
            return needsCert(spec, p, m);
        }
        List<String> usages = spec.list("usages").isEmpty() ? List.of("serverAuth", "clientAuth") : spec.list("usages");
        List<Evidence> evidence = new ArrayList<>();
        evidence.add(new Evidence.File(m.certFile().path(), "extended key usages " + ekuText(leaf)));
        boolean separateClientCert = usages.contains("clientAuth") && m.clientCerts() instanceof CertificatesRead.Parsed;
        X509Certificate dialing = separateClientCert ? ((CertificatesRead.Parsed) m.clientCerts()).chain().get(0) : leaf;
        if (separateClientCert) {
            evidence.add(new Evidence.File(m.clientCertFile().path(), "extended key usages " + ekuText(dialing)));
        }
        List<String> missing = new ArrayList<>();
        if (usages.contains("serverAuth") && !CertificateFacts.allowsUsage(leaf, "serverAuth")) {
            missing.add(p.certFile + " lacks serverAuth: " + (p == TlsProfile.PEER ? "members" : "clients")
                    + " cannot verify this member's listener");
        }
        if (usages.contains("clientAuth") && !CertificateFacts.allowsUsage(dialing, "clientAuth")) {
            missing.add((separateClientCert ? p.clientCertFile : p.certFile) + " lacks clientAuth: etcd presents it when"
                    + " dialing other members, and they reject the connection (the cluster still looks healthy)");
        }
        if (missing.isEmpty()) {
            return Outcome.pass(spec, "extended key usages allow " + String.join(" and ", usages)
                    + (separateClientCert ? " (clientAuth from " + p.clientCertFile + ")" : ""), evidence);
        }
        return Outcome.fail(spec, String.join("; ", missing), evidence);
    }

    static CheckResult certSan(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        TlsMaterial m = s.tls(p);
        X509Certificate leaf = m.leaf();
        if (leaf == null) {
            return needsCert(spec, p, m);
        }
        Set<String> hosts = new LinkedHashSet<>();
        List<Evidence> evidence = new ArrayList<>();
        for (String name : p.advertisedUrls) {
            boolean own = name.equals(SettingChecks.OWN_INITIAL_CLUSTER);
            Resolved r = s.config.get(own ? "initial-cluster" : name);
            evidence.add(new Evidence.Setting(r));
            for (String url : own ? s.config.ownInitialClusterUrls() : r.elements()) {
                String host = host(url);
                if (host != null) {
                    hosts.add(host);
                }
            }
        }
        evidence.add(new Evidence.File(m.certFile().path(), "DNS SANs " + CertificateFacts.dnsNames(leaf)
                + ", IP SANs " + CertificateFacts.ipAddresses(leaf)));
        if (hosts.isEmpty()) {
            return Outcome.notEvaluated(spec, "no advertised host to compare with the certificate", evidence);
        }
        List<String> uncovered = hosts.stream().filter(h -> !CertificateFacts.coversHost(leaf, h)).toList();
        if (uncovered.isEmpty()) {
            return Outcome.pass(spec, "certificate SANs cover " + String.join(", ", hosts), evidence);
        }
        return Outcome.fail(spec, "certificate SANs do not cover " + String.join(", ", uncovered)
                + ": members dialing that address reject the certificate", evidence);
    }

    static CheckResult keyStrength(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        X509Certificate leaf = s.tls(p).leaf();
        if (leaf == null) {
            return needsCert(spec, p, s.tls(p));
        }
        CertificateFacts.KeyStrength strength = CertificateFacts.keyStrength(leaf);
        List<Evidence> evidence = List.of(new Evidence.File(s.tls(p).certFile().path(), "key " + strength.algorithm()
                + " " + strength.bits() + " bits, signature " + leaf.getSigAlgName()));
        List<String> weak = new ArrayList<>();
        String alg = strength.algorithm();
        if (alg.equals("RSA") && strength.bits() < 2048) {
            weak.add("RSA key of " + strength.bits() + " bits (needs at least 2048)");
        } else if (alg.equals("EC") && strength.bits() < 256) {
            weak.add("EC key of " + strength.bits() + " bits (needs at least 256)");
        }
        if (CertificateFacts.weakSignature(leaf)) {
            weak.add("signature algorithm " + leaf.getSigAlgName() + " (SHA-1 and MD5 are broken)");
        }
        if (weak.isEmpty()) {
            return Outcome.pass(spec, alg + " " + strength.bits() + "-bit key, " + leaf.getSigAlgName() + " signature",
                    evidence);
        }
        return Outcome.fail(spec, "weak certificate: " + String.join("; ", weak), evidence);
    }

    /**
     * No certificate of the chain in the cert file (the leaf and intermediates; not a self-signed root) is signed with
     * SHA-1 or MD5: Go 1.18 and later reject such signatures when they verify a chain (etcd 3.4.23 as Debian builds it
     * with Go 1.19: peers with SHA-1-signed certificates reject each other, no leader is elected), so the verifiers
     * of this certificate refuse it.
     */
    static CheckResult certSignature(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        TlsMaterial m = s.tls(p);
        if (!(m.certs() instanceof CertificatesRead.Parsed parsed)) {
            return Outcome.notEvaluated(spec, "not evaluated: needs a parsed " + p.certFile, List.of());
        }
        List<Evidence> evidence = new ArrayList<>();
        List<String> weak = new ArrayList<>();
        for (X509Certificate cert : parsed.chain()) {
            if (cert != parsed.chain().get(0) && cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
                continue; // a root's self-signature is not verified
            }
            evidence.add(new Evidence.File(m.certFile().path(), cert.getSubjectX500Principal().getName() + ": signature "
                    + cert.getSigAlgName()));
            if (CertificateFacts.weakSignature(cert)) {
                weak.add(cert.getSubjectX500Principal().getName() + " is signed with " + cert.getSigAlgName());
            }
        }
        if (weak.isEmpty()) {
            return Outcome.pass(spec, p.certFile + " is signed with " + parsed.chain().get(0).getSigAlgName(), evidence);
        }
        return Outcome.fail(spec, String.join("; ", weak) + ": " + p.verifiers + " built with Go 1.18 or later (etcd"
                + " 3.4.23 as Debian builds it, current etcd and Kubernetes releases) reject SHA-1 and MD5 signatures",
                evidence);
    }

    static CheckResult keyFilePermissions(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        TlsMaterial m = s.tls(p);
        if (!(m.keyFile() instanceof FileRead.Ok key)) {
            return notRead(spec, p.keyFile, m.keyFile());
        }
        if (!key.hasOwnership()) {
            return Outcome.notEvaluated(spec, "not evaluated: " + p.keyFile + " has no file mode or owner here", List.of());
        }
        List<Evidence> evidence = List.of(new Evidence.File(key.path(), "mode " + key.modeOctal() + ", owner uid "
                + key.uid() + (s.runAsUid >= 0 ? ", " + p.component.program() + " runs as uid " + s.runAsUid : "")));
        List<String> problems = new ArrayList<>();
        if ((key.mode() & 0177) != 0) {
            problems.add("mode " + key.modeOctal() + " is wider than 0600");
        }
        if (key.uid() != 0 && key.uid() != s.runAsUid) {
            problems.add("owner uid " + key.uid() + " is neither root nor the user " + p.component.program() + " runs as"
                    + (s.runAsUid >= 0 ? " (uid " + s.runAsUid + ")" : ""));
        }
        if (problems.isEmpty()) {
            return Outcome.pass(spec, p.keyFile + " has mode " + key.modeOctal() + " and owner uid " + key.uid(), evidence);
        }
        return Outcome.fail(spec, p.keyFile + " " + key.path() + ": " + String.join("; ", problems), evidence);
    }

    static CheckResult certChain(CheckSpec spec, Subject s) {
        TlsProfile p = TlsProfile.of(spec.string("tls"));
        TlsMaterial m = s.tls(p);
        if (m.caSetting().isEmpty()) {
            return Outcome.notEvaluated(spec, p.trustedCaFile + " is not set: nothing to chain to",
                    List.of(new Evidence.Setting(m.caSetting())));
        }
        if (m.leaf() == null || m.ca() == null) {
            return Outcome.notEvaluated(spec, "not evaluated: needs a parsed " + p.certFile + " and a readable "
                    + p.trustedCaFile, List.of(new Evidence.Setting(m.caSetting())));
        }
        if (m.ca() instanceof CertificatesRead.Invalid invalid) {
            return Outcome.fail(spec, p.trustedCaFile + " is not a usable CA bundle: " + invalid.reason(),
                    List.of(new Evidence.Setting(m.caSetting())));
        }
        List<X509Certificate> anchors = ((CertificatesRead.Parsed) m.ca()).chain();
        List<X509Certificate> chain = ((CertificatesRead.Parsed) m.certs()).chain();
        List<Evidence> evidence = List.of(new Evidence.Setting(m.caSetting()),
                certEvidence(m.caFile().path(), anchors.get(0)));
        return CertificateFacts.chainProblem(chain, anchors)
                .map(problem -> Outcome.fail(spec, "certificate does not chain to " + p.trustedCaFile + ": " + problem
                        + "; " + p.verifiers + " reject it", evidence))
                .orElseGet(() -> Outcome.pass(spec, "certificate chains to " + p.trustedCaFile, evidence));
    }

    /** A check that needs the parsed certificate: "not set" when it is not configured, else it was not usable. */
    private static CheckResult needsCert(CheckSpec spec, TlsProfile p, TlsMaterial m) {
        if (m.certFile() == null) {
            return Outcome.notEvaluated(spec, "not evaluated: " + p.certFile + " is not set", List.of());
        }
        return Outcome.notEvaluated(spec, "not evaluated: needs a parsed " + p.certFile, List.of());
    }

    private static CheckResult notRead(CheckSpec spec, String setting, FileRead file) {
        if (file == null) {
            return Outcome.notEvaluated(spec, "not evaluated: " + setting + " is not set", List.of());
        }
        return Outcome.notEvaluated(spec, "not evaluated: " + setting + " could not be read", List.of());
    }

    private static Evidence certEvidence(String path, X509Certificate cert) {
        return new Evidence.File(path, CertificateFacts.describe(cert) + ", sha256 " + CertificateFacts.sha256Fingerprint(cert));
    }

    private static String ekuText(X509Certificate cert) {
        Set<String> ekus = CertificateFacts.extendedKeyUsages(cert);
        return ekus.isEmpty() ? "(extension absent: any usage)" : String.join(", ", ekus);
    }

    /** The host of a URL, brackets removed from IPv6 literals; null for unix sockets or unparsable URLs. */
    static String host(String url) {
        try {
            URI uri = new URI(url);
            String host = uri.getHost();
            if (host == null || uri.getScheme() == null || uri.getScheme().startsWith("unix")) {
                return null;
            }
            return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        } catch (Exception e) {
            return null;
        }
    }
}
