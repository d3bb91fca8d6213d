package dev.etcdguard.cli;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.sandbox.FakeProcfs;
import dev.etcdguard.sandbox.ScratchDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The launcher's training run for the JDK AOT cache: scans a synthetic procfs (flags, environment and
 * config-file members) in every format, so the classes a real scan needs are in the cache.
 */
@Command(name = "aot-training", hidden = true, description = "Training run for the launcher's AOT cache.")
final class AotTrainingCommand implements Callable<Integer> {

    @Override
    public Integer call() throws IOException {
        ScratchDir scratch = ScratchDir.create("etcdguard-aot-");
        Path dir = scratch.path();
        try {
            CertificateAuthority ca = CertificateAuthority.create("etcd-ca");
            IssuedCertificate peer = ca.issue(LeafSpec.peer("m1", "127.0.0.1"));
            Path cert = dir.resolve("peer.crt");
            Path key = dir.resolve("peer.key");
            Path caFile = dir.resolve("ca.crt");
            peer.writeCertificate(cert);
            peer.writePrivateKey(key, KeyFormat.PKCS8);
            ca.writeCertificate(caFile);
            Path config = dir.resolve("etcd.conf.yml");
            Files.writeString(config, """
                    name: m1
                    listen-peer-urls: https://127.0.0.1:2380
                    initial-advertise-peer-urls: https://127.0.0.1:2380
                    initial-cluster: m1=https://127.0.0.1:2380,m2=https://127.0.0.2:2380
                    peer-transport-security:
                      cert-file: %s
                      key-file: %s
                      trusted-ca-file: %s
                      client-cert-auth: true
                    """.formatted(cert, key, caFile));
            FakeProcfs proc = new FakeProcfs(dir.resolve("proc"));
            String cluster = "--initial-cluster=m1=https://127.0.0.1:2380,m2=https://127.0.0.2:2380";
            proc.addProcess(101, "/usr/bin/etcd", List.of("etcd", "--name=m1", "--peer-cert-file", cert.toString(),
                    "-peer-key-file=" + key, "--peer-trusted-ca-file=" + caFile, "--peer-client-cert-auth",
                    "--listen-peer-urls=https://127.0.0.1:2380", "--initial-advertise-peer-urls=https://127.0.0.1:2380",
                    cluster), Map.of("PATH", "/usr/bin"), 0);
            proc.addProcess(102, "/usr/local/bin/etcd", List.of("etcd"), Map.of("ETCD_NAME", "m1",
                    "ETCD_PEER_CERT_FILE", cert.toString(), "ETCD_INITIAL_CLUSTER", "m1=http://127.0.0.1:2380,m2=http://127.0.0.2:2380"), 0);
            proc.addProcess(103, "/usr/bin/etcd", List.of("/usr/bin/etcd", "--config-file", config.toString()), Map.of(), 0);
            proc.addProcess(104, "/usr/bin/etcdctl", List.of("etcdctl", "get", "x"), Map.of(), 0);
            for (String format : List.of("text", "json", "sarif", "junit")) {
                Main.run("scan", "--proc-root", proc.root().toString(), "--format", format, "-v",
                        "-o", dir.resolve("report." + format).toString());
            }
            Main.run("scan", "--proc-root", dir.resolve("nothing").toString(), "-o", dir.resolve("err.txt").toString());
            Main.commandLine(null).getUsageMessage();
            return 0;
        } finally {
            scratch.close();
        }
    }
}
