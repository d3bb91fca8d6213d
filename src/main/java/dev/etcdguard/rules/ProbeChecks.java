package dev.etcdguard.rules;

import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.probe.ProbeResult;
import dev.etcdguard.probe.ProbeResult.Plaintext;
import dev.etcdguard.probe.ProbeResult.ServedCertificate;
import dev.etcdguard.probe.ProbeResult.Tls;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Primitives over what the member's peer endpoints showed on the wire (the active probe). Each judges every
 * probed endpoint of the subject; the check's status is the worst. Endpoints that could not be reached or
 * did not speak TLS are judged by {@code probe-tls-spoken} alone.
 */
final class ProbeChecks {

    private ProbeChecks() {}

    /** One endpoint's verdict: null when the check has nothing to say about it. */
    private record Verdict(Status status, String message, Evidence evidence) {}

    private static CheckResult judge(CheckSpec spec, Subject s, Function<ProbeResult, Verdict> judge) {
        List<ProbeResult> probes = s.probes();
        if (probes.isEmpty()) {
            return Outcome.notEvaluated(spec, "not probed: none of the member's peer URLs was probed", List.of());
        }
        List<Evidence> evidence = new ArrayList<>();
        List<String> pass = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Status worst = null;
        for (ProbeResult p : probes) {
            Verdict v = judge.apply(p);
            if (v == null) {
                continue;
            }
            evidence.add(v.evidence());
            if (v.status() == Status.PASS) {
                pass.add(v.message());
            } else {
                problems.add(v.message());
                worst = worst == null ? v.status() : Status.worse(worst, v.status());
            }
        }
        if (worst != null) {
            return Outcome.of(spec, worst, String.join("; ", problems), evidence);
        }
        if (pass.isEmpty()) {
            return Outcome.notEvaluated(spec, "not evaluated: no probed peer endpoint answered (see wire-tls-spoken)",
                    evidence);
        }
        return Outcome.pass(spec, String.join("; ", pass), evidence);
    }

    private static Evidence wire(ProbeResult p, String facts) {
        return new Evidence.Wire(p.endpoint().url(), facts);
    }

    private static Tls.Established established(ProbeResult p) {
        return p.tls() instanceof Tls.Established e ? e : null;
    }

    /** The peer port speaks TLS. */
    static CheckResult tlsSpoken(CheckSpec spec, Subject s) {
        return judge(spec, s, p -> switch (p.connect()) {
            case ProbeResult.Connect.Failed f -> new Verdict(Status.NOT_APPLICABLE, p.endpoint().address()
                    + " not reachable (" + f.reason() + ")", wire(p, "no TCP connection: " + f.reason()));
            case ProbeResult.Connect.Connected c -> switch (p.tls()) {
                case Tls.Established e -> new Verdict(Status.PASS, p.endpoint().address() + " speaks " + e.protocol(),
                        wire(p, e.protocol() + ", " + e.cipherSuite()));
                case Tls.NotSpoken n when n.timedOut() -> new Verdict(Status.ERROR, p.endpoint().address()
                        + " accepted the connection but did not answer the TLS handshake in time (" + n.reason()
                        + "): cannot tell whether it speaks TLS", wire(p, "no handshake answer: " + n.reason()));
                case Tls.NotSpoken n -> new Verdict(Status.FAIL, p.endpoint().address() + " does not speak TLS ("
                        + n.reason() + ")", wire(p, "no TLS: " + n.reason()));
                case Tls.NotTried t -> null;
            };
        });
    }

    /** A plaintext HTTP request on the peer port gets no HTTP answer. */
    static CheckResult plaintextRefused(CheckSpec spec, Subject s) {
        return judge(spec, s, p -> switch (p.plaintext()) {
            case Plaintext.Answered a -> new Verdict(Status.FAIL, p.endpoint().address()
                    + " answers plaintext HTTP (" + a.statusLine() + "): peer traffic is not encrypted",
                    wire(p, "plaintext GET /version: " + a.statusLine()));
            case Plaintext.RefusedByTls r -> new Verdict(Status.PASS, p.endpoint().address()
                    + " refuses plaintext (its TLS listener answered " + r.statusLine() + ")",
                    wire(p, "plaintext GET /version: " + r.statusLine() + " from the TLS listener"));
            case Plaintext.NoAnswer n -> new Verdict(Status.PASS, p.endpoint().address() + " gives plaintext no answer",
                    wire(p, "plaintext GET /version: " + n.reason()));
            case Plaintext.NotTried t -> null;
        });
    }

