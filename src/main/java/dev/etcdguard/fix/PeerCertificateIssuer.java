package dev.etcdguard.fix;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.CertificateFacts;
import dev.etcdguard.pki.CertificatesRead;
import dev.etcdguard.pki.IssuedCertificate;
import dev.etcdguard.pki.KeyFormat;
import dev.etcdguard.pki.KeyType;
import dev.etcdguard.pki.LeafSpec;
import dev.etcdguard.pki.Pem;
import dev.etcdguard.pki.PrivateKeyRead;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Issues an etcd peer certificate and key signed by an existing CA, as kubeadm does: CN = node name; DNS SANs
 * node name, "localhost" and the DNS hosts of the advertised peer URLs; IP SANs the IP hosts of those URLs,
 * 127.0.0.1 and ::1; extended key usage serverAuth + clientAuth (a peer is both). Everything is checked before
 * anything is written; existing files are replaced only when forced, after a backup ({@link Backups}); the key is
 * written mode 0600 through a temporary file, fsync and rename, then the certificate the same way.
 */
public final class PeerCertificateIssuer {

    /** How far notBefore lies in the past, for clocks a little behind. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    /**
     * @param peerUrls the member's advertised peer URLs (initial-advertise-peer-urls); may be empty
     * @param backupDir where backups go; null = beside each file
     */
    public record Request(Path caCert, Path caKey, Path outCert, Path outKey, String nodeName, List<String> peerUrls,
            KeyType keyType, int days, boolean force, Path backupDir) {
        public Request {
            Objects.requireNonNull(caCert, "caCert");
            Objects.requireNonNull(caKey, "caKey");
            Objects.requireNonNull(outCert, "outCert");
            Objects.requireNonNull(outKey, "outKey");
            Objects.requireNonNull(nodeName, "nodeName");
            peerUrls = List.copyOf(peerUrls);
            Objects.requireNonNull(keyType, "keyType");
        }
    }

    /** What was written; {@code backups} lists the copies taken of replaced files. Holds no key material. */
    public record Issued(Path certFile, Path keyFile, String commonName, List<String> dnsNames, List<String> ipAddresses,
            Set<String> extendedKeyUsages, KeyType keyType, Instant notBefore, Instant notAfter, String sha256Fingerprint,
            String issuer, List<Path> backups) {
    }

    private final Clock clock;

    public PeerCertificateIssuer(Clock clock) {
        this.clock = clock;
    }

    public PeerCertificateIssuer() {
        this(Clock.systemUTC());
    }

    public Issued issue(Request request) {
        if (request.days() < 1) {
            throw new FixException("--days must be at least 1, not " + request.days());
        }
        if (!allowed(request.keyType())) {
            throw new FixException("key type " + request.keyType() + " is not offered for peer certificates");
        }
        if (request.nodeName().isBlank()) {
            throw new FixException("the node name is empty (pass --node-name)");
        }
        CertificateAuthority ca = loadCa(request.caCert(), request.caKey());
        Names names = names(request.nodeName(), request.peerUrls());
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        LeafSpec spec = new LeafSpec(request.nodeName(), names.dns(), names.ips(),
                new LinkedHashSet<>(List.of(CertificateFacts.SERVER_AUTH, CertificateFacts.CLIENT_AUTH)), now.minus(BACKDATE),
                now.plus(Duration.ofDays(request.days())), request.keyType(), null);
        return write(ca, spec, request.outCert(), request.outKey(), request.force(), request.backupDir(), now);
    }

    /**
     * A renewal of an existing peer certificate.
     *
     * @param keyType the new key's type; null = the type of the current certificate's key
     * @param force   renew even when the certificate does not expire within {@code expiryWarnDays}
     */
    public record RenewRequest(Path caCert, Path caKey, Path outCert, Path outKey, int expiryWarnDays, int days,
            KeyType keyType, boolean force, Path backupDir) {
        public RenewRequest {
            Objects.requireNonNull(caCert, "caCert");
            Objects.requireNonNull(caKey, "caKey");
            Objects.requireNonNull(outCert, "outCert");
            Objects.requireNonNull(outKey, "outKey");
        }
    }

