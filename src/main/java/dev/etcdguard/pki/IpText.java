package dev.etcdguard.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address text as Go's net.IP.String() writes it: dotted quad for IPv4 (and IPv4-mapped IPv6),
 * RFC 5952 for IPv6 (lowercase, longest run of two or more zero groups compressed to "::").
 */
final class IpText {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpText() {
    }

    /** Canonical text of a 4 or 16 byte address; empty for any other length. */
    static Optional<String> format(byte[] address) {
        if (address.length == 4) {
            return Optional.of(dotted(address, 0));
        }
        if (address.length != 16) {
            return Optional.empty();
        }
        if (isV4Mapped(address)) {
            return Optional.of(dotted(address, 12));
        }
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = ((address[2 * g] & 0xff) << 8) | (address[2 * g + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            int end = g;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - g > bestLength) {
                bestStart = g;
                bestLength = end - g;
            }
            g = end == g ? g + 1 : end;
        }
        StringBuilder text = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                text.append("::");
                g += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[g]));
        }
        return Optional.of(text.toString());
    }

    /**
     * The 16-byte form of an IP literal (IPv4 as IPv4-mapped), or empty when {@code text} is not an IP
     * literal. Never resolves names. Like Go's net.ParseIP: no zones, no leading zeros in IPv4.
     */
    static Optional<byte[]> parse(String text) {
        if (IPV4.matcher(text).matches()) {
            String[] parts = text.split("\\.");
            byte[] v4 = new byte[4];
            for (int i = 0; i < 4; i++) {
                v4[i] = (byte) Integer.parseInt(parts[i]);
            }
            return Optional.of(to16(v4));
        }
        if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            // a literal containing ':' is parsed, never looked up
            return Optional.of(to16(InetAddress.getByName(text).getAddress()));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** 4-byte addresses become IPv4-mapped IPv6; 16-byte ones are returned as is. */
    static byte[] to16(byte[] address) {
        if (address.length == 16) {
            return address.clone();
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(address, 0, mapped, 12, 4);
        return mapped;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    private static String dotted(byte[] a, int from) {
        return (a[from] & 0xff) + "." + (a[from + 1] & 0xff) + "." + (a[from + 2] & 0xff) + "." + (a[from + 3] & 0xff);
    }

    static boolean sameAddress(byte[] a, byte[] b) {
        return Arrays.equals(to16(a), to16(b));
    }
}
