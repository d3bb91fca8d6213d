package dev.etcdguard.rules;

import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.FileView;
import java.nio.file.Path;
import java.util.EnumMap;
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
    private final Map<TlsProfile, TlsMaterial> tls = new EnumMap<>(TlsProfile.class);

    Subject(EffectiveConfig config, FileView files, int runAsUid, Path podSpecFile, EvaluationOptions options) {
        this.config = config;
        this.files = files;
        this.runAsUid = runAsUid;
        this.podSpecFile = podSpecFile;
        this.options = options;
    }

    /** The TLS files of a profile, read and parsed once however many checks use them. */
    TlsMaterial tls(TlsProfile profile) {
        return tls.computeIfAbsent(profile, p -> TlsMaterial.load(p, config, files));
    }
}
