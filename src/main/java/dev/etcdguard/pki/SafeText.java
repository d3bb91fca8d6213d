package dev.etcdguard.pki;

import java.util.regex.Pattern;

/** Turns exceptions into short reasons that can be shown to users without leaking encoded material. */
final class SafeText {

    /** Long runs of hex/base64 characters could be key material echoed by a parser. */
    private static final Pattern ENCODED_RUN = Pattern.compile("[A-Za-z0-9+/=:]{24,}");
    private static final int MAX_LENGTH = 200;

    private SafeText() {
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String cleaned = ENCODED_RUN.matcher(message.strip()).replaceAll("[...]");
        if (cleaned.length() > MAX_LENGTH) {
            cleaned = cleaned.substring(0, MAX_LENGTH) + "...";
        }
        return cleaned;
    }
}
