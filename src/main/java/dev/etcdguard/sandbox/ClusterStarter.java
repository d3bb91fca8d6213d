package dev.etcdguard.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Launches the members of a {@link LocalCluster} and waits until each is alive and serving TCP. */
final class ClusterStarter {

    private static final int ATTEMPTS = 3;
    private static final String PORT_TAKEN = "address already in use";

    private final LocalCluster.Builder config;
    private final Path etcd;
    private final List<String> names;
    private final ClusterPki pki;
    private final LocalCluster cluster;

    ClusterStarter(LocalCluster.Builder config, Path etcd, List<String> names, ClusterPki pki, LocalCluster cluster) {
        this.config = config;
        this.etcd = etcd;
        this.names = names;
        this.pki = pki;
        this.cluster = cluster;
    }

    void run() {
        for (int attempt = 1; ; attempt++) {
            List<Integer> ports = FreePorts.allocate(2 * names.size());
            Optional<String> portProblem = launchAndWait(ports);
            if (portProblem.isEmpty()) {
                return;
            }
            cluster.forgetMembers();
            names.forEach(this::deleteMemberFiles);
            if (attempt == ATTEMPTS) {
                throw new ClusterStartException("etcd could not bind its ports in " + ATTEMPTS + " attempts: "
                        + portProblem.get());
            }
        }
    }

    /** Empty when every member is up; the failure description when a port was taken; throws otherwise. */
    private Optional<String> launchAndWait(List<Integer> ports) {
        String scheme = config.peerTlsMode() == PeerTls.TLS || config.peerTlsMode() == PeerTls.AUTO_TLS ? "https" : "http";
        Map<String, String> peerUrls = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            peerUrls.put(names.get(i), scheme + "://127.0.0.1:" + ports.get(2 * i));
        }
        StringBuilder initialCluster = new StringBuilder();
        peerUrls.forEach((name, url) -> initialCluster.append(initialCluster.isEmpty() ? "" : ",").append(name)
                .append('=').append(url));
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String clientUrl = "http://127.0.0.1:" + ports.get(2 * i + 1);
            processes.add(launch(name, peerUrls.get(name), clientUrl, initialCluster.toString()));
        }
        return awaitServing(processes);
    }

    /** TLS 1.2 ECDHE AEAD suites: with only these, TLS 1.0/1.1 handshakes find no common suite. */
    static final String STRONG_CIPHER_SUITES = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,"
            + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"
            + "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305";

    private Process launch(String name, String peerUrl, String clientUrl, String initialCluster) {
        Path workDir = config.workDir();
        Path dataDir = workDir.resolve(name);
        boolean certs = config.peerTlsMode() == PeerTls.TLS || config.peerTlsMode() == PeerTls.CERTS_ON_HTTP;
        Path configFile = config.deliveryMode() == Delivery.CONFIG_FILE ? workDir.resolve(name + ".yaml") : null;

        Map<String, String> general = new LinkedHashMap<>();
        general.put("name", name);
        general.put("data-dir", dataDir.toString());
        general.put("listen-peer-urls", peerUrl);
        general.put("listen-client-urls", clientUrl);
        general.put("initial-advertise-peer-urls", peerUrl);
        general.put("advertise-client-urls", clientUrl);
        general.put("initial-cluster", initialCluster);
        general.put("initial-cluster-token", "etcdguard-sandbox");
        general.put("initial-cluster-state", "new");
        Map<String, String> peerSecurity = new LinkedHashMap<>();
        if (certs) {
            peerSecurity.put("cert-file", pki.certFile(name).toString());
            peerSecurity.put("key-file", pki.keyFile(name).toString());
            if (config.peerTrustedCaOn()) {
                peerSecurity.put("trusted-ca-file", pki.caFile().toString());
            }
            peerSecurity.put("client-cert-auth", Boolean.toString(config.peerClientCertAuthOn()));
        }
        if (config.strongCipherSuitesOn()) {
            if (config.deliveryMode() == Delivery.CONFIG_FILE) { // the config file wants a YAML list there
                throw new ClusterStartException("strong cipher suites are delivered by flags or environment only");
            }
            general.put("cipher-suites", STRONG_CIPHER_SUITES);
        }
        if (config.peerTlsMode() == PeerTls.AUTO_TLS) {
            peerSecurity.put("auto-tls", "true");
            peerSecurity.put("client-cert-auth", "true"); // which etcd then silently drops
        }
        try {
            // guarded: the exit cleanup (Ctrl-C) waits until the member's pid is registered, and then none starts
            return Reaper.guarded(() -> {
                Process process = MemberLauncher.launch(etcd, config.deliveryMode(),
                        new MemberSettings(general, peerSecurity), configFile, cluster.logFile(name), workDir);
                cluster.started(new LocalCluster.Member(name, process.pid(), peerUrl, clientUrl,
                        certs ? pki.certFile(name) : null, certs ? pki.keyFile(name) : null, certs ? pki.caFile() : null,
                        configFile, dataDir));
                return process;
            });
        } catch (IOException e) {
            throw new ClusterStartException("cannot start " + etcd + " for member " + name + ": " + e.getMessage(), e);
        } catch (Reaper.ShuttingDown e) {
            throw new ClusterStartException("etcd member " + name + " not started: " + e.getMessage(), e);
        }
    }

    private Optional<String> awaitServing(List<Process> processes) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        List<LocalCluster.Member> waiting = new ArrayList<>(cluster.members());
        while (true) {
            for (int i = 0; i < processes.size(); i++) {
                LocalCluster.Member member = cluster.members().get(i);
                Process process = processes.get(i);
                if (!process.isAlive()) {
                    String tail = cluster.logTail(member.name());
                    if (tail.contains(PORT_TAKEN)) {
                        return Optional.of("member " + member.name() + ": " + lastLineWith(tail, PORT_TAKEN));
                    }
                    throw new ClusterStartException("etcd member " + member.name() + " (pid " + member.pid()
                            + ") exited with code " + process.exitValue() + " while starting; last lines of "
                            + cluster.logFile(member.name()) + ":\n" + tail);
                }
            }
            waiting.removeIf(member -> accepts(member.clientPort()));
            if (waiting.isEmpty()) {
                return Optional.empty();
            }
            if (System.nanoTime() > deadline) {
                LocalCluster.Member late = waiting.getFirst();
                throw new ClusterStartException("etcd member " + late.name() + " did not accept connections on "
                        + late.clientUrl() + " within " + config.timeout().toSeconds() + " s; last lines of "
                        + cluster.logFile(late.name()) + ":\n" + cluster.logTail(late.name()));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterStartException("interrupted while waiting for etcd to start", e);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String lastLineWith(String text, String needle) {
        List<String> lines = text.lines().filter(l -> l.contains(needle)).toList();
        return lines.isEmpty() ? needle : lines.getLast().strip();
    }

    private void deleteMemberFiles(String name) {
        Path workDir = config.workDir();
        WorkDir.deleteTree(workDir.resolve(name));
        WorkDir.deleteTree(cluster.logFile(name));
        WorkDir.deleteTree(workDir.resolve(name + ".yaml"));
    }
}
