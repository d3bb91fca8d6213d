package dev.etcdguard.probe;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP/1.x answer as read from a raw socket, possibly cut short.
 *
 * @param statusLine e.g. {@code HTTP/1.1 200 OK}
 * @param status     the status code, or -1 when it is not a number
 * @param headers    header names in lower case (the last value wins)
 * @param body       the body, de-chunked when the answer says {@code Transfer-Encoding: chunked}
 */
record HttpAnswer(String statusLine, int status, Map<String, String> headers, byte[] body) {

    private static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    HttpAnswer {
        headers = Map.copyOf(headers);
    }

    /** True when {@code data} starts like an HTTP/1.x answer. */
    static boolean looksLikeHttp(byte[] data) {
        return new String(data, 0, Math.min(data.length, 7), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.");
    }

    /** Parses what was read; empty when it is not an HTTP/1.x answer. Lenient with truncated answers. */
    static Optional<HttpAnswer> parse(byte[] data) {
        if (!looksLikeHttp(data)) {
            return Optional.empty();
        }
        int headerEnd = indexOf(data, END_OF_HEADERS);
        int bodyStart = headerEnd < 0 ? data.length : headerEnd + END_OF_HEADERS.length;
        String head = new String(data, 0, headerEnd < 0 ? data.length : headerEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
        }
        byte[] body = Arrays.copyOfRange(data, bodyStart, data.length);
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = dechunk(body);
        }
        return Optional.of(new HttpAnswer(lines[0], statusOf(lines[0]), headers, body));
    }

    /** True once {@code data} holds a whole answer (by Content-Length or the last chunk), so reading can stop. */
    static boolean complete(byte[] data) {
        int headerEnd = indexOf(data, END_OF_HEADERS);
        if (headerEnd < 0) {
            return false;
        }
        Optional<HttpAnswer> answer = parse(data);
        if (answer.isEmpty()) {
            return true;
        }
        Map<String, String> headers = answer.get().headers();
        int bodyLength = data.length - headerEnd - END_OF_HEADERS.length;
        if (headers.containsKey("content-length")) {
            try {
                return bodyLength >= Long.parseLong(headers.get("content-length"));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return headers.getOrDefault("transfer-encoding", "").contains("chunked")
                && new String(data, StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n");
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static int statusOf(String statusLine) {
        String[] parts = statusLine.split(" ", 3);
        try {
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Decodes chunked transfer coding, keeping what is there when the data stops early or is malformed. */
    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at, CRLF) - at;
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(chunked, at, lineEnd, StandardCharsets.ISO_8859_1).split(";", 2)[0].strip();
            int size;
            try {
                size = Integer.parseInt(sizeText, 16);
            } catch (NumberFormatException e) {
                break;
            }
            at += lineEnd + 2;
            if (size <= 0) {
                break;
            }
            int available = Math.min(size, chunked.length - at);
            out.write(chunked, at, available);
            at += available + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        return indexOf(data, 0, pattern);
    }

    private static int indexOf(byte[] data, int from, byte[] pattern) {
        outer:
        for (int i = from; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