    /** The peer port refuses TLS 1.0 and 1.1. */
    static CheckResult tlsVersions(CheckSpec spec, Subject s) {
        return judge(spec, s, p -> established(p) == null ? null : !p.legacyTested()
                ? new Verdict(Status.NOT_APPLICABLE, p.endpoint().address() + ": TLS 1.0/1.1 not tried (this JVM could"
                        + " not offer them)", wire(p, "legacy protocols: not tried"))
                : p.legacyProtocols().isEmpty()
                ? new Verdict(Status.PASS, p.endpoint().address() + " refuses TLS 1.0 and 1.1",
                        wire(p, "legacy protocols accepted: none"))
                : new Verdict(Status.FAIL, p.endpoint().address() + " accepts " + String.join(" and ", p.legacyProtocols())
                        + " (etcd itself refuses anything below TLS 1.2: is something else, e.g. a proxy, serving this"
                        + " port?)",
                        wire(p, "legacy protocols accepted: " + String.join(", ", p.legacyProtocols()))));
    }

    /** The peer port accepts no weak cipher suite (CBC, RSA key exchange, 3DES, RC4). */
    static CheckResult cipherSuites(CheckSpec spec, Subject s) {
        return judge(spec, s, p -> established(p) == null ? null : p.weakCipherSuites().isEmpty()
                ? new Verdict(Status.PASS, p.endpoint().address() + " accepts no weak cipher suite",
                        wire(p, "weak cipher suites accepted: none"))
                : new Verdict(spec.onFail(), p.endpoint().address() + " accepts weak cipher suites "
                        + String.join(", ", p.weakCipherSuites()) + " (set --cipher-suites to ECDHE AEAD suites)",
                        wire(p, "weak cipher suites accepted: " + String.join(", ", p.weakCipherSuites()))));
    }

    /** The certificate served allows clientAuth: etcd presents the same one when it dials other members. */
    static CheckResult servedCertEku(CheckSpec spec, Subject s) {
        return judge(spec, s, p -> {
            Tls.Established e = established(p);
            if (e == null || e.chain().isEmpty()) {
                return null;
            }
            ServedCertificate leaf = e.chain().get(0);
            List<String> ekus = leaf.extendedKeyUsages();
            Evidence ev = wire(p, "served certificate " + leaf.subject() + ", sha256 " + leaf.sha256()
                    + ", extended key usages " + (ekus.isEmpty() ? "(extension absent: any usage)" : String.join(", ", ekus)));
            boolean clientAuth = ekus.isEmpty() || ekus.contains(CertificateFacts.CLIENT_AUTH)
                    || ekus.contains(CertificateFacts.ANY_EXTENDED_KEY_USAGE);
            return clientAuth ? new Verdict(Status.PASS, p.endpoint().address() + " serves a certificate that allows clientAuth", ev)
                    : new Verdict(Status.FAIL, p.endpoint().address() + " serves a certificate without clientAuth: the"
                            + " member presents it when dialing its peers, and they reject it", ev);
        });
    }

    /** The certificate served is the one the configuration names: else the running process predates the files. */
    static CheckResult servedCertMatchesConfig(CheckSpec spec, Subject s) {
        if (s.config == null) {
            return Outcome.notEvaluated(spec, "not evaluated: no configuration to compare with", List.of());
        }
        X509Certificate configured = s.tls(TlsProfile.PEER).leaf();
        if (configured == null) {
            return Outcome.notEvaluated(spec, "not evaluated: needs a parsed peer-cert-file", List.of());
        }
        String onDisk = CertificateFacts.sha256Fingerprint(configured);
        return judge(spec, s, p -> {
            Tls.Established e = established(p);
            if (e == null || e.chain().isEmpty()) {
                return null;
            }
            String served = e.chain().get(0).sha256();
            Evidence ev = wire(p, "served sha256 " + served + ", peer-cert-file sha256 " + onDisk);
            return served.equals(onDisk)
                    ? new Verdict(Status.PASS, p.endpoint().address() + " serves the certificate in peer-cert-file", ev)
                    : new Verdict(spec.onFail(), p.endpoint().address() + " serves a certificate other than peer-cert-file"
                            + " (sha256 " + served + "): the running configuration differs from disk", ev);
        });
    }

    /** The peer port rejects a connection without a client certificate. */
    static CheckResult clientCertRequired(CheckSpec spec, Subject s) {
        return judge(spec, s, p -> {
            Tls.Established e = established(p);
            if (e == null) {
                return null;
            }
            Evidence ev = wire(p, "client certificate " + (e.clientCertRequested() ? "requested" : "not requested")
                    + (e.clientCertRequired() == null ? "" : e.clientCertRequired() ? ", required" : ", not required"));
            if (e.clientCertRequired() == null) {
                return new Verdict(Status.NOT_APPLICABLE, p.endpoint().address()
                        + ": not evaluated, the probe presented a client certificate", ev);
            }
            return e.clientCertRequired()
                    ? new Verdict(Status.PASS, p.endpoint().address() + " requires a client certificate", ev)
                    : new Verdict(Status.FAIL, p.endpoint().address() + " accepts peers without a client certificate"
                            + (e.clientCertRequested() ? " (it asks for one but does not require it)" : ""), ev);
        });
    }
}
