package dev.etcdguard.collect;

import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.FileView;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Invocation.Arg;
import dev.etcdguard.etcd.Invocation.EnvVar;
import dev.etcdguard.etcd.Location;
import dev.etcdguard.etcd.SourceFinding;
import dev.etcdguard.etcd.Target;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * A kubeadm {@code ClusterConfiguration}, evaluated as the static pods kubeadm would write: etcd (for
 * {@code etcd.local}) with its default flags (peer TLS on) overridden by {@code etcd.local.extraArgs}, and
 * kube-apiserver, etcd's client, with its etcd flags ({@code etcd.local} or {@code etcd.external}) overridden
 * by {@code apiServer.extraArgs}. extraArgs are a map in v1beta3, a list of {@code {name, value}} in v1beta4.
 */
final class Kubeadm {

    /** What one kubeadm file yields. */
    record Outcome(List<Invocation> invocations, List<SourceFinding> findings) {}

    private Kubeadm() {}

    /**
     * The kubeadm documents of a kube-system/kubeadm-config ConfigMap (where {@code kubeadm init} uploads its
     * configuration): {@code data.ClusterConfiguration}, and {@code data.ClusterStatus} (kubeadm before v1.22),
     * composed where they stand in the file.
     *
     * @param relocateTo where every location is put when the value's text is not a literal block scalar (its
     *                   lines and columns are then not the file's), or null when the locations are exact
     * @param problem    why the ConfigMap's configuration cannot be read, or null
     */
    record Embedded(int document, List<Map.Entry<Integer, Node>> docs, Location relocateTo, String problem) {}

    /** True for the ConfigMap kube-system/kubeadm-config. */
    static boolean isKubeadmConfigMap(Node doc) {
        return "ConfigMap".equals(Yaml.str(Yaml.get(doc, "kind")))
                && "kubeadm-config".equals(Yaml.str(Yaml.path(doc, "metadata", "name")))
                && "kube-system".equals(Yaml.str(Yaml.path(doc, "metadata", "namespace")));
    }

    /** The kubeadm documents of the kubeadm-config ConfigMap {@code doc} (document {@code index} of a file). */
    static Embedded embedded(String file, int index, Node doc, String text, int codePointLimit) {
        Node data = Yaml.get(doc, "data");
        if (Yaml.get(data, "ClusterConfiguration") == null) {
            return new Embedded(index, List.of(), null, Yaml.get(data, "MasterConfiguration") != null
                    ? "ConfigMap kube-system/kubeadm-config holds a MasterConfiguration (kubeadm before 1.12), which this"
                            + " scan does not evaluate"
                    : "ConfigMap kube-system/kubeadm-config has no data.ClusterConfiguration, where kubeadm keeps its"
                            + " configuration: nothing of it is evaluated");
        }
        List<Map.Entry<Integer, Node>> docs = new ArrayList<>();
        Location relocateTo = null;
        int[] lineStarts = null;
        for (String key : List.of("ClusterConfiguration", "ClusterStatus")) {
            if (!(Yaml.get(data, key) instanceof ScalarNode value)) {
                continue;
            }
            String what = "ConfigMap kube-system/kubeadm-config data." + key;
            String inner = value.getValue();
            if (value.getScalarStyle() == ScalarStyle.LITERAL) {
                // the text as it stands in the file: its nodes then carry the file's own lines and columns
                lineStarts = lineStarts != null ? lineStarts : ConfigMaps.lineStarts(text);
                String pad = " ".repeat(ConfigMaps.blockIndent(text, lineStarts, Yaml.line(value), inner));
                StringBuilder b = new StringBuilder("\n".repeat(Yaml.line(value)));
                inner.lines().forEach(l -> b.append(l.isEmpty() ? "" : pad).append(l).append('\n'));
                inner = b.toString();
            } else if (relocateTo == null) {
                relocateTo = Yaml.location(file, value, what);
            }
            String problem;
            Node config = null;
            try {
                config = new Compose(Yaml.settings(file, codePointLimit)).composeString(inner).orElse(null);
                problem = config == null ? "empty" : Yaml.problem(config, new long[] {inner.length() + 1_000_000L});
            } catch (RuntimeException | StackOverflowError e) {
                problem = "not valid YAML: " + String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\n\\s*", " ");
            }
            if (problem == null && !(isKubeadm(config) && key.equals(Yaml.str(Yaml.get(config, "kind"))))) {
                problem = "not a kubeadm " + key + " (apiVersion kubeadm.k8s.io/..., kind " + key + ")";
            }
            if (problem != null && key.equals("ClusterConfiguration")) {
                return new Embedded(index, List.of(), null, what + " cannot be read as kubeadm reads it: " + problem);
            }
            if (problem == null) {
                docs.add(new AbstractMap.SimpleImmutableEntry<>(index, config));
            } // a ClusterStatus that cannot be read names no node: the ClusterConfiguration is evaluated without it
        }
        return new Embedded(index, docs, relocateTo, null);
    }

