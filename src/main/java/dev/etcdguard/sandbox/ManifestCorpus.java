package dev.etcdguard.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A deterministic corpus of Kubernetes manifests for throughput benchmarks: {@code files} files of
 * one to nine documents (five on average) of common kinds, a few percent of them etcd pods in varied
 * configurations (peer TLS, http peer URLs with certificate flags, ETCD_* env, a config file in a
 * ConfigMap, a shell wrapper, kubeadm configurations). The same seed gives the same bytes.
 */
public final class ManifestCorpus {

    /** What was written. */
    public record Stats(int files, int documents, int etcdDocuments, long bytes) {}

    private ManifestCorpus() {}

    public static Stats write(Path dir, int files, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int documents = 0;
        int etcd = 0;
        long bytes = 0;
        for (int f = 0; f < files; f++) {
            StringBuilder text = new StringBuilder();
            int docs = 1 + random.nextInt(9);
            for (int d = 0; d < docs; d++) {
                if (d > 0) {
                    text.append("---\n");
                }
                String name = "app-" + f + "-" + d;
                if (random.nextInt(100) < 3) {
                    text.append(etcd(random, name, f));
                    etcd++;
                } else {
                    text.append(ordinary(random, name));
                }
                documents++;
            }
            byte[] content = text.toString().getBytes(StandardCharsets.UTF_8);
            Path file = dir.resolve(String.format("team-%03d/manifest-%05d.yaml", f % 200, f));
            try {
                // guarded: once Ctrl-C's exit cleanup deletes a scratch corpus, no file is written back into it
                Reaper.guarded(() -> Files.write(Files.createDirectories(file.getParent()).resolve(file.getFileName()),
                        content));
            } catch (Reaper.ShuttingDown e) {
                throw new IOException("corpus not written: " + e.getMessage(), e);
            }
            bytes += content.length;
        }
        return new Stats(files, documents, etcd, bytes);
    }

    private static String ordinary(SplittableRandom random, String name) {
        return switch (random.nextInt(5)) {
            case 0 -> """
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: %s
                      namespace: default
                      labels: {app: %s, tier: backend}
                    spec:
                      selector: {app: %s}
                      ports:
                      - {name: http, port: 80, targetPort: 8080, protocol: TCP}
                    """.formatted(name, name, name);
            case 1 -> """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: %s
                      namespace: default
                    data:
                      LOG_LEVEL: info
                      settings.yaml: |
                        server:
                          port: 8080
                          timeout: %ds
                        features: [a, b, c]
                    """.formatted(name, random.nextInt(100));
            default -> """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: %s
                      namespace: default
                      labels:
                        app: %s
                        version: "v%d"
                    spec:
                      replicas: %d
                      selector:
                        matchLabels: {app: %s}
                      template:
                        metadata:
                          labels: {app: %s}
                          annotations:
                            prometheus.io/scrape: "true"
                        spec:
                          containers:
                          - name: main
                            image: registry.example.test/%s:1.%d.0
                            args: ["--port=8080", "--log-level=info"]
                            ports:
                            - containerPort: 8080
                            env:
                            - {name: MODE, value: production}
                            - name: PASSWORD
                              valueFrom:
                                secretKeyRef: {name: %s, key: password}
                            resources:
                              requests: {cpu: 100m, memory: 128Mi}
                              limits: {cpu: "1", memory: 512Mi}
                            readinessProbe:
                              httpGet: {path: /healthz, port: 8080}
                    """.formatted(name, name, random.nextInt(10), 1 + random.nextInt(5), name, name, name,
                    random.nextInt(30), name);
        };
    }

    private static String etcd(SplittableRandom random, String name, int f) {
        String ip = "10.0." + (f % 250) + "." + (1 + random.nextInt(250));
        String scheme = random.nextInt(4) == 0 ? "http" : "https";
        return switch (random.nextInt(4)) {
            case 0 -> """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: %s, namespace: kube-system}
                    spec:
                      containers:
                      - name: etcd
                        image: registry.k8s.io/etcd:3.5.15-0
                        command:
                        - etcd
                        - --name=%s
                        - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
                        - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
                        args:
                        - --listen-peer-urls=%s://%s:2380
                        - --initial-advertise-peer-urls=%s://%s:2380
                        - --initial-cluster=%s=%s://%s:2380,other=https://10.9.9.9:2380
                        volumeMounts:
                        - {name: etcd-certs, mountPath: /etc/kubernetes/pki/etcd}
                      volumes:
                      - name: etcd-certs
                        hostPath: {path: /etc/kubernetes/pki/etcd, type: DirectoryOrCreate}
                    """.formatted(name, name, scheme, ip, scheme, ip, name, scheme, ip);
            case 1 -> """
                    apiVersion: apps/v1
                    kind: StatefulSet
                    metadata: {name: %s, namespace: db}
                    spec:
                      replicas: 3
                      template:
                        spec:
                          containers:
                          - name: etcd
                            image: quay.io/coreos/etcd:v3.5.15
                            command: ["/usr/local/bin/etcd"]
                            env:
                            - {name: ETCD_PEER_CERT_FILE, value: /certs/peer.crt}
                            - {name: ETCD_PEER_KEY_FILE, value: /certs/peer.key}
                            - {name: ETCD_LISTEN_PEER_URLS, value: "%s://0.0.0.0:2380"}
                            volumeMounts:
                            - {name: certs, mountPath: /certs}
                          volumes:
                          - name: certs
                            secret: {secretName: etcd-peer}
                    """.formatted(name, scheme);
            case 2 -> """
                    apiVersion: apps/v1
                    kind: DaemonSet
                    metadata: {name: %s, namespace: db}
                    spec:
                      template:
                        spec:
                          containers:
                          - name: etcd
                            image: quay.io/coreos/etcd:v3.5.15
                            command: ["/bin/sh", "-c"]
                            args:
                            - exec etcd --name=$(HOSTNAME) --listen-peer-urls=%s://0.0.0.0:2380 --peer-auto-tls
                    """.formatted(name, scheme);
            default -> """
                    apiVersion: kubeadm.k8s.io/v1beta3
                    kind: ClusterConfiguration
                    controlPlaneEndpoint: lb.example.test:6443
                    etcd:
                      local:
                        extraArgs:
                          listen-peer-urls: %s://%s:2380
                    """.formatted(scheme, ip);
        };
    }
}
