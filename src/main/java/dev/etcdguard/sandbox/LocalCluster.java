package dev.etcdguard.sandbox;

import dev.etcdguard.pki.CertificateAuthority;
import dev.etcdguard.pki.LeafSpec;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A throw-away etcd cluster of real {@code etcd} processes on 127.0.0.1, for tests, demos and benchmarks.
 * Client URLs are plain http; peer traffic follows {@link PeerTls}. {@link #close()} kills every member by
 * pid and removes what the cluster wrote.
 *
 * <p>Layout under the work dir: {@code pki/ca.crt}, {@code pki/<name>.crt}, {@code pki/<name>.key} (0600),
 * data dir {@code <name>/}, log {@code <name>.log} (stdout and stderr), config file {@code <name>.yaml}.
 */
public final class LocalCluster implements AutoCloseable {

    /** Environment variable naming the etcd binary to use instead of the one on PATH. */
    public static final String ETCD_BINARY_VARIABLE = "ETCDGUARD_ETCD";

    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /**
     * One running member. {@code certFile}, {@code keyFile} and {@code caFile} are the peer TLS files the member
     * was configured with, null for {@link PeerTls#PLAINTEXT} and {@link PeerTls#AUTO_TLS}; {@code configFile}
     * is null unless {@link Delivery#CONFIG_FILE}.
     */
    public record Member(String name, long pid, String peerUrl, String clientUrl, Path certFile, Path keyFile,
            Path caFile, Path configFile, Path dataDir) {

        /** Port of {@link #peerUrl()}. */
        public int peerPort() {
            return URI.create(peerUrl).getPort();
        }

        /** Port of {@link #clientUrl()}. */
        public int clientPort() {
            return URI.create(clientUrl).getPort();
        }
    }

    private final Path workDir;
    private final boolean removeWorkDir;
    private final CertificateAuthority certificateAuthority;
    private final Path caFile;
    private final PeerTls peerTls;
    private final Delivery delivery;
    private final List<Member> members = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    private Runnable cancelAtExit = () -> { };
    private boolean closed;

    private LocalCluster(Builder builder, boolean removeWorkDir, CertificateAuthority ca, Path caFile) {
        this.workDir = builder.workDir;
        this.removeWorkDir = removeWorkDir;
        this.certificateAuthority = ca;
        this.caFile = caFile;
        this.peerTls = builder.peerTls;
        this.delivery = builder.delivery;
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /** True when an etcd binary is found ({@value #ETCD_BINARY_VARIABLE}, then PATH). */
    public static boolean etcdAvailable() {
        return findEtcdBinary().isPresent();
    }

    /** The etcd binary named by {@value #ETCD_BINARY_VARIABLE}, else the first executable "etcd" on PATH. */
    public static Optional<Path> findEtcdBinary() {
        String configured = System.getenv(ETCD_BINARY_VARIABLE);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String searchPath = Objects.requireNonNullElse(System.getenv("PATH"), "/usr/local/bin:/usr/bin:/bin");
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "etcd");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    public Member member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member named " + name));
    }

    /** The CA certificate file that signed every member's peer certificate (written in every mode). */
    public Path caFile() {
        return caFile;
    }

    /** The CA, e.g. to issue client certificates trusted by the members. */
    public CertificateAuthority certificateAuthority() {
        return certificateAuthority;
    }

    public Path workDir() {
        return workDir;
    }

    public PeerTls peerTls() {
        return peerTls;
    }

    public Delivery delivery() {
        return delivery;
    }

    public Path logFile(String memberName) {
        return workDir.resolve(memberName + ".log");
    }

    /** The last lines of a member's log, for error messages. */
    public String logTail(String memberName) {
        return LogTail.of(logFile(memberName), 30);
    }

    /**
     * Polls every member's {@code /health} until all report {@code "health":"true"} (a leader exists and the
     * member is serving), or the timeout passes. Start does not wait for this, since a misconfigured cluster
     * (e.g. serverAuth-only peer certificates) runs but never forms.
     */
    public boolean awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            while (true) {
                boolean allHealthy = true;
                for (Member member : members) {
                    allHealthy &= healthy(client, member);
                }
                if (allHealthy) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean healthy(HttpClient client, Member member) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(member.clientUrl() + "/health"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return response.statusCode() == 200 && response.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills every member by pid (SIGTERM, 5 s, SIGKILL) and removes the files. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        killMembers();
        cancelAtExit.run();
        WorkDir.clean(workDir, removeWorkDir);
    }

    /** Exit cleanup (e.g. Ctrl-C during a demo, see {@link Reaper#atExit}): same as close. */
    private void onJvmExit() {
        killMembers();
        WorkDir.clean(workDir, removeWorkDir);
    }

    private void killMembers() {
        List<Long> started;
        synchronized (pids) {
            started = List.copyOf(pids);
        }
        Reaper.stop(started, STOP_GRACE);
    }

    @Override
    public String toString() {
        return "LocalCluster[" + members.size() + " members, peer " + peerTls + ", " + delivery + ", " + workDir + "]";
    }

    /** Configures and starts a {@link LocalCluster}. */
    public static final class Builder {

        private final Path workDir;
        private int memberCount = 3;
        private String namePrefix = "m";
        private PeerTls peerTls = PeerTls.TLS;
        private Delivery delivery = Delivery.FLAGS;
        private Function<String, LeafSpec> peerCertificate = name -> LeafSpec.peer(name, "127.0.0.1");
        private Path etcdBinary;
        private Duration startTimeout = Duration.ofSeconds(20);
        private boolean peerClientCertAuth = true;
        private boolean peerTrustedCa = true;
        private boolean strongCipherSuites;

        private Builder(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath().normalize();
        }

        public Builder members(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("a cluster needs at least one member, not " + n);
            }
            this.memberCount = n;
            return this;
        }

        public Builder namePrefix(String prefix) {
            if (prefix.isEmpty() || !prefix.matches("[A-Za-z0-9_-]+") || prefix.equals("pki")) {
                throw new IllegalArgumentException("name prefix must be letters, digits, '-' or '_': " + prefix);
            }
            this.namePrefix = prefix;
            return this;
        }

        public Builder peerTls(PeerTls mode) {
            this.peerTls = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder delivery(Delivery d) {
            this.delivery = Objects.requireNonNull(d, "delivery");
            return this;
        }

        /** The peer certificate of each member by name; default {@code LeafSpec.peer(name, "127.0.0.1")}. */
        public Builder peerCertificate(Function<String, LeafSpec> spec) {
            this.peerCertificate = Objects.requireNonNull(spec, "spec");
            return this;
        }

        public Builder etcdBinary(Path binary) {
            this.etcdBinary = Objects.requireNonNull(binary, "binary");
            return this;
        }

        /** Whether TLS members set --peer-client-cert-auth=true (default true). */
        public Builder peerClientCertAuth(boolean on) {
            this.peerClientCertAuth = on;
            return this;
        }

        /**
         * Whether TLS members set --peer-trusted-ca-file (default true). etcd's TLS server requires client
         * certificates whenever a trusted CA is set, whatever --peer-client-cert-auth says; without one, members
         * cannot verify each other, but each still serves its peer port.
         */
        public Builder peerTrustedCa(boolean on) {
            this.peerTrustedCa = on;
            return this;
        }

        /**
         * Whether members restrict --cipher-suites to ECDHE AEAD suites (default false: etcd 3.4 then takes Go's
         * defaults, which accept TLS 1.0/1.1 and CBC suites on the wire).
         */
        public Builder strongCipherSuites(boolean on) {
            this.strongCipherSuites = on;
            return this;
        }

        /** How long start() waits for every client port to accept connections (default 20 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Writes certificates, starts every member and waits until each is alive and its client port accepts TCP.
         *
         * @throws ClusterStartException with the member's log tail if a member exits or does not come up in time;
         *     every process started so far has then been killed
         */
        public LocalCluster start() {
            Path etcd = resolveBinary();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= memberCount; i++) {
                names.add(namePrefix + i);
            }
            record Prepared(LocalCluster cluster, ClusterPki pki) {}
            Prepared prepared;
            try {
                // the work dir and its keys exist only with the exit cleanup registered that removes them
                prepared = Reaper.guarded(() -> {
                    boolean created = WorkDir.prepare(workDir);
                    ClusterPki written;
                    try {
                        written = ClusterPki.write(workDir.resolve("pki"), names, peerCertificate);
                    } catch (RuntimeException e) {
                        WorkDir.clean(workDir, created);
                        throw e;
                    }
                    LocalCluster c = new LocalCluster(this, created, written.ca(), written.caFile());
                    c.cancelAtExit = Reaper.atExit(c::onJvmExit);
                    return new Prepared(c, written);
                });
            } catch (Reaper.ShuttingDown e) {
                throw new ClusterStartException("etcd not started: " + e.getMessage(), e);
            }
            LocalCluster cluster = prepared.cluster();
            ClusterPki pki = prepared.pki();
            try {
                new ClusterStarter(this, etcd, names, pki, cluster).run();
                return cluster;
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }

        private Path resolveBinary() {
            if (etcdBinary != null) {
                if (!Files.isExecutable(etcdBinary)) {
                    throw new ClusterStartException("etcd binary not found: " + etcdBinary
                            + " is not an executable file (install Debian package etcd-server)");
                }
                return etcdBinary;
            }
            return findEtcdBinary().orElseThrow(() -> new ClusterStartException(
                    "etcd binary not found: install Debian package etcd-server, or set " + ETCD_BINARY_VARIABLE));
        }

        Path workDir() {
            return workDir;
        }

        boolean peerClientCertAuthOn() {
            return peerClientCertAuth;
        }

        boolean peerTrustedCaOn() {
            return peerTrustedCa;
        }

        boolean strongCipherSuitesOn() {
            return strongCipherSuites;
        }

        PeerTls peerTlsMode() {
            return peerTls;
        }

        Delivery deliveryMode() {
            return delivery;
        }

        Duration timeout() {
            return startTimeout;
        }
    }

    /** Called by {@link ClusterStarter} as members come up, so close() can kill them even mid-start. */
    void started(Member member) {
        synchronized (pids) {
            pids.add(member.pid());
        }
        members.add(member);
    }

    /** Called by {@link ClusterStarter} before a retry with fresh ports. */
    void forgetMembers() {
        killMembers();
        synchronized (pids) {
            pids.clear();
        }
        members.clear();
    }
}