    /**
     * The outcome with every location put at {@code at}: for a configuration whose text is not a literal block
     * scalar (JSON, a quoted string), whose lines are not the file's.
     */
    static Outcome relocate(Outcome outcome, Location at) {
        UnaryOperator<Location> move = l -> l == null ? at
                : new Location(at.file() + ":" + at.line() + ":" + at.column() + " ("
                        + l.label().replaceFirst("^.*?:(\\d+):\\d+ \\((.*)\\)$", "$2 at line $1")
                        + " of " + at.label().replaceFirst("^[^(]*\\((.*)\\)$", "$1") + ")", at.file(), at.line(), at.column());
        List<Invocation> moved = new ArrayList<>();
        for (Invocation inv : outcome.invocations()) {
            List<Arg> argv = inv.argv().stream().map(a -> new Arg(a.value(), move.apply(a.location()))).toList();
            List<EnvVar> env = inv.env() == null ? null
                    : inv.env().stream().map(e -> new EnvVar(e.name(), e.value(), move.apply(e.location()))).toList();
            Target target = inv.target() instanceof Target.Manifest m
                    ? new Target.Manifest(m.file(), m.document(), at.line(), at.column(), m.resource(), m.container(), m.member())
                    : inv.target();
            moved.add(new Invocation(inv.component(), argv, env, inv.files(), inv.runAsUid(), target, inv.problems(),
                    inv.warnings(), inv.clusterHint(), inv.podSpecFile(), inv.version(), inv.notes()));
        }
        List<SourceFinding> findings = outcome.findings().stream().map(f -> f.target() instanceof Target.Manifest m
                ? new SourceFinding(f.kind(), new Target.Manifest(m.file(), m.document(), at.line(), at.column(),
                        m.resource(), m.container(), m.member()), f.message()) : f).toList();
        return new Outcome(moved, findings);
    }

    static boolean isKubeadm(Node doc) {
        String apiVersion = Yaml.str(Yaml.get(doc, "apiVersion"));
        return apiVersion != null && apiVersion.startsWith("kubeadm.k8s.io/");
    }

