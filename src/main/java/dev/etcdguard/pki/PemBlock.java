package dev.etcdguard.pki;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One "-----BEGIN TYPE-----" ... "-----END TYPE-----" block of a PEM file, as Go's encoding/pem sees it:
 * optional "Key: value" headers, then base64. {@code content} is null when the block is broken, and
 * {@code problem} then says why (never quoting the base64).
 */
record PemBlock(String type, Map<String, String> headers, byte[] content, String problem) {

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    PemBlock {
        headers = Map.copyOf(headers);
    }

    boolean broken() {
        return content == null;
    }

    /** True when OpenSSL's legacy encryption header "Proc-Type: 4,ENCRYPTED" is present. */
    boolean legacyEncrypted() {
        String procType = headers.get("Proc-Type");
        return procType != null && procType.replace(" ", "").equalsIgnoreCase("4,ENCRYPTED");
    }

    @Override
    public String toString() {
        return "PemBlock[" + type + (broken() ? ", broken: " + problem : ", " + content.length + " bytes") + "]";
    }

    /** All blocks of {@code pem} in order; text outside blocks is ignored, as Go does. */
    static List<PemBlock> parseAll(byte[] pem) {
        String[] lines = new String(pem, StandardCharsets.ISO_8859_1).split("\n", -1);
        List<PemBlock> blocks = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].strip();
            i++;
            if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() < BEGIN.length() + DASHES.length()) {
                continue;
            }
            String type = line.substring(BEGIN.length(), line.length() - DASHES.length());
            String endLine = END + type + DASHES;
            Map<String, String> headers = new LinkedHashMap<>();
            StringBuilder base64 = new StringBuilder();
            boolean inHeaders = true;
            boolean ended = false;
            while (i < lines.length) {
                String body = lines[i].strip();
                i++;
                if (body.equals(endLine)) {
                    ended = true;
                    break;
                }
                if (body.startsWith(BEGIN)) {
                    i--; // a new block starts: this one has no END line
                    break;
                }
                int colon = body.indexOf(':');
                if (inHeaders && colon > 0) {
                    headers.put(body.substring(0, colon).strip(), body.substring(colon + 1).strip());
                    continue;
                }
                inHeaders = false;
                base64.append(body);
            }
            blocks.add(decode(type, headers, base64, ended));
        }
        return blocks;
    }

    private static PemBlock decode(String type, Map<String, String> headers, CharSequence base64, boolean ended) {
        if (!ended) {
            return new PemBlock(type, headers, null, "missing \"-----END " + type + "-----\" line");
        }
        try {
            byte[] der = Base64.getDecoder().decode(base64.toString().replaceAll("\\s+", ""));
            if (der.length == 0) {
                return new PemBlock(type, headers, null, "empty block");
            }
            return new PemBlock(type, headers, der, null);
        } catch (IllegalArgumentException e) {
            return new PemBlock(type, headers, null, "body is not valid base64");
        }
    }
}
