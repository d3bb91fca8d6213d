package dev.etcdguard.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a kube-apiserver encryption configuration (the file named by {@code --encryption-provider-config}) and
 * tells how Secrets are written to etcd.
 *
 * <p>It follows kube-apiserver (k8s.io/apiserver, package encryptionconfig): the file is decoded strictly (unknown
 * or duplicate fields are errors) and validated, then the {@code resources} entries are taken in order. The first
 * entry whose list names {@code secrets}, {@code secrets.} (core group spelled out), {@code *.} (every core
 * resource) or {@code *.*} (every resource) decides, and the first provider of that entry is the one that writes.
 * kube-apiserver refuses a wildcard that masks a later entry ({@code resource "secrets" is masked by earlier rule
 * "*.*"}), so in a file it accepts the first covering entry is also the one it uses.
 *
 * <p>Key material ({@code secret:} values) never appears in anything this class returns; YAML parser messages are
 * reduced to their position and problem, without the text of the line.
 */
final class EncryptionConfig {

    /** How kube-apiserver writes Secrets, per the first resources entry that covers them. */
    sealed interface SecretsProvider {

        /**
         * Secrets are encrypted: the covering entry's first provider is {@code provider} (aescbc, aesgcm, secretbox
         * or kms), whose key is on {@code line} (1-based).
         */
        record Encrypted(String provider, int line) implements SecretsProvider {}

        /** The covering entry's first provider, on {@code line} (1-based), is identity: Secrets are written in plaintext. */
        record Identity(int line) implements SecretsProvider {}

        /** No entry covers Secrets, so they are written in plaintext; {@code reason} says what the entries cover. */
        record NotCovered(String reason) implements SecretsProvider {}

        /**
         * Not an encryption configuration kube-apiserver accepts (it would refuse to start); {@code reason} says why,
         * with the line where it can.
         */
        record Invalid(String reason) implements SecretsProvider {}
    }

    private static final String API_VERSION = "apiserver.config.k8s.io/v1";
    private static final String KIND = "EncryptionConfiguration";
    private static final String LEGACY_API_VERSION = "v1";
    private static final String LEGACY_KIND = "EncryptionConfig";

    private static final List<String> PROVIDERS = List.of("identity", "aescbc", "aesgcm", "secretbox", "kms");
    private static final List<Integer> AES_KEY_SIZES = List.of(16, 24, 32);
    private static final List<Integer> SECRETBOX_KEY_SIZES = List.of(32);

    /** Encryption configurations are a few kilobytes; this is generous. */
    private static final int CODE_POINT_LIMIT = 1024 * 1024;
    /** Enough for any real file, far too few for an alias bomb. */
    private static final int MAX_ALIASES = 50;

    private static final Resource ANY = new Resource("*", "*");

    /** A fragment a parser message quotes from the text, and a character of the base64 alphabet keys are written in. */
    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
    private static final Pattern BASE64_CHAR = Pattern.compile("[A-Za-z0-9+/=]");

    private EncryptionConfig() {}

    /** How Secrets are written according to the configuration {@code text}; never throws. */
    static SecretsProvider secrets(String text) {
        try {
            return read(text);
        } catch (Bad e) {
            return new SecretsProvider.Invalid(e.getMessage());
        }
    }

    private static SecretsProvider read(String text) throws Bad {
        if (text == null || text.isEmpty()) {
            throw new Bad("the file is empty (kube-apiserver refuses an empty encryption configuration)");
        }
        Node root = document(text);
        Map<String, NodeTuple> top = fields(root, "the top level", List.of("apiVersion", "kind", "resources"), true);
        checkType(top);
        Node resources = value(top, "resources");
        List<Node> items = list(resources, "resources");
        if (items.isEmpty()) {
            throw new Bad("'resources' must list at least one entry" + at(resources == null ? root : resources));
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            entries.add(entry(items.get(i), "resources[" + i + "]"));
        }
        checkMasking(entries);
        for (Entry entry : entries) {
            if (entry.resources().stream().anyMatch(Resource::coversSecrets)) {
                Provider first = entry.first();
                return first.type().equals("identity")
                        ? new SecretsProvider.Identity(first.line())
                        : new SecretsProvider.Encrypted(first.type(), first.line());
            }
        }
        List<String> covered = entries.stream().flatMap(e -> e.resources().stream()).map(Resource::yaml).toList();
        return new SecretsProvider.NotCovered("no resources entry covers secrets (none lists 'secrets', 'secrets.', "
                + "'*.' or '*.*'; the entries cover " + names(covered)
                + "), so kube-apiserver writes Secrets to etcd in plaintext");
    }