    /**
     * @param docs the kubeadm documents of one file with their indexes (InitConfiguration and
     *             JoinConfiguration give the node's name and advertise address)
     */
    static Outcome read(String file, List<Map.Entry<Integer, Node>> docs, Path nodeRoot) {
        String nodeName = "node";
        String address = "ADVERTISE_ADDRESS";
        String statusHint = null;
        for (Map.Entry<Integer, Node> d : docs) {
            Node doc = d.getValue();
            String kind = Yaml.str(Yaml.get(doc, "kind"));
            List<NodeTuple> endpoints = Yaml.entries(Yaml.get(doc, "apiEndpoints"));
            if ("ClusterStatus".equals(kind) && endpoints.size() == 1) { // kubeadm before v1.22: node -> its endpoint
                nodeName = Yaml.str(endpoints.get(0).getKeyNode()) != null ? Yaml.str(endpoints.get(0).getKeyNode()) : nodeName;
                String adv = Yaml.str(Yaml.get(endpoints.get(0).getValueNode(), "advertiseAddress"));
                address = adv != null ? adv : address;
            } else if ("ClusterStatus".equals(kind) && endpoints.size() > 1) {
                statusHint = "kubeadm ClusterStatus lists " + endpoints.size() + " control-plane nodes ("
                        + String.join(", ", endpoints.stream().map(t -> String.valueOf(Yaml.str(t.getKeyNode()))).toList())
                        + "): each runs a stacked etcd member";
            }
            if ("InitConfiguration".equals(kind) || "JoinConfiguration".equals(kind)) {
                String name = Yaml.str(Yaml.path(doc, "nodeRegistration", "name"));
                nodeName = name != null ? name : nodeName;
                String adv = Yaml.str(Yaml.path(doc, "localAPIEndpoint", "advertiseAddress"));
                if (adv == null) {
                    adv = Yaml.str(Yaml.path(doc, "controlPlane", "localAPIEndpoint", "advertiseAddress"));
                }
                address = adv != null ? adv : address;
            }
        }
        List<Invocation> invocations = new ArrayList<>();
        List<Invocation> apiServers = new ArrayList<>();
        List<SourceFinding> findings = new ArrayList<>();
        for (Map.Entry<Integer, Node> d : docs) {
            Node doc = d.getValue();
            if (!"ClusterConfiguration".equals(Yaml.str(Yaml.get(doc, "kind")))) {
                continue;
            }
            Node etcd = Yaml.get(doc, "etcd");
            Node external = Yaml.get(etcd, "external");
            String pki = Yaml.str(Yaml.get(doc, "certificatesDir"));
            apiServers.add(apiServer(file, d.getKey(), doc, external, nodeName, pki == null ? "/etc/kubernetes/pki" : pki,
                    nodeRoot));
            if (external != null) {
                findings.add(new SourceFinding(SourceFinding.Kind.EXTERNAL_ETCD, target(file, d.getKey(), external, nodeName),
                        "etcd.external: etcd runs outside this cluster's control plane; audit those etcd hosts instead"));
                continue;
            }
            Node local = Yaml.get(etcd, "local");
            Node anchor = local != null ? local : doc;
            String certDir = Yaml.str(Yaml.get(doc, "certificatesDir"));
            Invocation inv = invocation(file, d.getKey(), doc, local, anchor, nodeName, address,
                    certDir == null ? "/etc/kubernetes/pki" : certDir, nodeRoot);
            invocations.add(inv.clusterHint() == null && statusHint != null ? inv.withClusterHint(statusHint) : inv);
        }
        invocations.addAll(apiServers);
        return new Outcome(invocations, findings);
    }

    private static Invocation invocation(String file, int index, Node doc, Node local, Node anchor, String nodeName,
                                         String address, String certDir, Path nodeRoot) {
        String etcdDir = certDir.replaceAll("/+$", "") + "/etcd";
        String dataDir = Yaml.str(Yaml.get(local, "dataDir"));
        Map<String, String> flags = new TreeMap<>();
        flags.put("advertise-client-urls", "https://" + address + ":2379");
        flags.put("cert-file", etcdDir + "/server.crt");
        flags.put("client-cert-auth", "true");
        flags.put("data-dir", dataDir == null ? "/var/lib/etcd" : dataDir);
        flags.put("initial-advertise-peer-urls", "https://" + address + ":2380");
        flags.put("initial-cluster", nodeName + "=https://" + address + ":2380");
        flags.put("key-file", etcdDir + "/server.key");
        flags.put("listen-client-urls", "https://127.0.0.1:2379,https://" + address + ":2379");
        flags.put("listen-metrics-urls", "http://127.0.0.1:2381");
        flags.put("listen-peer-urls", "https://" + address + ":2380");
        flags.put("name", nodeName);
        flags.put("peer-cert-file", etcdDir + "/peer.crt");
        flags.put("peer-client-cert-auth", "true");
        flags.put("peer-key-file", etcdDir + "/peer.key");
        flags.put("peer-trusted-ca-file", etcdDir + "/ca.crt");
        flags.put("snapshot-count", "10000");
        flags.put("trusted-ca-file", etcdDir + "/ca.crt");
        Location defaults = Yaml.location(file, anchor, "kubeadm default for etcd.local");
        Map<String, Location> where = new TreeMap<>();
        flags.keySet().forEach(k -> where.put(k, defaults));
        extraArgs(file, Yaml.get(local, "extraArgs"), "etcd.local.extraArgs", flags, where);
        List<Arg> argv = argv("etcd", defaults, flags, where);
        String endpoint = Yaml.str(Yaml.get(doc, "controlPlaneEndpoint"));
        String hint = endpoint == null ? null
                : "kubeadm ClusterConfiguration with controlPlaneEndpoint " + endpoint
                        + ": every control-plane node runs a stacked etcd member";
        Target.Manifest target = target(file, index, anchor, nodeName);
        // kubeadm's etcd pod mounts two hostPath volumes: the etcd certificate directory and etcd.local.dataDir
        List<String> mounts = List.of(NodeRoot.normalize(etcdDir), NodeRoot.normalize(dataDir == null ? "/var/lib/etcd" : dataDir));
        FileView files = podFiles("etcd", mounts, nodeRoot);
        List<String> warnings = new ArrayList<>();
        List<EnvVar> env = extraEnvs(file, local, warnings);
        return new Invocation(Component.ETCD, argv, env, files, -1, target, List.of(), warnings, hint, null, null);
    }

