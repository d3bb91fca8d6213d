package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code ./etcdguard scan PATH...} as a user runs it: formats, locations, stdin, bad input, exit codes. */
class ManifestScanIT {

    @TempDir
    Path dir;

    private Path manifests;

    @BeforeEach
    void write() throws IOException {
        manifests = Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(manifests.resolve("etcd.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: etcd
                  namespace: kube-system
                spec:
                  containers:
                  - name: etcd
                    command:
                    - /usr/local/bin/etcd
                    - --name=cp1
                    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
                    args:
                    - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
                    - --listen-peer-urls=http://10.0.0.11:2380
                    - --initial-cluster=cp1=https://10.0.0.11:2380,cp2=https://10.0.0.12:2380
                    volumeMounts:
                    - {name: certs, mountPath: /etc/kubernetes/pki/etcd}
                  volumes:
                  - name: certs
                    hostPath: {path: /etc/kubernetes/pki/etcd}
                """);
        Files.writeString(manifests.resolve("single.yml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: solo, namespace: db}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd, --name=solo]
                """);
        Files.writeString(manifests.resolve("broken.yaml"), "kind: Pod\nspec: [unclosed\n");
        Files.writeString(manifests.resolve("notes.txt"), "not scanned: not a manifest extension\n");
    }

    @Test
    void jsonCarriesManifestTargetsAndLocations() throws Exception {
        Launcher.Run run = Launcher.run(Map.of(), "scan", manifests.toString(), "--format", "json");
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2); // a FAIL and an input ERROR
        assertThat(run.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode results = JsonMapper.builder().build().readTree(run.stdout()).path("results");
        JsonNode fail = find(results, "etcd-peer-tls", "FAIL");
        JsonNode target = fail.path("target");
        assertThat(target.path("kind").asString()).isEqualTo("manifest");
        assertThat(target.path("file").asString()).endsWith("deploy/etcd.yaml");
        assertThat(target.path("document").asInt()).isZero();
        assertThat(target.path("line").asInt()).isEqualTo(8);
        assertThat(target.path("column").asInt()).isEqualTo(5);
        assertThat(target.path("resource").asString()).isEqualTo("Pod/kube-system/etcd");
        assertThat(target.path("container").asString()).isEqualTo("etcd");
        JsonNode urls = null;
        for (JsonNode c : fail.path("checks")) {
            if (c.path("id").asString().equals("peer-urls-https")) {
                urls = c;
            }
        }
        assertThat(urls.path("status").asString()).isEqualTo("FAIL");
        JsonNode listen = urls.path("evidence").get(0);
        assertThat(listen.path("source").asString()).isEqualTo("flag");
        assertThat(listen.path("line").asInt()).isEqualTo(15);
        assertThat(listen.path("column").asInt()).isEqualTo(7);
        assertThat(find(results, "etcd-peer-tls", "NOT_APPLICABLE").path("target").path("resource").asString())
                .isEqualTo("Pod/db/solo");
        JsonNode error = find(results, "input-readable", "ERROR");
        assertThat(error.path("rule").asString()).isEqualTo("input-readable");
        assertThat(error.path("target").path("file").asString()).endsWith("broken.yaml");
        assertThat(error.path("checks").get(0).path("message").asString()).contains("not valid YAML");
        assertThat(run.stdout()).doesNotContain("notes.txt");
    }

    @Test
    void replicasOfAMemberConfiguredAloneAreNotAClusterUnlessAssumed() throws Exception {
        Path sts = Files.writeString(dir.resolve("sts.yaml"), """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: etcd, namespace: db}
                spec:
                  replicas: 3
                  template:
                    spec:
                      containers:
                      - name: etcd
                        command: [etcd, --listen-peer-urls=http://0.0.0.0:2380]
                """);
        Launcher.Run plain = Launcher.run(Map.of(), "scan", sts.toString(), "--no-color");
        assertThat(plain.stdout()).contains("[N/A] 2.4", "[WARN] independent-members: StatefulSet with replicas: 3 runs"
                + " several members", "a node scan (etcdguard scan --host) reads the real membership");
        Launcher.Run assumed = Launcher.run(Map.of(), "scan", sts.toString(), "--assume-cluster", "--no-color");
        assertThat(assumed.stdout()).contains("[FAIL] 2.4", "evaluated as a cluster member: --assume-cluster",
                "--assume-cluster evaluated 1 single-member configuration(s) as cluster members");
    }

    @Test
    void standardInputAndAssumeCluster() throws Exception {
        Path single = manifests.resolve("single.yml");
        List<String> command = List.of("bash", "-c", Launcher.ROOT.resolve("etcdguard") + " scan - --assume-cluster --no-color < " + single);
        Launcher.Run run = Launcher.exec(command, Map.of());
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(1);
        assertThat(run.stdout()).contains("[FAIL] 2.4", "-:6:5 document 0 Pod/db/solo container etcd",
                "--assume-cluster evaluated 1 single-member configuration(s) as cluster members",
                "evaluated as a cluster member: --assume-cluster");
        Launcher.Run plain = Launcher.exec(List.of("bash", "-c",
                Launcher.ROOT.resolve("etcdguard") + " scan - --no-color < " + single), Map.of());
        assertThat(plain.exitCode()).as("2.1 and 2.2 still fail: no client TLS").isEqualTo(1);
        assertThat(plain.stdout()).contains("[N/A] 2.4", "[N/A] 2.5", "[N/A] 2.6", "[FAIL] 2.1")
                .doesNotContain("--assume-cluster evaluated");
        // a kube-apiserver beside it has no cluster membership to assume
        Path api = Files.writeString(dir.resolve("api.yaml"), "kind: Pod\nmetadata: {name: kube-apiserver}\n"
                + "spec: {containers: [{name: api, command: [kube-apiserver, --etcd-servers=https://127.0.0.1:2379]}]}\n");
        Launcher.Run both = Launcher.run(Map.of(), "scan", single.toString(), api.toString(), "--assume-cluster", "--no-color");
        assertThat(both.exitCode()).as(both.stderr()).isEqualTo(1);
        assertThat(both.stdout()).contains("--assume-cluster evaluated 1 single-member configuration(s)", "[PASS] EG-2");
    }

    @Test
    void sarifAndJunitFormats() throws Exception {
        Path sarif = dir.resolve("out.sarif");
        Launcher.Run run = Launcher.run(Map.of(), "scan", manifests.resolve("etcd.yaml").toString(), "--format", "sarif",
                "-o", sarif.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode log = JsonMapper.builder().build().readTree(Files.readString(sarif));
        assertThat(log.path("version").asString()).isEqualTo("2.1.0");
        JsonNode result = null;
        for (JsonNode r : log.path("runs").get(0).path("results")) {
            if (r.path("ruleId").asString().equals("etcd-peer-tls")) {
                result = r;
            }
        }
        assertThat(result).isNotNull();
        assertThat(result.path("level").asString()).isEqualTo("error");
        JsonNode region = result.path("locations").get(0).path("physicalLocation").path("region");
        assertThat(region.path("startLine").asInt()).isEqualTo(15);

        Launcher.Run junit = Launcher.run(Map.of(), "scan", manifests.toString(), "--format", "junit");
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(junit.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        // two etcd containers x 13 etcd rules (11 CIS, EG-3, EG-4), plus the unreadable file
        assertThat(xml.getElementsByTagName("testcase").getLength()).isEqualTo(27);
        assertThat(xml.getElementsByTagName("error").getLength()).isEqualTo(1);
        assertThat(xml.getElementsByTagName("skipped").getLength()).as("the lone pod's 2.4, 2.5, 2.6 and the files on the node")
                .isGreaterThanOrEqualTo(3);
        assertThat(xml.getElementsByTagName("failure").getLength()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void staticPodDirectoryBackupIsAFinding() throws Exception {
        Path manifestsDir = Files.createDirectories(dir.resolve("manifests"));
        Files.copy(manifests.resolve("etcd.yaml"), manifestsDir.resolve("etcd.yaml"));
        Files.copy(manifests.resolve("etcd.yaml"), manifestsDir.resolve("etcd.yaml.bak"));
        Files.copy(manifests.resolve("etcd.yaml"), manifestsDir.resolve(".etcd.yaml.orig"));
        Launcher.Run run = Launcher.run(Map.of(), "scan", "--static-pod-dir", manifestsDir.toString(), "--no-color");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).contains("[FAIL] EG-1 etcd is defined by exactly one static pod manifest",
                "etcd.yaml.bak defines an etcd pod too").doesNotContain(".etcd.yaml.orig defines");
    }

    @Test
    void uniqueCaFindsKubeadmsClusterCaUnderTheNodeRoot() throws Exception {
        Path node = dir.resolve("node");
        Path pki = Files.createDirectories(node.resolve("etc/kubernetes/pki/etcd"));
        dev.etcdguard.pki.CertificateAuthority etcdCa = dev.etcdguard.pki.CertificateAuthority.create("etcd-ca");
        etcdCa.writeCertificate(pki.resolve("ca.crt"));
        Files.copy(pki.resolve("ca.crt"), node.resolve("etc/kubernetes/pki/ca.crt")); // one CA for both: the finding
        Path pod = dir.resolve("pod.yaml");
        Files.writeString(pod, """
                apiVersion: v1
                kind: Pod
                metadata: {name: etcd, namespace: kube-system}
                spec:
                  containers:
                  - name: etcd
                    command: [etcd, --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt]
                    volumeMounts: [{name: certs, mountPath: /etc/kubernetes/pki/etcd}]
                  volumes:
                  - {name: certs, hostPath: {path: /etc/kubernetes/pki/etcd}}
                """);
        Launcher.Run same = Launcher.run(Map.of(), "scan", pod.toString(), "--node-root", node.toString(), "--no-color");
        assertThat(same.stdout()).contains("[FAIL] 2.7 etcd uses a certificate authority distinct from the Kubernetes cluster CA",
                "holds the Kubernetes cluster CA");
        dev.etcdguard.pki.CertificateAuthority.create("kubernetes").writeCertificate(node.resolve("etc/kubernetes/pki/ca.crt"));
        Launcher.Run distinct = Launcher.run(Map.of(), "scan", pod.toString(), "--node-root", node.toString(), "--no-color");
        assertThat(distinct.stdout()).contains("[PASS] 2.7");
        Launcher.Run unknown = Launcher.run(Map.of(), "scan", pod.toString(), "--no-color");
        assertThat(unknown.stdout()).contains("[N/A] 2.7");
    }

    @Test
    void kubeadmConfigClaimTemplatesKindlessDocumentsAndInputsGivenTwice() throws Exception {
        Path cluster = Files.createDirectories(dir.resolve("cluster"));
        String kubeadmConfig = """
                apiVersion: v1
                data:
                  ClusterConfiguration: |
                    apiVersion: kubeadm.k8s.io/v1beta3
                    certificatesDir: /etc/kubernetes/pki
                    controlPlaneEndpoint: cp.example.internal:6443
                    etcd:
                      local:
                        dataDir: /var/lib/etcd
                        extraArgs:
                          listen-peer-urls: http://10.0.0.11:2380
                    kind: ClusterConfiguration
                    kubernetesVersion: v1.30.2
                kind: ConfigMap
                metadata:
                  name: kubeadm-config
                  namespace: kube-system
                """;
        Path kubeadm = Files.writeString(cluster.resolve("kubeadm-config.yaml"), kubeadmConfig);
        Files.writeString(cluster.resolve("sts.yaml"), """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: etcd, namespace: db}
                spec:
                  replicas: 3
                  template:
                    spec:
                      containers:
                      - name: etcd
                        command: [etcd, --data-dir=/var/lib/etcd/data,
                                  --listen-peer-urls=https://0.0.0.0:2380,
                                  --peer-cert-file=/var/lib/etcd/pki/peer.crt,
                                  --peer-key-file=/var/lib/etcd/pki/peer.key,
                                  --peer-trusted-ca-file=/var/lib/etcd/pki/ca.crt, --peer-client-cert-auth]
                        volumeMounts:
                        - {name: data, mountPath: /var/lib/etcd}
                  volumeClaimTemplates:
                  - metadata: {name: data}
                    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                """);
        Files.writeString(cluster.resolve("values.yaml"), """
                containers:
                - name: etcd
                  command: [etcd, --name=from-values]
                """);
        // the directory, a file inside it, and the same file again: each file is scanned once
        Launcher.Run run = Launcher.run(Map.of(), "scan", cluster.toString(), kubeadm.toString(),
                cluster.resolve("./sts.yaml").toString(), "--format", "json");
        assertThat(run.stderr()).doesNotContain("Exception");
        JsonNode results = JsonMapper.builder().build().readTree(run.stdout()).path("results");
        List<JsonNode> peerTls = new java.util.ArrayList<>();
        results.forEach(r -> {
            if (r.path("rule").asString().equals("etcd-peer-tls")) {
                peerTls.add(r);
            }
        });
        assertThat(peerTls).hasSize(3);
        for (JsonNode r : peerTls) {
            String file = r.path("target").path("file").asString();
            if (file.endsWith("kubeadm-config.yaml")) { // kubeadm's pod, with extraArgs' plain-HTTP peer URL
                assertThat(r.path("status").asString()).isEqualTo("FAIL");
                JsonNode urls = null;
                for (JsonNode c : r.path("checks")) {
                    if (c.path("id").asString().equals("peer-urls-https")) {
                        urls = c;
                    }
                }
                assertThat(urls).isNotNull();
                JsonNode evidence = urls.path("evidence").get(0);
                String[] lines = kubeadmConfig.split("\n", -1);
                int line = 0;
                while (!lines[line].contains("http://10.0.0.11:2380")) {
                    line++;
                }
                assertThat(evidence.path("line").asInt()).isEqualTo(line + 1);
                assertThat(evidence.path("column").asInt()).isEqualTo(lines[line].indexOf("http://") + 1);
            } else if (file.endsWith("sts.yaml")) { // its certificates are in the claim's volume, not missing
                assertThat(r.toString()).doesNotContain("not inside any volumeMount").doesNotContain("does not define");
            } else {
                assertThat(file).endsWith("values.yaml");
                assertThat(r.toString()).contains("not a Kubernetes object; evaluated as a pod template");
            }
        }
    }

    @Test
    void uniqueCaInAKubeadmConfigurationComparesKubeApiserversClientCaFile() throws Exception {
        Path kubeadm = dir.resolve("kubeadm.yaml");
        Files.writeString(kubeadm, """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                controlPlaneEndpoint: cp.example:6443
                """);
        // kubeadm's own paths: etcd/ca.crt for etcd, ca.crt for kube-apiserver's clients; no file to read
        Launcher.Run distinct = Launcher.run(Map.of(), "scan", kubeadm.toString(), "--no-color", "-v");
        assertThat(distinct.stdout()).contains("[PASS] 2.7", "differ from the Kubernetes cluster CA path"
                + " /etc/kubernetes/pki/ca.crt", "contents not compared");
        // kube-apiserver told to trust etcd's CA for its clients: the same file on both sides
        Files.writeString(kubeadm, """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                controlPlaneEndpoint: cp.example:6443
                apiServer:
                  extraArgs:
                    client-ca-file: /etc/kubernetes/pki/etcd/ca.crt
                """);
        Launcher.Run same = Launcher.run(Map.of(), "scan", kubeadm.toString(), "--no-color");
        assertThat(same.stdout()).contains("[FAIL] 2.7", "trusted-ca-file /etc/kubernetes/pki/etcd/ca.crt (",
                "the file kube-apiserver's --client-ca-file (" + kubeadm);
        // with the node's files the certificates are compared by key
        Path node = dir.resolve("kubeadm-node");
        Path pki = Files.createDirectories(node.resolve("etc/kubernetes/pki/etcd"));
        dev.etcdguard.pki.CertificateAuthority.create("etcd-ca").writeCertificate(pki.resolve("ca.crt"));
        dev.etcdguard.pki.CertificateAuthority.create("kubernetes").writeCertificate(node.resolve("etc/kubernetes/pki/ca.crt"));
        Files.writeString(kubeadm, """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                controlPlaneEndpoint: cp.example:6443
                """);
        Launcher.Run byKey = Launcher.run(Map.of(), "scan", kubeadm.toString(), "--node-root", node.toString(), "--no-color",
                "-v");
        assertThat(byKey.stdout()).contains("[PASS] 2.7", "compared by key");
    }

    private static JsonNode find(JsonNode results, String rule, String status) {
        for (JsonNode r : results) {
            if (r.path("rule").asString().equals(rule) && r.path("status").asString().equals(status)) {
                return r;
            }
        }
        throw new AssertionError("no " + status + " result in " + results);
    }
}
