package dev.etcdguard.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared fixtures: one CA per JVM (issuance is cheap, but CA keys need not be regenerated per test). */
final class TestPki {

    static final CertificateAuthority CA = CertificateAuthority.create("etcdguard-test-ca");

    private TestPki() {
    }

    static byte[] keyPem(IssuedCertificate issued, KeyFormat format, Path dir) throws IOException {
        Path file = dir.resolve("key-" + format + "-" + System.nanoTime() + ".pem");
        issued.writePrivateKey(file, format);
        return Files.readAllBytes(file);
    }

    static byte[] certPem(IssuedCertificate issued, Path dir) throws IOException {
        Path file = dir.resolve("cert-" + System.nanoTime() + ".pem");
        issued.writeCertificate(file);
        return Files.readAllBytes(file);
    }
}