    /**
     * kube-apiserver as kubeadm writes it, for its etcd rules: the etcd client certificate kubeadm issues and its
     * local etcd, or {@code etcd.external}'s endpoints and files; then {@code apiServer.extraArgs}.
     */
    private static Invocation apiServer(String file, int index, Node doc, Node external, String nodeName, String certDir,
                                        Path nodeRoot) {
        String dir = certDir.replaceAll("/+$", "");
        Node apiServer = Yaml.get(doc, "apiServer");
        Node anchor = apiServer != null ? apiServer : doc;
        Location defaults = Yaml.location(file, anchor, "kubeadm default for kube-apiserver");
        Map<String, String> flags = new TreeMap<>();
        Map<String, Location> where = new TreeMap<>();
        flags.put("client-ca-file", dir + "/ca.crt");
        if (external == null) {
            flags.put("etcd-servers", "https://127.0.0.1:2379");
            flags.put("etcd-cafile", dir + "/etcd/ca.crt");
            flags.put("etcd-certfile", dir + "/apiserver-etcd-client.crt");
            flags.put("etcd-keyfile", dir + "/apiserver-etcd-client.key");
            flags.keySet().forEach(k -> where.put(k, defaults));
        } else {
            flags.keySet().forEach(k -> where.put(k, defaults));
            Node endpoints = Yaml.get(external, "endpoints");
            List<String> urls = Yaml.seq(endpoints).stream().map(Yaml::str).filter(u -> u != null).toList();
            put(file, flags, where, "etcd-servers", String.join(",", urls), endpoints, "etcd.external.endpoints");
            put(file, flags, where, "etcd-cafile", Yaml.str(Yaml.get(external, "caFile")), Yaml.get(external, "caFile"),
                    "etcd.external.caFile");
            put(file, flags, where, "etcd-certfile", Yaml.str(Yaml.get(external, "certFile")),
                    Yaml.get(external, "certFile"), "etcd.external.certFile");
            put(file, flags, where, "etcd-keyfile", Yaml.str(Yaml.get(external, "keyFile")), Yaml.get(external, "keyFile"),
                    "etcd.external.keyFile");
        }
        extraArgs(file, Yaml.get(apiServer, "extraArgs"), "apiServer.extraArgs", flags, where);
        List<String> mounts = new ArrayList<>(List.of(NodeRoot.normalize(dir)));
        for (Node volume : Yaml.seq(Yaml.get(apiServer, "extraVolumes"))) { // hostPath volumes kubeadm adds
            String host = Yaml.str(volume, "hostPath");
            String mount = Yaml.str(volume, "mountPath");
            if (host != null && host.equals(mount)) {
                mounts.add(NodeRoot.normalize(mount));
            }
        }
        return new Invocation(Component.KUBE_APISERVER, argv("kube-apiserver", defaults, flags, where), List.of(),
                podFiles("kube-apiserver", mounts, nodeRoot), -1, new Target.Manifest(file, index, Yaml.line(anchor),
                Yaml.column(anchor), "ClusterConfiguration/kubeadm/" + nodeName, "kube-apiserver", null),
                List.of(), List.of(), null, null, null);
    }

