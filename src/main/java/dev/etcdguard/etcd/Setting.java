package dev.etcdguard.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One etcd setting: its flag name, how its value is read, etcd's default, where it lives in a
 * {@code --config-file} (null when the config file cannot set it), the YAML type etcd reads there, and the
 * etcd versions that define the flag and the config-file key.
 */
public record Setting(String flag, Kind kind, String defaultValue, String configKey, FileType fileType,
                      Versions flagVersions, Versions keyVersions) {

    /**
     * How a flag's value is read. {@code IGNORED}: an old flag etcd still accepts (as a boolean-like flag that
     * takes any value) and ignores with a warning.
     */
    public enum Kind { STRING, BOOL, URLS, NUMBER, DURATION, LIST, IGNORED }

    /** A setting of a program whose versions etcdguard does not track (kube-apiserver). */
    public Setting(String flag, Kind kind, String defaultValue, String configKey) {
        this(flag, kind, defaultValue, configKey, null, Versions.ALL, configKey == null ? Versions.NONE : Versions.ALL);
    }

    /** The environment variable etcd reads for this flag: {@code peer-cert-file -> ETCD_PEER_CERT_FILE}. */
    public String envVar() {
        return "ETCD_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Parsed like a boolean: may stand bare, never takes the next argument. */
    public boolean isBool() {
        return kind == Kind.BOOL || kind == Kind.IGNORED;
    }

    /** True when some supported etcd version has this command-line flag. */
    public boolean isFlag() {
        return !flagVersions.isNone();
    }

    /**
     * True when the flag exists in {@code version} (as a source shows it: {@code 3.5.9}, {@code v3.6.0},
     * {@code 3.5.9-0}, {@code 3.5}); with the version unknown or unsupported, when any supported version has it.
     */
    public boolean existsIn(String version) {
        return flagVersions.includes(Version.parse(version));
    }

    /** Like {@link #existsIn}, for the config-file key. */
    public boolean keyExistsIn(String version) {
        return configKey != null && keyVersions.includes(Version.parse(version));
    }

    /** An etcd version as far as it is known: {@code patch} is -1 when only {@code major.minor} is known. */
    public record Version(int major, int minor, int patch) {

        private static final Pattern FORM = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:[^0-9.].*)?");

        /** The version a text shows, or null when it shows none ({@code latest}, a digest, null). */
        public static Version parse(String text) {
            if (text == null) {
                return null;
            }
            Matcher m = FORM.matcher(text.trim());
            if (!m.matches()) {
                return null;
            }
            try {
                return new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        m.group(3) == null ? -1 : Integer.parseInt(m.group(3)));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** True for the etcd lines the catalogue knows: 3.4, 3.5, 3.6. */
        public boolean supported() {
            return major == 3 && minor >= Versions.FIRST_MINOR && minor < Versions.FIRST_MINOR + Versions.LINES;
        }

        @Override
        public String toString() {
            return major + "." + minor + (patch < 0 ? "" : "." + patch);
        }
    }

    /**
     * The etcd releases that define something, per supported line (3.4, 3.5, 3.6): absent, or present from a
     * patch release on (etcd never removes a flag within a line). Written as in the catalogue: items separated
     * by commas, each {@code 3.x} (the whole line), {@code 3.x.p} (the line from 3.x.p on), optionally ending in
     * {@code +} (and every later line), or {@code 3.x-3.y} (whole lines); {@code -} is never.
     */
    public record Versions(int[] fromPatch) {

        static final int FIRST_MINOR = 4;
        static final int LINES = 3;

        public static final Versions ALL = new Versions(new int[] {0, 0, 0});
        public static final Versions NONE = new Versions(new int[] {-1, -1, -1});

        public Versions {
            fromPatch = fromPatch.clone();
        }

        public static Versions parse(String spec) {
            int[] from = {-1, -1, -1};
            if (spec.equals("-")) {
                return new Versions(from);
            }
            for (String item : spec.split(",")) {
                boolean later = item.endsWith("+");
                String body = later ? item.substring(0, item.length() - 1) : item;
                int dash = body.indexOf('-');
                if (dash > 0) {
                    int a = line(Version.parse(body.substring(0, dash)));
                    int b = line(Version.parse(body.substring(dash + 1)));
                    for (int i = a; i <= b; i++) {
                        from[i] = 0;
                    }
                    continue;
                }
                Version v = Version.parse(body);
                int i = line(v);
                from[i] = Math.max(v.patch(), 0);
                if (later) {
                    for (int j = i + 1; j < LINES; j++) {
                        from[j] = 0;
                    }
                }
            }
            return new Versions(from);
        }

        private static int line(Version v) {
            if (v == null || !v.supported()) {
                throw new IllegalArgumentException("not a supported etcd version: " + v);
            }
            return v.minor() - FIRST_MINOR;
        }

        public boolean isNone() {
            for (int p : fromPatch) {
                if (p >= 0) {
                    return false;
                }
            }
            return true;
        }

        /** Whether {@code v} has it; a version that is unknown (null) or unsupported: whether any supported one has. */
        public boolean includes(Version v) {
            if (v == null || !v.supported()) {
                return !isNone();
            }
            int p = fromPatch[v.minor() - FIRST_MINOR];
            return p >= 0 && (v.patch() < 0 || v.patch() >= p);
        }

        /** This or that. */
        public Versions or(Versions other) {
            int[] from = new int[LINES];
            for (int i = 0; i < LINES; i++) {
                int a = fromPatch[i];
                int b = other.fromPatch[i];
                from[i] = a < 0 ? b : b < 0 ? a : Math.min(a, b);
            }
            return new Versions(from);
        }

        /** For a person: {@code 3.5+}, {@code 3.4, 3.5}, {@code 3.4 from 3.4.25, 3.5 from 3.5.8, 3.6}. */
        public String describe() {
            if (isNone()) {
                return "no etcd version";
            }
            int last = LINES - 1;
            int tail = last;
            while (tail > 0 && fromPatch[tail - 1] == 0) {
                tail--;
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < LINES; i++) {
                if (fromPatch[i] < 0) {
                    continue;
                }
                String line = "3." + (FIRST_MINOR + i);
                if (fromPatch[last] == 0 && i == tail && tail < last) {
                    parts.add(line + "+");
                    break;
                }
                parts.add(fromPatch[i] == 0 ? line : line + " from " + line + "." + fromPatch[i]);
            }
            return String.join(", ", parts);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Versions v && java.util.Arrays.equals(fromPatch, v.fromPatch);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(fromPatch);
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * The YAML type etcd reads a config-file key into ({@code sigs.k8s.io/yaml}: YAML to JSON, then Go's
     * encoding/json into etcd's typed fields): {@code STR} a string, {@code SEQ} a sequence of strings, {@code BOOL},
     * integers of Go's types, {@code DUR} a {@code time.Duration} (an integer number of nanoseconds). {@code other}
     * applies instead in the versions {@code otherIn} (null when there are none).
     */
    public record FileType(Yaml type, Yaml other, Versions otherIn) {

        public enum Yaml { STR, SEQ, BOOL, INT, UINT, UINT32, INT64, UINT64, DUR }

        /** {@code seq}, or {@code str/3.5.15+=seq} (a string, but a sequence in 3.5.15 and later). */
        public static FileType parse(String spec) {
            int slash = spec.indexOf('/');
            if (slash < 0) {
                return new FileType(yaml(spec), null, null);
            }
            String[] exception = spec.substring(slash + 1).split("=");
            return new FileType(yaml(spec.substring(0, slash)), yaml(exception[1]), Versions.parse(exception[0]));
        }

        private static Yaml yaml(String s) {
            return Yaml.valueOf(s.toUpperCase(Locale.ROOT));
        }

        /** The types etcd {@code version} may read; both when the version is unknown and they differ. */
        public List<Yaml> in(String version) {
            if (other == null) {
                return List.of(type);
            }
            Version v = Version.parse(version);
            if (v == null || !v.supported() || v.patch() < 0) {
                return List.of(type, other);
            }
            return List.of(otherIn.includes(v) ? other : type);
        }
    }
}
