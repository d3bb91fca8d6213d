package dev.etcdguard.pki;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a leaf certificate issued by {@link CertificateAuthority} looks like.
 *
 * @param extendedKeyUsages "serverAuth", "clientAuth", "anyExtendedKeyUsage" or dotted OIDs; empty = no extension
 * @param signatureAlgorithm JCA name the CA signs with (e.g. "SHA1withRSA"); null = the CA key's default
 */
public record LeafSpec(
        String commonName,
        List<String> dnsNames,
        List<String> ipAddresses,
        Set<String> extendedKeyUsages,
        Instant notBefore,
        Instant notAfter,
        KeyType keyType,
        String signatureAlgorithm) {

    public LeafSpec {
        Objects.requireNonNull(commonName, "commonName");
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        extendedKeyUsages = Collections.unmodifiableSet(new LinkedHashSet<>(extendedKeyUsages));
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(keyType, "keyType");
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
    }

    /**
     * A typical etcd member certificate: CN and DNS {@code name} and "localhost", the given IPs plus
     * 127.0.0.1, serverAuth and clientAuth, valid from an hour ago for a year, EC P-256.
     */
    public static LeafSpec peer(String name, String... ips) {
        List<String> addresses = new ArrayList<>(List.of(ips));
        if (!addresses.contains("127.0.0.1")) {
            addresses.add("127.0.0.1");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> dns = name.equals("localhost") ? List.of(name) : List.of(name, "localhost");
        Set<String> usages = new LinkedHashSet<>(List.of(CertificateFacts.SERVER_AUTH, CertificateFacts.CLIENT_AUTH));
        return new LeafSpec(name, dns, addresses, usages, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)),
                KeyType.EC_P256, null);
    }

    /** Same spec with these extended key usages; no arguments = omit the extension. */
    public LeafSpec withUsages(String... usages) {
        return new LeafSpec(commonName, dnsNames, ipAddresses, new LinkedHashSet<>(List.of(usages)), notBefore, notAfter,
                keyType, signatureAlgorithm);
    }

    public LeafSpec withValidity(Instant newNotBefore, Instant newNotAfter) {
        return new LeafSpec(commonName, dnsNames, ipAddresses, extendedKeyUsages, newNotBefore, newNotAfter, keyType,
                signatureAlgorithm);
    }

    public LeafSpec withKeyType(KeyType newKeyType) {
        return new LeafSpec(commonName, dnsNames, ipAddresses, extendedKeyUsages, notBefore, notAfter, newKeyType,
                signatureAlgorithm);
    }

    public LeafSpec withSignatureAlgorithm(String newSignatureAlgorithm) {
        return new LeafSpec(commonName, dnsNames, ipAddresses, extendedKeyUsages, notBefore, notAfter, keyType,
                newSignatureAlgorithm);
    }

    public LeafSpec withDnsNames(String... names) {
        return new LeafSpec(commonName, List.of(names), ipAddresses, extendedKeyUsages, notBefore, notAfter, keyType,
                signatureAlgorithm);
    }

    public LeafSpec withIpAddresses(String... addresses) {
        return new LeafSpec(commonName, dnsNames, List.of(addresses), extendedKeyUsages, notBefore, notAfter, keyType,
                signatureAlgorithm);
    }
}
