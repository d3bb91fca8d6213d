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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * A kubeadm {@code ClusterConfiguration} with {@code etcd.local}, evaluated as the static pod kubeadm
 * would write: its default flags (peer TLS on), overridden by {@code etcd.local.extraArgs} (a map in
 * v1beta3, a list of {@code {name, value}} in v1beta4).
 */
final class Kubeadm {

    /** What one kubeadm file yields. */
    record Outcome(List<Invocation> invocations, List<SourceFinding> findings) {}

    private Kubeadm() {}

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
        for (Map.Entry<Integer, Node> d : docs) {
            Node doc = d.getValue();
            String kind = Yaml.str(Yaml.get(doc, "kind"));
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
        List<SourceFinding> findings = new ArrayList<>();
        for (Map.Entry<Integer, Node> d : docs) {
            Node doc = d.getValue();
            if (!"ClusterConfiguration".equals(Yaml.str(Yaml.get(doc, "kind")))) {
                continue;
            }
            Node etcd = Yaml.get(doc, "etcd");
            Node external = Yaml.get(etcd, "external");
            if (external != null) {
                findings.add(new SourceFinding(SourceFinding.Kind.EXTERNAL_ETCD, target(file, d.getKey(), external, nodeName),
                        "etcd.external: etcd runs outside this cluster's control plane; audit those etcd hosts instead"));
                continue;
            }
            Node local = Yaml.get(etcd, "local");
            Node anchor = local != null ? local : doc;
            String certDir = Yaml.str(Yaml.get(doc, "certificatesDir"));
            invocations.add(invocation(file, d.getKey(), doc, local, anchor, nodeName, address,
                    certDir == null ? "/etc/kubernetes/pki" : certDir, nodeRoot));
        }
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
        Node extra = Yaml.get(local, "extraArgs");
        for (NodeTuple t : Yaml.entries(extra)) { // v1beta3: a map
            if (t.getKeyNode() instanceof ScalarNode k) {
                flags.put(k.getValue(), Yaml.str(t.getValueNode()) == null ? "" : Yaml.str(t.getValueNode()));
                where.put(k.getValue(), Yaml.location(file, t.getValueNode(), "etcd.local.extraArgs." + k.getValue()));
            }
        }
        for (Node item : Yaml.seq(extra)) { // v1beta4: a list of {name, value}
            String name = Yaml.str(item, "name");
            if (name != null) {
                String value = Yaml.str(item, "value");
                flags.put(name, value == null ? "" : value);
                Node valueNode = Yaml.get(item, "value");
                where.put(name, Yaml.location(file, valueNode != null ? valueNode : item, "etcd.local.extraArgs " + name));
            }
        }
        List<Arg> argv = new ArrayList<>();
        argv.add(new Arg("etcd", defaults));
        flags.forEach((k, v) -> argv.add(new Arg("--" + k + "=" + v, where.get(k))));
        String endpoint = Yaml.str(Yaml.get(doc, "controlPlaneEndpoint"));
        String hint = endpoint == null ? null
                : "kubeadm ClusterConfiguration with controlPlaneEndpoint " + endpoint
                        + ": every control-plane node runs a stacked etcd member";
        Target.Manifest target = target(file, index, anchor, nodeName);
        // kubeadm's etcd pod mounts two hostPath volumes: the etcd certificate directory and etcd.local.dataDir
        List<String> mounts = List.of(NodeRoot.normalize(etcdDir), NodeRoot.normalize(dataDir == null ? "/var/lib/etcd" : dataDir));
        FileView files = new FileView() {
            @Override
            public Lookup lookup(String path) {
                String p = NodeRoot.normalize(path.startsWith("/") ? path : "/" + path);
                if (mounts.stream().noneMatch(m -> p.equals(m) || p.startsWith(m + "/"))) {
                    return new Lookup.Elsewhere("kubeadm mounts only " + String.join(" and ", mounts)
                            + " from the node into the etcd pod: etcd cannot read " + path, true);
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
        List<String> warnings = new ArrayList<>();
        List<EnvVar> env = extraEnvs(file, local, warnings);
        return new Invocation(Component.ETCD, argv, env, files, -1, target, List.of(), warnings, hint, null);
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