    /** The outcome of a renewal: {@code issued} is null when the certificate was not due ({@code current} is). */
    public record Renewal(Issued issued, Instant currentNotAfter, String currentFingerprint) {
        public boolean renewed() {
            return issued != null;
        }
    }

    /**
     * Re-issues {@code outCert} with the same subject, SANs and extended key usages and a new key, when it expires
     * within {@code expiryWarnDays} (or when forced): checks that the current certificate comes from this CA, backs
     * up both files, writes key then certificate atomically. etcd reads its peer files on every handshake, so a
     * running member serves the new certificate without a restart.
     */
    public Renewal renew(RenewRequest request) {
        if (request.days() < 1 || request.expiryWarnDays() < 0) {
            throw new FixException("--days must be at least 1 and --expiry-warn-days not negative");
        }
        CertificateAuthority ca = loadCa(request.caCert(), request.caKey());
        X509Certificate current = switch (Pem.readCertificates(read(request.outCert(), "certificate to renew"))) {
            case CertificatesRead.Parsed parsed -> parsed.leaf();
            case CertificatesRead.Invalid invalid -> throw new FixException("certificate to renew " + request.outCert()
                    + ": " + invalid.reason());
        };
        CertificateFacts.chainProblem(List.of(current), List.of(ca.certificate())).ifPresent(problem -> {
            throw new FixException(request.outCert() + " was not issued by " + request.caCert() + ": " + problem);
        });
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = current.getNotAfter().toInstant();
        String fingerprint = CertificateFacts.sha256Fingerprint(current);
        if (!request.force() && notAfter.isAfter(now.plus(Duration.ofDays(request.expiryWarnDays())))) {
            return new Renewal(null, notAfter, fingerprint);
        }
        KeyType type = request.keyType() != null ? request.keyType() : keyTypeOf(current);
        if (!allowed(type)) {
            throw new FixException("key type " + type + " is not offered for peer certificates (pass --key-type)");
        }
        Set<String> usages = CertificateFacts.extendedKeyUsages(current);
        LeafSpec spec = new LeafSpec(commonName(current), CertificateFacts.dnsNames(current),
                CertificateFacts.ipAddresses(current), usages, now.minus(BACKDATE), now.plus(Duration.ofDays(request.days())),
                type, null);
        return new Renewal(write(ca, spec, request.outCert(), request.outKey(), true, request.backupDir(), now),
                notAfter, fingerprint);
    }

