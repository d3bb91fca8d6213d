package dev.etcdguard.rules;

import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.sandbox.FakeProcfs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An etcd member that cannot (or need not) really run: its certificate files are real, written under a
 * temporary directory, and its process is a {@link FakeProcfs} entry that the real collector reads.
 */
final class MemberFixture {

    static final CertificateAuthority CA = CertificateAuthority.create("etcd-ca");

    final Path dir;
    final Path cert;
    final Path key;
    final Path caFile;
    final List<String> argv = new ArrayList<>();
    final Map<String, String> env = new LinkedHashMap<>();
    int uid = 0;
    boolean environReadable = true;
    private int scans;

    MemberFixture(Path dir) {
        this.dir = dir;
        this.cert = dir.resolve("peer.crt");
        this.key = dir.resolve("peer.key");
        this.caFile = dir.resolve("ca.crt");
        CA.writeCertificate(caFile);
    }

    /** Writes a peer certificate and key for {@code spec} (PKCS#8 key, mode 0600). */
    MemberFixture certificate(LeafSpec spec) {
        return certificate(CA.issue(spec), KeyFormat.PKCS8);
    }

    MemberFixture certificate(IssuedCertificate issued, KeyFormat format) {
        issued.writeCertificate(cert);
        issued.writePrivateKey(key, format);
        return this;
    }

    /** A member m1 of a 3-member cluster with correct peer TLS flags on 127.0.0.1. */
    static MemberFixture tlsMember(Path dir) {
        MemberFixture m = new MemberFixture(dir).certificate(LeafSpec.peer("m1", "127.0.0.1"));
        m.argv.addAll(List.of("etcd", "--name=m1",
                "--listen-peer-urls=https://127.0.0.1:12380",
                "--initial-advertise-peer-urls=https://127.0.0.1:12380",
                "--initial-cluster=m1=https://127.0.0.1:12380,m2=https://127.0.0.1:22380,m3=https://127.0.0.1:32380",
                "--peer-cert-file=" + m.cert, "--peer-key-file=" + m.key,
                "--peer-trusted-ca-file=" + m.caFile, "--peer-client-cert-auth=true"));
        return m;
    }

    /** Adds correct client TLS: the same certificate (serverAuth, SAN 127.0.0.1), CA and client-cert-auth. */
    MemberFixture withClientTls() {
        argv.addAll(List.of("--cert-file=" + cert, "--key-file=" + key, "--trusted-ca-file=" + caFile,
                "--client-cert-auth=true", "--listen-client-urls=https://127.0.0.1:12379",
                "--advertise-client-urls=https://127.0.0.1:12379"));
        return this;
    }

    /** Replaces (or adds) a {@code --name=value} flag. */
    MemberFixture flag(String name, String value) {
        argv.removeIf(a -> a.startsWith("--" + name + "="));
        if (value != null) {
            argv.add("--" + name + "=" + value);
        }
        return this;
    }

    Invocation invocation() throws IOException {
        FakeProcfs proc = new FakeProcfs(dir.resolve("proc" + ++scans)); // a fresh procfs per scan
        proc.addProcess(4242, "/usr/bin/etcd", argv, environReadable ? env : null, uid);
        return new ProcCollector(proc.root()).collect(Set.of()).get(0);
    }

    Result evaluate() throws IOException {
        return evaluate(EvaluationOptions.defaults());
    }

    /** The etcd-peer-tls result. */
    Result evaluate(EvaluationOptions options) throws IOException {
        return evaluate(options, "etcd-peer-tls");
    }

    Result evaluate(EvaluationOptions options, String ruleId) throws IOException {
        return new Evaluator(RuleLoader.builtIn(), options).evaluate(invocation()).stream()
                .filter(r -> r.rule().id().equals(ruleId)).findFirst().orElseThrow();
    }

    /** Every result of the member. */
    List<Result> evaluateAll() throws IOException {
        return new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()).evaluate(invocation());
    }

    Result evaluate(String ruleId) throws IOException {
        return evaluate(EvaluationOptions.defaults(), ruleId);
    }

    static CheckResult check(Result r, String id) {
        return r.checks().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + id + " in " + r.checks()));
    }
}
