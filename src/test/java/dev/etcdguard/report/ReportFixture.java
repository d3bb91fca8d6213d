package dev.etcdguard.report;

import dev.etcdguard.etcd.ConfigIssue;
import dev.etcdguard.etcd.EtcdSettings;
import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.Provenance;
import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import dev.etcdguard.rules.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.BiConsumer;

/** Results built by hand from the real etcd-peer-tls rule document, one per status and target kind. */
final class ReportFixture {

    static final RuleDocument RULE = RuleLoader.builtIn().stream().filter(r -> r.id().equals("etcd-peer-tls"))
            .findFirst().orElseThrow();

    static final Target.Process PROCESS = new Target.Process(4242, "/usr/bin/etcd", "cp1");
    static final String MANIFEST_FILE = "manifests/etcd.yaml";
    static final String CONFIGMAP_FILE = "manifests/etcd-config.yaml";
    static final Target.Manifest MANIFEST =
            new Target.Manifest(MANIFEST_FILE, 0, 12, 7, "Pod/kube-system/etcd-cp1", "etcd", "cp1");
    static final Target.Manifest ABSOLUTE_MANIFEST = new Target.Manifest(
            "/etc/kubernetes/manifests/etcd.yaml", 1, 40, 9, "Pod/kube-system/etcd-cp2", "etcd", "cp2");
    static final Target.Manifest BROKEN_FILE = Target.Manifest.file("manifests/broken.yaml");
    static final Target.Manifest STDIN = new Target.Manifest("-", 0, 3, 1, null, null, null);

    private ReportFixture() {}

    static Evidence flag(String name, String value, Location at) {
        return new Evidence.Setting(new Resolved(EtcdSettings.require(name), value,
                new Provenance.Flag("--" + name + "=" + value, at)));
    }

    static Evidence configFile(String name, String keyPath, String value, Location at) {
        return new Evidence.Setting(new Resolved(EtcdSettings.require(name), value,
                new Provenance.ConfigFile(keyPath, at)));
    }

    static CheckResult check(String id, Status status, String message, Evidence... evidence) {
        return new CheckResult(id, status, message, List.of(evidence));
    }

    static Result result(Target target, Status status, CheckResult... checks) {
        return new Result(RULE, target, status, List.of(checks));
    }

    static CheckResult pass(String id) {
        return check(id, Status.PASS, id + " is fine");
    }

    /** A process member failing: http peer URL (FAIL) and a group-readable key (WARN). */
    static Result processFail() {
        return result(PROCESS, Status.FAIL,
                pass("peer-cert-key-set"),
                check("peer-urls-https", Status.FAIL,
                        "listen-peer-urls is http://10.0.0.11:2380: etcd ignores the certificate on an http listener",
                        flag("listen-peer-urls", "http://10.0.0.11:2380", Location.argv(7))),
                check("peer-key-file-permissions", Status.WARN, "/etc/etcd/peer.key is mode 0640, readable by group",
                        new Evidence.File("/etc/etcd/peer.key", "mode 0640, owner uid 0, gid 0")));
    }

    static Result processWarn() {
        return result(PROCESS, Status.WARN, pass("peer-cert-key-set"),
                check("peer-key-file-permissions", Status.WARN, "/etc/etcd/peer.key is mode 0644, readable by others",
                        new Evidence.File("/etc/etcd/peer.key", "mode 0644, owner uid 0, gid 0")));
    }

    static Result processPass() {
        return result(PROCESS, Status.PASS, pass("cluster-membership"), pass("peer-cert-key-set"),
                pass("peer-urls-https"));
    }

    static Result processNotApplicable() {
        return result(PROCESS, Status.NOT_APPLICABLE, check("cluster-membership", Status.NOT_APPLICABLE,
                "member 'cp1' is alone: initial-cluster lists one member and no discovery is configured",
                flag("initial-cluster", "cp1=https://10.0.0.11:2380", Location.argv(4))));
    }

    static Result processError() {
        return result(PROCESS, Status.ERROR, check("evidence-readable", Status.ERROR,
                "cannot read /proc/4242/environ: permission denied (run as root)"));
    }

    /**
     * A manifest container failing: its http peer URL is on line 23 of the manifest; the certificate
     * setting comes from a ConfigMap in another file.
     */
    static Result manifestFail() {
        return result(MANIFEST, Status.FAIL,
                check("peer-cert-key-set", Status.FAIL, "peer-key-file is not set",
                        configFile("peer-cert-file", "peer-transport-security.cert-file", "/etc/etcd/peer.crt",
                                Location.fileLine(CONFIGMAP_FILE, 7, 14))),
                check("peer-urls-https", Status.FAIL, "listen-peer-urls is http://10.0.0.11:2380",
                        flag("listen-peer-urls", "http://10.0.0.11:2380", Location.fileLine(MANIFEST_FILE, 23, 11))),
                pass("peer-auto-tls"));
    }

    /** No located evidence: the region is the target's own line and column. */
    static Result absoluteManifestWarn() {
        return result(ABSOLUTE_MANIFEST, Status.WARN, check("config-consistent", Status.WARN,
                "ETCD_PEER_CERT_FILE is ignored: --peer-cert-file is also given"));
    }

    /** An input error on a whole file, located by its issue. */
    static Result brokenFileError() {
        return result(BROKEN_FILE, Status.ERROR, check("evidence-readable", Status.ERROR,
                "not valid YAML: mapping values are not allowed here",
                new Evidence.Issue(ConfigIssue.fatal(null, "mapping values are not allowed here",
                        Location.fileLine("manifests/broken.yaml", 3, 5)))));
    }

    static Result stdinPass() {
        return result(STDIN, Status.PASS, pass("peer-urls-https"));
    }

    static ScanReport everyStatus() {
        return new ScanReport(List.of(processFail(), processWarn(), processPass(), processNotApplicable(),
                processError(), manifestFail(), absoluteManifestWarn(), brokenFileError(), stdinPass()),
                List.of("scanned 1 process and 3 manifest files"));
    }

    static String render(BiConsumer<ScanReport, PrintWriter> renderer, ScanReport report) {
        StringWriter text = new StringWriter();
        renderer.accept(report, new PrintWriter(text));
        return text.toString();
    }
}