    private static String commonName(X509Certificate cert) {
        try {
            javax.naming.ldap.LdapName name = new javax.naming.ldap.LdapName(cert.getSubjectX500Principal().getName());
            for (javax.naming.ldap.Rdn rdn : name.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            throw new FixException("the subject of the certificate to renew does not parse: " + e.getMessage(), e);
        }
        throw new FixException("the certificate to renew has no CN");
    }

    private static KeyType keyTypeOf(X509Certificate cert) {
        if (cert.getPublicKey() instanceof java.security.interfaces.RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits > 3072 ? KeyType.RSA_4096 : bits > 2048 ? KeyType.RSA_3072 : bits == 2048 ? KeyType.RSA_2048
                    : KeyType.RSA_1024;
        }
        if (cert.getPublicKey() instanceof java.security.interfaces.ECPublicKey ec) {
            return ec.getParams().getOrder().bitLength() == 256 ? KeyType.EC_P256 : KeyType.EC_P384;
        }
        return KeyType.ED25519;
    }

    static boolean allowed(KeyType type) {
        return type == KeyType.EC_P256 || type == KeyType.RSA_2048 || type == KeyType.RSA_3072 || type == KeyType.RSA_4096;
    }

    /** Issues {@code spec} with {@code ca} and writes it: refuses existing files unless {@code force}, then backs up. */
    Issued write(CertificateAuthority ca, LeafSpec spec, Path outCert, Path outKey, boolean force, Path backupDir,
            Instant now) {
        if (outCert.toAbsolutePath().normalize().equals(outKey.toAbsolutePath().normalize())) {
            throw new FixException("--out-cert and --out-key are the same file " + outCert);
        }
        List<Path> existing = new ArrayList<>();
        for (Path file : List.of(outCert, outKey)) {
            if (Files.exists(file)) {
                existing.add(file);
            }
        }
        if (!existing.isEmpty() && !force) {
            throw new FixException(existing.getFirst() + " exists; pass --force to replace it (a backup is taken first)");
        }
        IssuedCertificate issued = ca.issue(spec);
        List<Path> backups = new ArrayList<>();
        for (Path file : existing) {
            backups.add(Backups.backup(file, backupDir, now));
        }
        try {
            issued.writePrivateKey(outKey, spec.keyType().isRsa() ? KeyFormat.PKCS1_RSA : KeyFormat.SEC1_EC);
            issued.writeCertificate(outCert);
        } catch (UncheckedIOException e) {
            throw new FixException(e.getMessage() + ": " + e.getCause().getMessage(), e);
        }
        X509Certificate cert = issued.certificate();
        return new Issued(outCert, outKey, spec.commonName(), CertificateFacts.dnsNames(cert),
                CertificateFacts.ipAddresses(cert), CertificateFacts.extendedKeyUsages(cert), spec.keyType(),
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), CertificateFacts.sha256Fingerprint(cert),
                cert.getIssuerX500Principal().getName(), List.copyOf(backups));
    }

    /** Reads the CA certificate and key and checks that they belong together and that the certificate is a CA. */
    static CertificateAuthority loadCa(Path caCert, Path caKey) {
        X509Certificate cert = switch (Pem.readCertificates(read(caCert, "CA certificate"))) {
            case CertificatesRead.Parsed parsed -> parsed.leaf();
            case CertificatesRead.Invalid invalid -> throw new FixException("CA certificate " + caCert + ": " + invalid.reason());
        };
        var key = switch (Pem.readPrivateKey(read(caKey, "CA key"))) {
            case PrivateKeyRead.Parsed parsed -> parsed.key();
            case PrivateKeyRead.Encrypted encrypted -> throw new FixException("CA key " + caKey + " is encrypted ("
                    + encrypted.format() + "); decrypt it to a 0600 file first");
            case PrivateKeyRead.Invalid invalid -> throw new FixException("CA key " + caKey + ": " + invalid.reason());
        };
        try {
            return CertificateAuthority.existing(cert, key);
        } catch (IllegalArgumentException e) {
            throw new FixException(caCert + " / " + caKey + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new FixException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new FixException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    record Names(List<String> dns, List<String> ips) {
    }

    /** kubeadm's peer SANs: node name and localhost, 127.0.0.1 and ::1, and the hosts of the advertised peer URLs. */
    static Names names(String nodeName, List<String> peerUrls) {
        Set<String> dns = new LinkedHashSet<>();
        Set<String> ips = new LinkedHashSet<>();
        add(nodeName, dns, ips);
        dns.add("localhost");
        ips.add("127.0.0.1");
        ips.add("::1");
        for (String url : peerUrls) {
            add(host(url), dns, ips);
        }
        return new Names(List.copyOf(dns), List.copyOf(ips));
    }

    private static void add(String host, Set<String> dns, Set<String> ips) {
        CertificateFacts.ipLiteral(host).ifPresentOrElse(ips::add, () -> dns.add(host.toLowerCase(java.util.Locale.ROOT)));
    }

    private static String host(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new FixException("peer URL " + url + " is not scheme://host:port: " + e.getMessage());
        }
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme())
                || uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new FixException("peer URL " + url + " is not scheme://host:port");
        }
        return uri.getHost();
    }
}
