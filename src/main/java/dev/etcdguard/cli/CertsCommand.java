package dev.etcdguard.cli;

import dev.etcdguard.fix.PeerCertificateIssuer;
import dev.etcdguard.fix.RunningMember;
import dev.etcdguard.pki.KeyType;
import dev.etcdguard.store.ScanRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "certs",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Issue etcd certificates signed by the cluster's etcd CA (kubeadm's layout by default).",
        subcommands = {CertsCommand.Peer.class})
final class CertsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Key types offered on the command line, by their kubeadm/openssl-style names. */
    enum KeyTypeOption {
        ECDSA_P256("ecdsa-p256", KeyType.EC_P256),
        RSA_2048("rsa-2048", KeyType.RSA_2048),
        RSA_3072("rsa-3072", KeyType.RSA_3072),
        RSA_4096("rsa-4096", KeyType.RSA_4096);

        final String label;
        final KeyType type;

        KeyTypeOption(String label, KeyType type) {
            this.label = label;
            this.type = type;
        }

        static KeyTypeOption parse(String text) {
            for (KeyTypeOption o : values()) {
                if (o.label.equals(text.toLowerCase(Locale.ROOT))) {
                    return o;
                }
            }
            throw new CommandLine.TypeConversionException("'" + text + "' is not one of ecdsa-p256, rsa-2048, rsa-3072, rsa-4096");
        }

        static String label(KeyType type) {
            for (KeyTypeOption o : values()) {
                if (o.type == type) {
                    return o.label;
                }
            }
            return type.toString();
        }
    }

    @Command(name = "peer",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            description = {
                "Issue a peer certificate and key for one etcd member, signed by the etcd CA, as kubeadm does: "
                    + "CN = node name; SANs the node name, localhost, 127.0.0.1, ::1 and the hosts of the member's "
                    + "advertised peer URLs (--peer-url); extended key usage serverAuth + clientAuth (a peer is server "
                    + "and client); ECDSA P-256 unless --key-type says otherwise.",
                "Checks first that the CA certificate is a CA and that the CA key is its private half. Writes the key "
                    + "(mode 0600) and then the certificate, each through a temporary file in the same directory, fsync "
                    + "and rename. Existing files are replaced only with --force, after a timestamped 0600 backup "
                    + "(<file>.<yyyyMMddTHHmmssZ>.bak beside the file, or in --backup-dir). Prints paths, SANs, validity "
                    + "and fingerprint, never the key."},
            footerHeading = "%nExit codes:%n",
            footer = {
                "  0  the certificate and key were written (or, with --renew, were not due)",
                "  2  nothing was written: a file exists (no --force), the CA key does not match the CA certificate, "
                    + "the CA certificate is not a CA, a file cannot be read or written, or an option is invalid"})
    static final class Peer implements Callable<Integer> {

        static final String PKI = "/etc/kubernetes/pki/etcd/";

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--ca-cert", paramLabel = "FILE", defaultValue = PKI + "ca.crt",
                description = "The etcd CA certificate (default: ${DEFAULT-VALUE}).")
        Path caCert;

        @Option(names = "--ca-key", paramLabel = "FILE", defaultValue = PKI + "ca.key",
                description = "The etcd CA private key (default: ${DEFAULT-VALUE}).")
        Path caKey;

        @Option(names = "--out-cert", paramLabel = "FILE", defaultValue = PKI + "peer.crt",
                description = "Where the peer certificate goes (default: ${DEFAULT-VALUE}).")
        Path outCert;

        @Option(names = "--out-key", paramLabel = "FILE", defaultValue = PKI + "peer.key",
                description = "Where the peer key goes, mode 0600 (default: ${DEFAULT-VALUE}).")
        Path outKey;

        @Option(names = "--node-name", paramLabel = "NAME",
                description = "The member's node name: CN and a DNS SAN (default: this host's name).")
        String nodeName;

        @Option(names = "--peer-url", paramLabel = "URL",
                description = "An advertised peer URL of the member (initial-advertise-peer-urls); its host becomes an "
                    + "IP or DNS SAN. Repeatable; comma-separated lists are split.")
        List<String> peerUrls = new ArrayList<>();

        @Option(names = "--from-host", description = "Take the node name (the member's --name, as kubeadm names "
                + "members) and the advertised peer URLs (initial-advertise-peer-urls) from the etcd member running "
                + "on this node, read as 'scan --host' reads it; --node-name and --peer-url override or add.")
        boolean fromHost;

        @Option(names = "--pid", paramLabel = "PID",
                description = "With --from-host (implied): the etcd process to take them from, when several run.")
        Long pid;

        @Option(names = "--key-type", paramLabel = "TYPE", converter = KeyTypeConverter.class,
                description = "ecdsa-p256, rsa-2048, rsa-3072 or rsa-4096 (default: ecdsa-p256; with --renew the "
                    + "current key's type).")
        KeyTypeOption keyType;

        @Option(names = "--days", paramLabel = "N", defaultValue = "365",
                description = "Validity in days from now (default: ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--force", description = "Replace existing files, after backing them up.")
        boolean force;

        @Option(names = "--renew", description = "Re-issue the existing --out-cert when it expires within "
                + "--expiry-warn-days: same subject, SANs and extended key usages, a new key (of --key-type if given, "
                + "else the current type), backed up and written atomically; a running etcd serves it on its next "
                + "handshake without a restart. Not due = nothing written (exit 0); --force renews anyway.")
        boolean renew;

        @Option(names = "--expiry-warn-days", paramLabel = "DAYS", defaultValue = "30",
                description = "With --renew: renew when the certificate expires within this many days (default: "
                    + "${DEFAULT-VALUE}, as scan's).")
        int expiryWarnDays;

        @Option(names = "--backup-dir", paramLabel = "DIR",
                description = "Where backups of replaced files go (default: beside each file; never kubelet's "
                    + "/etc/kubernetes/manifests, which is refused).")
        Path backupDir;

        @Override
        public Integer call() {
            if (renew) {
                return renew();
            }
            List<String> urls = new ArrayList<>();
            peerUrls.forEach(u -> List.of(u.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(urls::add));
            String name = nodeName;
            if (fromHost || pid != null) {
                RunningMember member = RunningMember.find(Path.of("/proc"), pid == null ? Set.of() : Set.of(pid));
                spec.commandLine().getOut().println("member:      " + member.name() + " (pid " + member.pid()
                        + "), advertised peer URLs " + String.join(", ", member.peerUrls()));
                if (name == null) {
                    name = member.name();
                }
                for (String url : member.peerUrls()) {
                    if (!urls.contains(url)) {
                        urls.add(url);
                    }
                }
            }
            if (name == null) {
                name = ScanRecord.thisHost();
            }
            PeerCertificateIssuer.Issued issued = new PeerCertificateIssuer().issue(new PeerCertificateIssuer.Request(
                    caCert, caKey, outCert, outKey, name, urls, keyType == null ? KeyType.EC_P256 : keyType.type, days, force,
                    backupDir));
            print(issued);
            return 0;
        }

        private int renew() {
            if (nodeName != null || !peerUrls.isEmpty() || fromHost || pid != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--renew keeps the names of the current certificate: drop --node-name, --peer-url, --from-host "
                            + "and --pid");
            }
            PeerCertificateIssuer.Renewal renewal = new PeerCertificateIssuer().renew(new PeerCertificateIssuer.RenewRequest(
                    caCert, caKey, outCert, outKey, expiryWarnDays, days, keyType == null ? null : keyType.type, force,
                    backupDir));
            PrintWriter out = spec.commandLine().getOut();
            if (!renewal.renewed()) {
                out.println("not due: " + outCert + " expires " + renewal.currentNotAfter() + ", more than "
                        + expiryWarnDays + " days away; nothing written (--force renews anyway)");
                out.flush();
                return 0;
            }
            out.println("renewed:     " + outCert + " (was notAfter " + renewal.currentNotAfter() + ", SHA-256 "
                    + renewal.currentFingerprint() + ")");
            print(renewal.issued());
            return 0;
        }

        private void print(PeerCertificateIssuer.Issued issued) {
            PrintWriter out = spec.commandLine().getOut();
            for (Path backup : issued.backups()) {
                out.println("backed up:   " + backup);
            }
            out.println("certificate: " + issued.certFile());
            out.println("key:         " + issued.keyFile() + " (0600, " + KeyTypeOption.label(issued.keyType()) + ")");
            out.println("subject:     CN=" + issued.commonName());
            out.println("issuer:      " + issued.issuer());
            out.println("DNS SANs:    " + String.join(", ", issued.dnsNames()));
            out.println("IP SANs:     " + String.join(", ", issued.ipAddresses()));
            out.println("usages:      " + String.join(", ", issued.extendedKeyUsages()));
            out.println("notBefore:   " + issued.notBefore());
            out.println("notAfter:    " + issued.notAfter());
            out.println("SHA-256:     " + issued.sha256Fingerprint());
            out.flush();
        }
    }

    static final class KeyTypeConverter implements CommandLine.ITypeConverter<KeyTypeOption> {
        @Override
        public KeyTypeOption convert(String value) {
            return KeyTypeOption.parse(value);
        }
    }
}
