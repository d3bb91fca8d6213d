package dev.etcdguard.pki;

/** Go crypto/x509 DNS name matching (validHostname, matchHostnames, matchExactly), ported. */
final class HostnameMatch {

    private HostnameMatch() {
    }

    /** Whether DNS SAN {@code pattern} matches {@code host}, as Go's VerifyHostname decides. */
    static boolean matches(String pattern, String host) {
        String candidate = lower(host);
        if (validHostname(candidate, false) && validHostname(pattern, true)) {
            return matchHostnames(pattern, candidate);
        }
        return matchExactly(pattern, candidate);
    }

    static boolean validHostname(String host, boolean isPattern) {
        String h = isPattern ? host : trimDot(host);
        if (h.isEmpty() || h.equals("*")) {
            return false;
        }
        String[] labels = h.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            String label = labels[i];
            if (label.isEmpty()) {
                return false;
            }
            if (isPattern && i == 0 && label.equals("*")) {
                continue;
            }
            for (int j = 0; j < label.length(); j++) {
                char c = label.charAt(j);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || (c == '-' && j != 0) || c == '_';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean matchHostnames(String pattern, String host) {
        String p = lower(pattern);
        String h = lower(trimDot(host));
        if (p.isEmpty() || h.isEmpty()) {
            return false;
        }
        String[] patternParts = p.split("\\.", -1);
        String[] hostParts = h.split("\\.", -1);
        if (patternParts.length != hostParts.length) {
            return false;
        }
        for (int i = 0; i < patternParts.length; i++) {
            if (i == 0 && patternParts[i].equals("*")) {
                continue;
            }
            if (!patternParts[i].equals(hostParts[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchExactly(String a, String b) {
        if (a.isEmpty() || a.equals(".") || b.isEmpty() || b.equals(".")) {
            return false;
        }
        return lower(a).equals(lower(b));
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** ASCII-only lower-casing, as Go's toLowerCaseASCII. */
    private static String lower(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }
}