    // ---- YAML ------------------------------------------------------------------------------------------------------

    /** The one YAML document of the text, its aliases checked to expand within reason. */
    private static Node document(String text) throws Bad {
        LoadSettings settings = LoadSettings.builder()
                .setLabel("encryption configuration")
                .setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setCodePointLimit(CODE_POINT_LIMIT)
                .build();
        Node found = null;
        int documents = 0;
        try {
            Iterator<Node> it = new Compose(settings).composeAllFromString(text).iterator();
            while (it.hasNext()) {
                Node document = it.next();
                if (isNull(document)) {
                    continue;
                }
                documents++;
                if (found == null) {
                    found = document;
                }
            }
        } catch (YamlEngineException e) {
            throw new Bad(yamlError(e));
        } catch (StackOverflowError e) {
            throw new Bad("not valid YAML: nested too deeply");
        }
        if (found == null) {
            throw new Bad("the file holds no configuration (only whitespace, comments or an empty document)");
        }
        if (documents > 1) {
            throw new Bad("the file holds " + documents + " YAML documents; an encryption configuration is a single "
                    + "EncryptionConfiguration document");
        }
        checkExpansion(found, 2L * text.length() + 16);
        return found;
    }

    /**
     * SnakeYAML Engine's composer shares an anchor's node with every alias of it; walks the document as its expanded
     * tree within a budget of visits, which an alias bomb or a recursive alias exhausts and a document without
     * aliases never does.
     */
    private static void checkExpansion(Node document, long budget) throws Bad {
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(document);
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            if (--budget < 0) {
                throw new Bad("YAML aliases expand to too many nodes (an alias bomb, or an alias inside its own anchor)");
            }
            if (node instanceof MappingNode map) {
                for (NodeTuple t : map.getValue()) {
                    pending.push(t.getKeyNode());
                    pending.push(t.getValueNode());
                }
            } else if (node instanceof SequenceNode seq) {
                seq.getValue().forEach(pending::push);
            }
        }
    }

    /** A parser error as position and problem only: the parser's own message quotes the line, which may hold a key. */
    private static String yamlError(YamlEngineException e) {
        if (e instanceof MarkedYamlEngineException marked) {
            String where = marked.getProblemMark()
                    .map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
                    .orElse("");
            return "not valid YAML" + where + ": " + redact(marked.getProblem());
        }
        return "not valid YAML: " + redact(e.getMessage());
    }

    /**
     * One line, with anything the parser quoted from the text replaced unless it is bare punctuation (such as
     * {@code expected ',' or ']'}): nothing of the base64 alphabet of a key survives.
     */
    private static String redact(String message) {
        if (message == null || message.isBlank()) {
            return "parse error";
        }
        String line = message.strip().lines().findFirst().orElse("parse error");
        return QUOTED.matcher(line).replaceAll(m -> BASE64_CHAR.matcher(m.group()).find() ? "'…'" : m.group());
    }

    // ---- the configuration -----------------------------------------------------------------------------------------

    private static void checkType(Map<String, NodeTuple> top) throws Bad {
        String apiVersion = text(value(top, "apiVersion"), "apiVersion");
        String kind = text(value(top, "kind"), "kind");
        if ((API_VERSION.equals(apiVersion) && KIND.equals(kind))
                || (LEGACY_API_VERSION.equals(apiVersion) && LEGACY_KIND.equals(kind))) {
            return;
        }
        throw new Bad("not an EncryptionConfiguration: found "
                + (apiVersion == null ? "no apiVersion" : "apiVersion " + quote(apiVersion)) + " and "
                + (kind == null ? "no kind" : "kind " + quote(kind)) + "; kube-apiserver expects apiVersion "
                + API_VERSION + " with kind " + KIND + " (or the legacy apiVersion v1 with kind " + LEGACY_KIND + ")");
    }

    /** A resources entry: what it covers and the provider that writes. */
    private record Entry(String where, List<Resource> resources, Provider first) {}

    /** A provider of an entry: its type and the line of its key. */
    private record Provider(String type, int line) {}

    private static Entry entry(Node node, String where) throws Bad {
        if (isNull(node)) {
            throw new Bad(where + at(node) + " is empty; it needs resources and providers");
        }
        Map<String, NodeTuple> fields = fields(node, where, List.of("resources", "providers"), true);
        where = where + at(node);
        List<Resource> resources = resources(value(fields, "resources"), where);
        List<Node> providers = list(value(fields, "providers"), where + ": providers");
        if (providers.isEmpty()) {
            throw new Bad(where + ": at least one provider is required");
        }
        Provider first = null;
        for (int i = 0; i < providers.size(); i++) {
            Provider p = provider(providers.get(i), where + ": providers[" + i + "]");
            if (first == null) {
                first = p;
            }
        }
        return new Entry(where, resources, first);
    }

    /** The resource names of an entry, validated as kube-apiserver does (names, duplicates, overlapping wildcards). */
    private static List<Resource> resources(Node node, String where) throws Bad {
        List<Node> items = list(node, where + ": resources");
        if (items.isEmpty()) {
            throw new Bad(where + ": at least one resource is required");
        }
        List<Resource> out = new ArrayList<>();
        Set<Resource> seen = new HashSet<>();
        Map<String, Integer> perGroup = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String here = where + ": resources[" + i + "]" + at(item);
            String name = text(item, here);
            name = name == null ? "" : name;
            String problem = nameProblem(name);
            if (problem != null) {
                throw new Bad(here + ": " + quote(name) + " " + problem);
            }
            Resource r = Resource.parse(name);
            if (!seen.add(r)) {
                throw new Bad(here + ": " + quote(name) + " is listed twice; the same resource cannot be specified "
                        + "multiple times");
            }
            perGroup.merge(r.group(), 1, Integer::sum);
            out.add(r);
        }
        for (Resource r : out) {
            if (out.size() > 1 && (r.equals(ANY) || r.resource().equals("*") && perGroup.get(r.group()) > 1)) {
                throw new Bad(where + ": " + quote(r.yaml()) + " overlaps other resources of the same list, which "
                        + "kube-apiserver refuses (they would be masked)");
            }
        }
        return out;
    }

    /** kube-apiserver's checks of one resource name, or null. */
    private static String nameProblem(String name) {
        Resource r = Resource.parse(name);
        if (!name.toLowerCase(Locale.ROOT).equals(name)) {
            return "has capital letters; resource names are lowercase";
        } else if (name.equals("*")) {
            return "is not allowed: use '*.' for every resource of the core group or '*.*' for every resource";
        } else if (Set.of("apiserveripinfo", "serviceipallocations", "servicenodeportallocations").contains(name)) {
            return "has no REST API and cannot be encrypted";
        } else if (r.group().equals("events.k8s.io")) {
            return "is not allowed: events.k8s.io objects are stored as 'events'";
        } else if (r.group().equals("extensions")) {
            return "is not allowed: the extensions group has been removed";
        } else if (r.group().equals("*") && !r.resource().equals("*")) {
            return "is not allowed: the same resource cannot be encrypted across groups";
        }
        return null;
    }

    /** kube-apiserver refuses a resource that an earlier entry's wildcard ({@code *.group} or {@code *.*}) masks. */
    private static void checkMasking(List<Entry> entries) throws Bad {
        Set<Resource> configured = new HashSet<>();
        for (Entry entry : entries) {
            for (Resource r : entry.resources()) {
                Resource group = new Resource(r.group(), "*");
                Resource masking = configured.contains(group) ? group : configured.contains(ANY) ? ANY : null;
                if (masking != null) {
                    throw new Bad(entry.where() + ": resource " + quote(r.yaml()) + " is masked by the earlier rule "
                            + quote(masking.yaml()) + "; kube-apiserver refuses a wildcard before a resource it "
                            + "covers (the more specific entry must come first)");
                }
            }
            configured.addAll(entry.resources());
        }
    }

    private static Provider provider(Node node, String where) throws Bad {
        if (!(node instanceof MappingNode)) {
            throw new Bad(where + at(node) + " must be a mapping naming one provider (identity, aescbc, aesgcm, "
                    + "secretbox or kms)" + found(node));
        }
        Map<String, NodeTuple> fields = fields(node, where, PROVIDERS, true);
        if (fields.isEmpty()) {
            throw new Bad(where + at(node) + " names no provider (identity, aescbc, aesgcm, secretbox or kms)");
        }
        if (fields.size() > 1) {
            throw new Bad(where + at(node) + " names more than one provider (" + String.join(", ", fields.keySet())
                    + "); each provider needs its own list element");
        }
        NodeTuple tuple = fields.values().iterator().next();
        String type = ((ScalarNode) tuple.getKeyNode()).getValue();
        Node config = tuple.getValueNode();
        String here = where + " " + type + at(tuple.getKeyNode());
        if (!(config instanceof MappingNode)) {
            throw new Bad(here + " must be a mapping" + (type.equals("identity") ? " ({})" : "") + found(config));
        }
        switch (type) {
            case "identity" -> fields(config, here, List.of(), true);
            case "aescbc", "aesgcm" -> keys(config, here, AES_KEY_SIZES);
            case "secretbox" -> keys(config, here, SECRETBOX_KEY_SIZES);
            default -> kms(config, here);
        }
        return new Provider(type, line(tuple.getKeyNode()));
    }

    /** The keys of an aescbc, aesgcm or secretbox provider; reasons name a key, never its secret. */
    private static void keys(Node config, String where, List<Integer> sizes) throws Bad {
        Map<String, NodeTuple> fields = fields(config, where, List.of("keys"), true);
        List<Node> keys = list(value(fields, "keys"), where + ": keys");
        if (keys.isEmpty()) {
            throw new Bad(where + ": at least one key is required");
        }
        for (int i = 0; i < keys.size(); i++) {
            String here = where + ": keys[" + i + "]" + at(keys.get(i));
            // Unknown field names are not repeated here: a misplaced secret could be one.
            Map<String, NodeTuple> key = fields(keys.get(i), here, List.of("name", "secret"), false);
            String name = text(value(key, "name"), here + ": name");
            if (name == null || name.isEmpty()) {
                throw new Bad(here + ": name is required");
            }
            here = here + " (key " + quote(name) + ")";
            Node secretNode = value(key, "secret");
            if (secretNode != null && !(secretNode instanceof ScalarNode)) {
                throw new Bad(here + ": secret must be a base64 string" + found(secretNode));
            }
            String secret = text(secretNode, here + ": secret");
            if (secret == null || secret.isEmpty()) {
                throw new Bad(here + ": secret is required");
            }
            byte[] raw = base64(secret);
            if (raw == null) {
                throw new Bad(here + ": secret is not valid base64");
            }
            int length = raw.length;
            Arrays.fill(raw, (byte) 0);
            if (!sizes.contains(length)) {
                throw new Bad(here + ": secret is " + length + " bytes, expected " + (sizes.size() == 1
                        ? sizes.get(0) : sizes.subList(0, sizes.size() - 1).stream().map(String::valueOf)
                                .collect(Collectors.joining(", ")) + " or " + sizes.getLast()));
            }
        }
    }

    private static void kms(Node config, String where) throws Bad {
        Map<String, NodeTuple> fields = fields(config, where,
                List.of("apiVersion", "name", "cachesize", "endpoint", "timeout"), true);
        String apiVersion = text(value(fields, "apiVersion"), where + ": apiVersion");
        apiVersion = apiVersion == null || apiVersion.isEmpty() ? "v1" : apiVersion;
        if (!apiVersion.equals("v1") && !apiVersion.equals("v2")) {
            throw new Bad(where + ": unsupported KMS apiVersion " + quote(apiVersion) + " (v1 or v2)");
        }
        String name = text(value(fields, "name"), where + ": name");
        if (name == null || name.isEmpty()) {
            throw new Bad(where + ": name is required");
        }
        if (apiVersion.equals("v2") && name.contains(":")) {
            throw new Bad(where + ": KMS v2 provider name " + quote(name) + " must not contain ':'");
        }
        String endpoint = text(value(fields, "endpoint"), where + ": endpoint");
        if (endpoint == null || endpoint.isEmpty()) {
            throw new Bad(where + ": endpoint is required");
        }
        if (!endpoint.toLowerCase(Locale.ROOT).startsWith("unix:")) {
            throw new Bad(where + ": endpoint must be a unix socket (unix:///path)");
        }
    }

    /** Go's base64.StdEncoding: padding required, line breaks ignored; null when not base64. */
    private static byte[] base64(String text) {
        String s = text.replace("\r", "").replace("\n", "");
        if (s.length() % 4 != 0) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A resource name parsed as Kubernetes' {@code schema.ParseGroupResource}: resource, then group after the first dot. */
    private record Resource(String group, String resource) {

        static Resource parse(String name) {
            int dot = name.indexOf('.');
            return dot < 0 ? new Resource("", name) : new Resource(name.substring(dot + 1), name.substring(0, dot));
        }

        /** {@code secrets}/{@code secrets.}, {@code *.} or {@code *.*}. */
        boolean coversSecrets() {
            return equals(ANY) || group.isEmpty() && (resource.equals("secrets") || resource.equals("*"));
        }

        /** The spelling kube-apiserver uses in its messages. */
        String yaml() {
            if (group.isEmpty()) {
                return resource.equals("*") ? "*." : resource;
            }
            return resource + "." + group;
        }
    }

    // ---- nodes -----------------------------------------------------------------------------------------------------

    /**
     * The fields of a mapping, checked as kube-apiserver's strict decoding does: plain keys, no duplicates, no
     * unknown fields.
     *
     * @param echoUnknown whether an unknown field's name may be repeated in the reason
     */
    private static Map<String, NodeTuple> fields(Node node, String where, List<String> allowed, boolean echoUnknown)
            throws Bad {
        if (!(node instanceof MappingNode map)) {
            throw new Bad(where + at(node) + " must be a mapping" + found(node));
        }
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw new Bad(where + at(t.getKeyNode()) + ": a field name must be a plain string");
            }
            String name = key.getValue();
            if (name.equals("<<")) {
                throw new Bad(where + at(key) + ": YAML merge keys (<<) are not supported in an encryption "
                        + "configuration");
            }
            if (!allowed.contains(name)) {
                throw new Bad(where + at(key) + ": unknown field" + (echoUnknown ? " " + quote(name) : "")
                        + " (kube-apiserver decodes this file strictly; "
                        + (allowed.isEmpty() ? "this takes no fields: write {})" : "allowed: "
                        + String.join(", ", allowed) + ")"));
            }
            if (out.putIfAbsent(name, t) != null) {
                throw new Bad(where + at(key) + ": duplicate field " + quote(name));
            }
        }
        return out;
    }

    private static Node value(Map<String, NodeTuple> fields, String name) {
        NodeTuple t = fields.get(name);
        return t == null ? null : t.getValueNode();
    }

    /** A list's items; a missing or null value is an empty list, as in Go. */
    private static List<Node> list(Node node, String where) throws Bad {
        if (node == null || isNull(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        throw new Bad(where + at(node) + " must be a list" + found(node));
    }

    /** A scalar's text; null when missing or YAML null. */
    private static String text(Node node, String where) throws Bad {
        if (node == null || isNull(node)) {
            return null;
        }
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        throw new Bad(where + at(node) + " must be a single value" + found(node));
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN
                && Set.of("", "~", "null", "Null", "NULL").contains(s.getValue());
    }

    /** What was found instead, without repeating any value. */
    private static String found(Node node) {
        if (node == null || isNull(node)) {
            return ", found nothing";
        }
        return node instanceof SequenceNode ? ", found a list"
                : node instanceof MappingNode ? ", found a mapping" : ", found a single value";
    }

    private static int line(Node node) {
        return node == null ? 0 : node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private static String at(Node node) {
        int line = line(node);
        return line > 0 ? " (line " + line + ")" : "";
    }

    /** A name from the file, quoted, shortened and without control characters. */
    private static String quote(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return "'" + (clean.length() > 60 ? clean.substring(0, 57) + "..." : clean) + "'";
    }

    private static String names(List<String> names) {
        if (names.size() <= 10) {
            return String.join(", ", names.stream().map(EncryptionConfig::quote).toList());
        }
        return String.join(", ", names.subList(0, 10).stream().map(EncryptionConfig::quote).toList())
                + " and " + (names.size() - 10) + " more";
    }

    /** Why the file is not a configuration kube-apiserver accepts. */
    private static final class Bad extends Exception {
        Bad(String reason) {
            super(reason, null, false, false);
        }
    }
}
