package dev.etcdguard.rules;

import dev.etcdguard.etcd.Resolved;
import dev.etcdguard.rules.EncryptionConfig.SecretsProvider;
import dev.etcdguard.rules.RuleDocument.CheckSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Primitives over kube-apiserver's encryption at rest: what its encryption configuration does to Secrets. */
final class EncryptionChecks {

    private EncryptionChecks() {}

    /**
     * Secrets are written to etcd encrypted: the configuration file the setting names exists, kube-apiserver
     * accepts it, and the first provider of the entry that covers Secrets is not identity. aesgcm is a WARN
     * (safe only with automated key rotation).
     */
    static CheckResult secretsEncrypted(CheckSpec spec, Subject s) {
        Resolved setting = s.config.get(spec.string("setting"));
        List<Evidence> named = List.of(new Evidence.Setting(setting));
        if (setting.isEmpty()) {
            return Outcome.fail(spec, setting.name() + " is not set: Secrets are written to etcd in plaintext", named);
        }
        String path = setting.value();
        FileRead read = FileRead.read(s.files, path);
        if (read instanceof FileRead.Problem problem) {
            return Outcome.of(spec, problem.status(), (problem.status() == Status.NOT_APPLICABLE ? "not evaluated: " : "")
                    + problem.reason(), named);
        }
        String text = new String(((FileRead.Ok) read).bytes(), StandardCharsets.UTF_8);
        return switch (EncryptionConfig.secrets(text)) {
            case SecretsProvider.Encrypted e when e.provider().equals("aesgcm") -> Outcome.warn(spec,
                    "Secrets are encrypted with aesgcm, which is safe only with automated key rotation (Kubernetes"
                            + " advises a new key every 200,000 writes); prefer kms v2, aescbc or secretbox",
                    evidence(setting, path, e.line(), "first provider for secrets: aesgcm"));
            case SecretsProvider.Encrypted e -> Outcome.pass(spec, "Secrets are encrypted with " + e.provider(),
                    evidence(setting, path, e.line(), "first provider for secrets: " + e.provider()));
            case SecretsProvider.Identity i -> Outcome.fail(spec, "the first provider for secrets is identity: Secrets are"
                    + " written to etcd in plaintext (providers after the first only read)",
                    evidence(setting, path, i.line(), "first provider for secrets: identity"));
            case SecretsProvider.NotCovered n -> Outcome.fail(spec, "no entry of " + path + " covers secrets, so they are"
                    + " written to etcd in plaintext: " + n.reason(), named);
            case SecretsProvider.Invalid i -> Outcome.fail(spec, path + " is not an encryption configuration"
                    + " kube-apiserver accepts (it refuses to start): " + i.reason(), named);
        };
    }

    private static List<Evidence> evidence(Resolved setting, String path, int line, String facts) {
        return List.of(new Evidence.Setting(setting), new Evidence.File(path, "line " + line + ": " + facts));
    }
}
