package dev.etcdguard.collect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container images known to run etcd when a pod sets no {@code command}: the data file
 * {@code src/main/resources/etcd-images.txt}, which documents its format, matched against a container's
 * {@code image} reference (any tag or digest; with or without registry host; {@code docker.io/},
 * {@code library/} forms; a mirror whose path ends in a known repository's path).
 */
final class EtcdImages {

    /** What an image runs when the container sets no command. */
    enum Entrypoint { CMD, NONE, BITNAMI }

    /** One line of the data file. */
    record Entry(String repository, Entrypoint entrypoint, String program) {}

    /**
     * A container's image that is a known etcd image.
     *
     * @param reference the image as the manifest writes it
     * @param version   the etcd version its tag shows ({@code 3.5.17} of {@code 3.5.17-debian-12-r3}), or null
     * @param mirror    true when it matched as a mirror (another registry, same path ending)
     */
    record Match(Entry entry, String reference, String version, boolean mirror) {

        /** How the report names the assumption. */
        String describe() {
            return "image " + reference + (mirror ? " (taken as a mirror of " + entry.repository() + ")" : "");
        }
    }

    private static final List<Entry> ENTRIES = load();
    private static final Pattern VERSION = Pattern.compile("^v?(\\d+\\.\\d+(?:\\.\\d+)?)(?:$|[-+._].*)");

    private EtcdImages() {}

    static List<Entry> entries() {
        return ENTRIES;
    }

    /** The known etcd image {@code image} is, or null. */
    /**
     * True when the image's repository is named {@code etcd} (its last path element, e.g. {@code harbor.example/ops/etcd:3.5})
     * whether or not it is a known etcd image.
     */
    static boolean looksLikeEtcd(String image) {
        if (image == null || image.isBlank()) {
            return false;
        }
        String name = image.trim();
        int at = name.indexOf('@');
        name = at < 0 ? name : name.substring(0, at);
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        name = colon > slash ? name.substring(0, colon) : name;
        return name.substring(slash + 1).equals("etcd");
    }

    static Match match(String image) {
        if (image == null || image.isBlank()) {
            return null;
        }
        String reference = image.trim();
        String name = reference;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        String tag = null;
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        String repository = normalize(name);
        String path = repository.substring(repository.indexOf('/') + 1);
        Entry mirrored = null;
        for (Entry e : ENTRIES) {
            if (e.repository().equals(repository)) {
                return new Match(e, reference, version(tag), false);
            }
            // a mirror keeps at least the organisation and the name (bitnami/etcd), never a bare "etcd"
            String ePath = e.repository().substring(e.repository().indexOf('/') + 1);
            if (ePath.indexOf('/') > 0 && !ePath.startsWith("library/") && path.endsWith("/" + ePath)
                    && (mirrored == null || ePath.length() > mirrored.repository().length())) {
                mirrored = e;
            }
        }
        return mirrored == null ? null : new Match(mirrored, reference, version(tag), true);
    }

    /** The etcd version a tag shows: {@code v3.5.9} → 3.5.9, {@code 3.5.15-0} → 3.5.15; null for {@code latest}. */
    static String version(String tag) {
        if (tag == null) {
            return null;
        }
        Matcher m = VERSION.matcher(tag);
        return m.matches() ? m.group(1) : null;
    }

    /** {@code registry/path}, lower case, docker.io's default registry and {@code library/} made explicit. */
    static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int slash = n.indexOf('/');
        String first = slash < 0 ? "" : n.substring(0, slash);
        boolean hasRegistry = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        if (!hasRegistry) {
            n = "docker.io/" + n;
        }
        if (n.startsWith("index.docker.io/")) {
            n = "docker.io/" + n.substring("index.docker.io/".length());
        }
        if (n.startsWith("docker.io/") && n.indexOf('/', "docker.io/".length()) < 0) {
            n = "docker.io/library/" + n.substring("docker.io/".length());
        }
        return n;
    }

    private static List<Entry> load() {
        try (InputStream in = EtcdImages.class.getResourceAsStream("/etcd-images.txt")) {
            if (in == null) {
                throw new IllegalStateException("etcd-images.txt is missing from the build");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Entry> parse(String text) {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            Entrypoint kind;
            try {
                kind = f.length < 2 ? null : Entrypoint.valueOf(f[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                kind = null;
            }
            if (kind == null || f.length > 3 || (kind == Entrypoint.CMD) != (f.length == 3)) {
                throw new IllegalStateException("etcd-images.txt line " + n + ": expected REPOSITORY cmd PROGRAM,"
                        + " REPOSITORY none or REPOSITORY bitnami: " + l);
            }
            out.add(new Entry(normalize(f[0]), kind, f.length == 3 ? f[2] : null));
        }
        return List.copyOf(out);
    }
}
