package dev.etcdguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/'s manifests, read with fabric8's Kubernetes model: kinds, node access and least privilege as documented. */
class DeployManifestsTest {

    private static final List<String> YAML = List.of("daemonset.yaml", "job-master.yaml", "service.yaml",
            "servicemonitor.yaml", "secret-postgres.yaml");

    private static DaemonSet daemonSet() throws IOException {
        return DeployManifests.one("daemonset.yaml", DaemonSet.class, "etcdguard");
    }

    private static Container agent() throws IOException {
        return daemonSet().getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    @Test
    void everyYamlInDeployParsesIntoTheModel() throws IOException {
        try (Stream<Path> files = Files.list(DeployManifests.DIR)) {
            List<String> yaml = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().toList();
            assertThat(yaml).containsExactlyInAnyOrderElementsOf(YAML);
        }
        for (String file : YAML) {
            List<HasMetadata> resources = DeployManifests.load(file);
            assertThat(resources).as(file).isNotEmpty().allSatisfy(r -> assertThat(r.getMetadata().getName()).isNotBlank());
        }
        assertThat(DeployManifests.load("daemonset.yaml")).extracting(r -> r.getClass().getSimpleName())
                .containsExactly("Namespace", "ServiceAccount", "DaemonSet");
    }

    @Test
    void aFieldTheModelDoesNotKnowIsReported(@TempDir Path dir) throws IOException {
        // the loader's strictness: a typo would otherwise land silently in fabric8's additionalProperties
        String text = Files.readString(DeployManifests.DIR.resolve("daemonset.yaml"))
                .replace("readOnlyRootFilesystem: true", "readOnlyRootFileSystem: true");
        Path copy = Files.writeString(dir.resolve("daemonset.yaml"), text);
        assertThat(DeployManifests.documents(copy)).hasSize(3);
        assertThatThrownBy(() -> DeployManifests.load(copy)).hasMessageContaining("readOnlyRootFileSystem");
    }

    @Test
    void daemonSetRunsOnControlPlaneNodesWithTheHostsPids() throws IOException {
        DaemonSet ds = daemonSet();
        assertThat(ds.getMetadata().getNamespace()).isEqualTo("etcdguard");
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostPID()).isTrue();
        assertThat(pod.getHostNetwork()).as("the pod network serves 9910").isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("node-role.kubernetes.io/control-plane", ""));
        assertThat(pod.getTolerations()).extracting(Toleration::getKey, Toleration::getOperator, Toleration::getEffect)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("node-role.kubernetes.io/control-plane", "Exists", "NoSchedule"),
                        org.assertj.core.groups.Tuple.tuple("node-role.kubernetes.io/master", "Exists", "NoSchedule"));
        assertThat(pod.getServiceAccountName()).isEqualTo("etcdguard");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(ds.getSpec().getSelector().getMatchLabels()).isEqualTo(ds.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(pod.getContainers()).hasSize(1);
        ServiceAccount sa = DeployManifests.one("daemonset.yaml", ServiceAccount.class, "etcdguard");
        assertThat(sa.getAutomountServiceAccountToken()).isFalse();
        Namespace ns = DeployManifests.one("daemonset.yaml", Namespace.class, "etcdguard");
        assertThat(ns.getMetadata().getLabels()).containsEntry("pod-security.kubernetes.io/enforce", "privileged");
    }

    @Test
    void onlyTheHostsProcIsMountedAndReadOnly() throws IOException {
        for (PodSpec pod : List.of(daemonSet().getSpec().getTemplate().getSpec(),
                DeployManifests.one("job-master.yaml", Job.class, "etcdguard-master").getSpec().getTemplate().getSpec())) {
            List<Volume> hostPaths = pod.getVolumes().stream().filter(v -> v.getHostPath() != null).toList();
            assertThat(hostPaths).extracting(v -> v.getHostPath().getPath()).containsExactly("/proc");
            Container c = pod.getContainers().getFirst();
            VolumeMount proc = c.getVolumeMounts().stream()
                    .filter(m -> m.getName().equals(hostPaths.getFirst().getName())).findFirst().orElseThrow();
            assertThat(proc.getMountPath()).isEqualTo("/host/proc");
            assertThat(proc.getReadOnly()).isTrue();
            // every mount but /tmp (an emptyDir, the read-only root's only writable place) is read-only
            assertThat(c.getVolumeMounts()).filteredOn(m -> !m.getMountPath().equals("/tmp"))
                    .allSatisfy(m -> assertThat(m.getReadOnly()).as(m.getMountPath()).isTrue());
            Volume tmp = pod.getVolumes().stream().filter(v -> v.getName().equals(c.getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals("/tmp")).findFirst().orElseThrow().getName())).findFirst().orElseThrow();
            assertThat(tmp.getEmptyDir()).isNotNull();
            assertThat(c.getArgs()).containsSubsequence("--proc-root", "/host/proc");
        }
    }

    @Test
    void leastPrivilegeInBothPods() throws IOException {
        Container job = DeployManifests.one("job-master.yaml", Job.class, "etcdguard-master").getSpec().getTemplate()
                .getSpec().getContainers().getFirst();
        for (Container c : List.of(agent(), job)) {
            SecurityContext sc = c.getSecurityContext();
            assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
            assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
            assertThat(sc.getPrivileged()).isFalse();
            assertThat(sc.getRunAsUser()).isZero();
            assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).containsExactlyInAnyOrder("SYS_PTRACE", "DAC_READ_SEARCH");
            assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(c.getResources().getLimits()).containsKeys("memory", "cpu");
            assertThat(c.getResources().getRequests().get("memory").toString()).isEqualTo("128Mi");
        }
        assertThat(agent().getSecurityContext()).isEqualTo(job.getSecurityContext());
    }

    @Test
    void jobIsOneShot() throws IOException {
        Job job = DeployManifests.one("job-master.yaml", Job.class, "etcdguard-master");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getHostPID()).isTrue();
        assertThat(pod.getNodeSelector()).isEqualTo(daemonSet().getSpec().getTemplate().getSpec().getNodeSelector());
        assertThat(pod.getTolerations()).isEqualTo(daemonSet().getSpec().getTemplate().getSpec().getTolerations());
        assertThat(pod.getContainers().getFirst().getArgs())
                .containsExactly("scan", "--host", "--proc-root", "/host/proc", "--format", "json");
    }

    @Test
    void agentArgumentsAreTheContractsAndTheSecretFeedsThem() throws IOException {
        Container c = agent();
        assertThat(c.getArgs()).containsExactly("agent", "--proc-root", "/host/proc", "--listen", "0.0.0.0:9910",
                "--interval", "10m", "--token-file", "/var/run/etcdguard/token", "--store", "$(ETCDGUARD_STORE)");
        Secret secret = DeployManifests.one("secret-postgres.yaml", Secret.class, "etcdguard");
        assertThat(secret.getMetadata().getNamespace()).isEqualTo("etcdguard");
        assertThat(secret.getStringData()).containsOnlyKeys("ETCDGUARD_STORE", "PGPASSWORD", "token");
        assertThat(secret.getStringData().get("ETCDGUARD_STORE"))
                .isEqualTo("jdbc:postgresql://postgres.etcdguard:5432/etcdguard?user=etcdguard")
                .doesNotContain("password");
        for (String name : List.of("ETCDGUARD_STORE", "PGPASSWORD")) {
            EnvVar env = c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
            assertThat(env.getValue()).as("%s comes from the Secret, not the manifest", name).isNull();
            assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("etcdguard");
            assertThat(secret.getStringData()).containsKey(env.getValueFrom().getSecretKeyRef().getKey());
        }
        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("NODE_NAME"))
                .singleElement().satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName"));
        // the token file is the Secret's "token" item, mounted where --token-file points
        PodSpec pod = daemonSet().getSpec().getTemplate().getSpec();
        VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/var/run/etcdguard"))
                .findFirst().orElseThrow();
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getSecret().getSecretName()).isEqualTo("etcdguard");
        assertThat(volume.getSecret().getItems()).singleElement()
                .satisfies(i -> assertThat(i.getKey() + "->" + i.getPath()).isEqualTo("token->token"));
    }

    @Test
    void probesAndServiceUseTheAgentsPort() throws IOException {
        Container c = agent();
        ContainerPort port = c.getPorts().getFirst();
        assertThat(port.getContainerPort()).isEqualTo(9910);
        assertThat(c.getArgs().get(c.getArgs().indexOf("--listen") + 1)).endsWith(":" + port.getContainerPort());
        Probe live = c.getLivenessProbe();
        Probe ready = c.getReadinessProbe();
        assertThat(live.getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(ready.getHttpGet().getPath()).isEqualTo("/readyz");
        for (Probe p : List.of(live, ready)) {
            assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo(port.getName());
            assertThat(p.getHttpGet().getHttpHeaders()).as("probes carry no token").isNullOrEmpty();
        }
        Service svc = DeployManifests.one("service.yaml", Service.class, "etcdguard");
        assertThat(svc.getMetadata().getNamespace()).isEqualTo("etcdguard");
        assertThat(svc.getSpec().getSelector()).isEqualTo(daemonSet().getSpec().getTemplate().getMetadata().getLabels());
        assertThat(svc.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(9910);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo(port.getName());
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void serviceMonitorScrapesMetricsWithTheSecretsToken() throws IOException {
        GenericKubernetesResource sm = (GenericKubernetesResource) DeployManifests.load("servicemonitor.yaml").getFirst();
        assertThat(sm.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(sm.getKind()).isEqualTo("ServiceMonitor");
        Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
        Service svc = DeployManifests.one("service.yaml", Service.class, "etcdguard");
        assertThat(((Map<String, Object>) spec.get("selector")).get("matchLabels"))
                .isEqualTo(Map.of("app.kubernetes.io/name", "etcdguard"));
        assertThat(svc.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "etcdguard");
        Map<String, Object> endpoint = ((List<Map<String, Object>>) spec.get("endpoints")).getFirst();
        assertThat(endpoint).containsEntry("port", svc.getSpec().getPorts().getFirst().getName())
                .containsEntry("path", "/metrics");
        assertThat(endpoint.get("bearerTokenSecret")).isEqualTo(Map.of("name", "etcdguard", "key", "token"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void kustomizationListsTheAgentsFilesButNotTheOneShotJob() throws IOException {
        Map<String, Object> k = DeployManifests.documents(DeployManifests.DIR.resolve("kustomization.yaml")).getFirst();
        assertThat(k).containsEntry("kind", "Kustomization");
        List<String> resources = (List<String>) k.get("resources");
        assertThat(resources).containsExactlyInAnyOrder("daemonset.yaml", "secret-postgres.yaml", "service.yaml",
                "servicemonitor.yaml");
        assertThat(resources).allSatisfy(r -> assertThat(DeployManifests.DIR.resolve(r)).isRegularFile());
    }
}