    private static void put(String file, Map<String, String> flags, Map<String, Location> where, String flag, String value,
                            Node node, String what) {
        if (value != null && !value.isEmpty()) {
            flags.put(flag, value);
            where.put(flag, Yaml.location(file, node, what));
        }
    }

    /** Applies {@code extraArgs}: a map (v1beta3) or a list of {@code {name, value}} (v1beta4). */
    private static void extraArgs(String file, Node extra, String what, Map<String, String> flags,
                                  Map<String, Location> where) {
        for (NodeTuple t : Yaml.entries(extra)) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                flags.put(k.getValue(), Yaml.str(t.getValueNode()) == null ? "" : Yaml.str(t.getValueNode()));
                where.put(k.getValue(), Yaml.location(file, t.getValueNode(), what + "." + k.getValue()));
            }
        }
        for (Node item : Yaml.seq(extra)) {
            String name = Yaml.str(item, "name");
            if (name != null) {
                String value = Yaml.str(item, "value");
                flags.put(name, value == null ? "" : value);
                Node valueNode = Yaml.get(item, "value");
                where.put(name, Yaml.location(file, valueNode != null ? valueNode : item, what + " " + name));
            }
        }
    }

    private static List<Arg> argv(String program, Location at, Map<String, String> flags, Map<String, Location> where) {
        List<Arg> argv = new ArrayList<>();
        argv.add(new Arg(program, at));
        flags.forEach((k, v) -> argv.add(new Arg("--" + k + "=" + v, where.get(k))));
        return argv;
    }

    /** Files as a kubeadm static pod sees them: only its hostPath mounts, read under the node root when given. */
    private static FileView podFiles(String program, List<String> mounts, Path nodeRoot) {
        return new FileView() {
            @Override
            public Lookup lookup(String path) {
                String p = NodeRoot.normalize(path.startsWith("/") ? path : "/" + path);
                if (mounts.stream().noneMatch(m -> p.equals(m) || p.startsWith(m + "/"))) {
                    return new Lookup.Elsewhere("kubeadm mounts only " + String.join(" and ", mounts)
                            + " from the node into the " + program + " pod: " + program + " cannot read " + path, true);
                }
                return nodeRoot == null
                        ? new Lookup.Elsewhere("on the node (kubeadm writes it there); pass --node-root DIR to check"
                                + " the file itself", false)
                        : new Lookup.OnDisk(NodeRoot.resolve(nodeRoot, p));
            }

            @Override
            public Lookup accounts(String path) {
                return ManifestFileView.nodeAccounts(nodeRoot, path);
            }
        };
    }

    /** {@code etcd.local.extraEnvs} (v1beta4): variables kubeadm adds to the etcd container. */
    private static List<EnvVar> extraEnvs(String file, Node local, List<String> warnings) {
        List<EnvVar> env = new ArrayList<>();
        for (Node var : Yaml.seq(Yaml.get(local, "extraEnvs"))) {
            String name = Yaml.str(var, "name");
            String value = Yaml.str(var, "value");
            if (name != null && name.startsWith("ETCD_") && Yaml.get(var, "valueFrom") != null) {
                warnings.add(name + " in etcd.local.extraEnvs comes from valueFrom, which this scan cannot resolve;"
                        + " its value is unknown");
            } else if (name != null && name.startsWith("ETCD_")) {
                Node valueNode = Yaml.get(var, "value");
                env.add(new EnvVar(name, value == null ? "" : value,
                        Yaml.location(file, valueNode != null ? valueNode : var, "etcd.local.extraEnvs " + name)));
            }
        }
        return env;
    }

    private static Target.Manifest target(String file, int index, Node anchor, String nodeName) {
        return new Target.Manifest(file, index, Yaml.line(anchor), Yaml.column(anchor),
                "ClusterConfiguration/kubeadm/" + nodeName, "etcd", null);
    }
}
