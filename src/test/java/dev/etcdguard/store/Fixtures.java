package dev.etcdguard.store;

import dev.etcdguard.cli.Main;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.report.ScanReport;
import dev.etcdguard.rules.CertificateSeen;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Scans built from the real rule documents, and the CLI run in-process with its output captured. */
final class Fixtures {

    static final RuleDocument PEER_TLS = rule("etcd-peer-tls");
    static final RuleDocument CLIENT_TLS = rule("etcd-client-tls");

    private Fixtures() {}

    static RuleDocument rule(String id) {
        return RuleLoader.builtIn().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    static Target.Process etcd(long pid, String member) {
        return new Target.Process(pid, "/usr/bin/etcd", member);
    }

    /** A peer-TLS result: PASS with a certificate valid until {@code notAfter}, or FAIL on an http peer URL. */
    static Result peer(Target target, Status status, Instant notAfter) {
        CheckResult url = status == Status.FAIL
                ? new CheckResult("peer-url-https", Status.FAIL, "peer URL http://10.0.0.1:2380 is plaintext", List.of())
                : new CheckResult("peer-url-https", Status.PASS, "peer URLs use https", List.of());
        CheckResult cert = new CheckResult("peer-cert-validity", Status.PASS, "certificate is valid until " + notAfter,
                List.of(new Evidence.File("/etc/kubernetes/pki/etcd/peer.crt",
                        "valid from 2026-01-01T00:00:00Z until " + notAfter)));
        CertificateSeen seen = new CertificateSeen(CertificateSeen.Role.PEER, "peer-cert-file",
                "/etc/kubernetes/pki/etcd/peer.crt", "CN=cp1", "CN=etcd-ca", Instant.parse("2026-01-01T00:00:00Z"),
                notAfter, "00");
        return new Result(PEER_TLS, target, status, List.of(url, cert), List.of(seen));
    }

    static Result client(Target target, Status status, String message) {
        return new Result(CLIENT_TLS, target, status, List.of(new CheckResult("client-url-https", status, message, List.of())));
    }

    static ScanRecord record(String host, String cluster, Result... results) {
        return new ScanRecord(new ScanReport(List.of(results), List.of("note of " + host)), host, cluster,
                Instant.parse("2026-12-01T10:00:00Z"), Duration.ofMillis(42));
    }

    record Run(int exitCode, String stdout, String stderr) {}

    /** Runs {@code etcdguard ARGS} in this JVM (Main.run: the real option parsing and error handling). */
    static synchronized Run cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            System.out.flush();
            System.err.flush();
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
