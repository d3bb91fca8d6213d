package dev.etcdguard.rules;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.probe.Endpoint;
import dev.etcdguard.probe.ProbeResult;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rule sees of one member (or kube-apiserver): its effective configuration, a way to read the
 * files it names, and the static-pod file that runs it. Never the source it came from.
 */
final class Subject {

    final EffectiveConfig config;
    final FileView files;
    final int runAsUid;
    /** The kubelet static-pod file on this machine that runs the program, or null. */
    final Path podSpecFile;
    final EvaluationOptions options;
    /**
     * True for a running process (it started, so its program accepted this configuration); false for a declared
     * one (a manifest, a kubeadm configuration: what will run).
     */
    final boolean running;
    private final Map<TlsProfile, TlsMaterial> tls = new EnumMap<>(TlsProfile.class);
    private List<ProbeResult> probes;

    Subject(EffectiveConfig config, FileView files, int runAsUid, Path podSpecFile, boolean running,
            EvaluationOptions options) {
        this.config = config;
        this.running = running;
        this.files = files;
        this.runAsUid = runAsUid;
        this.podSpecFile = podSpecFile;
        this.options = options;
    }

    /** An endpoint given to {@code etcdguard probe}: no configuration, only what the wire showed. */
    static Subject endpoint(ProbeResult probe, EvaluationOptions options) {
        Subject s = new Subject(null, null, -1, null, false, options);
        s.probes = List.of(probe);
        return s;
    }

    /** What the active probe saw of this member's peer URLs (empty when not probed). */
    List<ProbeResult> probes() {
        if (probes == null) {
            Map<String, ProbeResult> byAddress = options.probes() == null ? Map.of() : options.probes();
            Map<String, ProbeResult> found = new LinkedHashMap<>();
            for (String url : config.component() == Component.ETCD ? config.peerUrls() : List.<String>of()) {
                try {
                    String address = Endpoint.parse(url).address();
                    if (byAddress.containsKey(address)) {
                        found.putIfAbsent(address, byAddress.get(address));
                    }
                } catch (IllegalArgumentException e) {
                    // not a probeable URL (a unix socket, a typo): the configuration checks say so
                }
            }
            probes = List.copyOf(found.values());
        }
        return probes;
    }

    /** The certificates of the TLS files the rules read for this subject (leaves and trusted CAs), in profile order. */
    List<CertificateSeen> certificatesRead(dev.etcdguard.etcd.Target target) {
        List<CertificateSeen> seen = new java.util.ArrayList<>();
        tls.forEach((profile, m) -> {
            String leafRole = switch (profile) {
                case PEER -> "peer";
                case CLIENT -> "server";
                case ETCD_CLIENT -> "client";
            };
            String caRole = switch (profile) {
                case PEER -> "peer-ca";
                case CLIENT -> "client-ca";
                case ETCD_CLIENT -> "etcd-ca";
            };
            if (m.leaf() != null) {
                seen.add(new CertificateSeen(target, m.certSetting().value(), leafRole, m.leaf().getNotAfter().toInstant()));
            }
            if (m.ca() instanceof dev.etcdguard.pki.CertificatesRead.Parsed ca) {
                ca.chain().forEach(c -> seen.add(new CertificateSeen(target, m.caSetting().value(), caRole,
                        c.getNotAfter().toInstant())));
            }
            if (m.clientCerts() instanceof dev.etcdguard.pki.CertificatesRead.Parsed cc) {
                seen.add(new CertificateSeen(target, config.get(profile.clientCertFile).value(), "client",
                        cc.leaf().getNotAfter().toInstant()));
            }
        });
        return seen;
    }

    /** The TLS files of a profile, read and parsed once however many checks use them. */
    TlsMaterial tls(TlsProfile profile) {
        return tls.computeIfAbsent(profile, p -> TlsMaterial.load(p, config, files));
    }
}
