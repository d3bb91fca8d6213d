package dev.etcdguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.deploy.DeployManifests;
import dev.etcdguard.sandbox.Delivery;
import dev.etcdguard.sandbox.LocalCluster;
import dev.etcdguard.sandbox.PeerTls;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code etcdguard agent} with exactly the arguments of deploy/daemonset.yaml against this machine's /proc, as
 * the kubelet would start it: every path in the arguments is mapped through the pod's volume mounts back to this
 * machine (the hostPath /proc at /host/proc is this machine's /proc; the Secret volume is a directory holding the
 * Secret's items), and $(VAR) is substituted from the container's env, with test values: a SQLite store in a temp
 * dir for the PostgreSQL URL of the Secret, a token of the test's. One change for the test machine: the pod's
 * 0.0.0.0:9910 becomes 127.0.0.1 and a free port (tests listen on loopback only).
 */
class DaemonSetAgentIT {

    private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    @TempDir
    Path dir;

    @Test
    void agentRunsWithTheDaemonSetsArgumentsAndEndsOnSigterm() throws Exception {
        DaemonSet ds = DeployManifests.one("daemonset.yaml", DaemonSet.class, "etcdguard");
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().getFirst();
        String token = "test-token-" + Long.toHexString(System.nanoTime());

        // the pod's file system, mapped to this machine: mount path -> local path
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount m : c.getVolumeMounts()) {
            Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst().orElseThrow();
            if (v.getHostPath() != null) {
                mounts.put(m.getMountPath(), Path.of(v.getHostPath().getPath()));
            } else if (v.getSecret() != null) {
                Path secretDir = Files.createDirectories(dir.resolve("secret-" + v.getName()));
                for (KeyToPath item : v.getSecret().getItems()) { // the Secret's items as the kubelet writes them
                    assertThat(item.getKey()).as("the only file item of the Secret is the token").isEqualTo("token");
                    Files.writeString(secretDir.resolve(item.getPath()), token);
                }
                mounts.put(m.getMountPath(), secretDir);
            } else if (v.getEmptyDir() != null) {
                mounts.put(m.getMountPath(), Files.createDirectories(dir.resolve("empty-" + v.getName())));
            } else {
                throw new AssertionError("a volume the test cannot map: " + v);
            }
        }
        assertThat(mounts).containsEntry("/host/proc", Path.of("/proc"));

        // the container's env, with test values where the manifest takes them from the cluster
        Path store = dir.resolve("history.db");
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : c.getEnv()) {
            String value = e.getValue() != null ? e.getValue()
                    : e.getValueFrom().getSecretKeyRef() != null ? switch (e.getValueFrom().getSecretKeyRef().getKey()) {
                        case "ETCDGUARD_STORE" -> "jdbc:sqlite:" + store; // instead of the Secret's PostgreSQL URL
                        case "PGPASSWORD" -> "unused-by-sqlite";
                        default -> throw new AssertionError("unknown Secret key " + e.getValueFrom().getSecretKeyRef());
                    }
                    : e.getValueFrom().getFieldRef() != null ? "test-node" : null;
            assertThat(value).as(e.getName()).isNotNull();
            env.put(e.getName(), value);
        }

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> args = new ArrayList<>();
        List<String> mappedPaths = new ArrayList<>();
        for (String raw : c.getArgs()) {
            String arg = substitute(raw, env);
            if (arg.equals("0.0.0.0:" + c.getPorts().getFirst().getContainerPort())) {
                arg = "127.0.0.1:" + port;
            } else if (arg.startsWith("/")) {
                String local = mapPath(arg, mounts);
                assertThat(local).as("%s is inside one of the pod's mounts", arg).isNotNull();
                assertThat(Path.of(local)).as("%s exists in the pod", arg).exists();
                mappedPaths.add(arg);
                arg = local;
            }
            args.add(arg);
        }
        assertThat(mappedPaths).contains("/host/proc", "/var/run/etcdguard/token");
        assertThat(args).contains("jdbc:sqlite:" + store, "127.0.0.1:" + port);

        Path out = dir.resolve("agent.out");
        Path err = dir.resolve("agent.err");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (LocalCluster cluster = LocalCluster.builder(dir.resolve("etcd")).members(1).peerTls(PeerTls.TLS)
                .delivery(Delivery.FLAGS).start()) {
            Process agent = Launcher.start(args, env, out, err);
            try {
                int ready = awaitReady(http, port, agent, token);
                assertThat(ready).as("/readyz; stderr: %s", Files.readString(err)).isEqualTo(200);
                // the token file of the Secret volume is the one the agent asks for
                assertThat(get(http, port, "/metrics", null).statusCode()).isEqualTo(401);
                HttpResponse<String> metrics = get(http, port, "/metrics", token);
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("host=\"test-node\""); // NODE_NAME from the downward API
                assertThat(get(http, port, "/healthz", null).statusCode()).isEqualTo(200);
                agent.destroy(); // SIGTERM, as the kubelet stops a pod (the launcher execs the JVM: same pid)
                assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent ends on SIGTERM").isTrue();
                assertThat(agent.exitValue()).as("exit code; stderr: %s", Files.readString(err)).isZero();
            } finally {
                agent.descendants().forEach(ProcessHandle::destroyForcibly);
                agent.destroyForcibly();
            }
        }
        assertThat(store).as("the scan was written to the store of --store").isRegularFile();
    }

    /** /readyz's status once the agent answers 200 or has ended; bounded (two minutes), so never a hang. */
    private static int awaitReady(HttpClient http, int port, Process agent, String token) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        int last = -1;
        while (System.nanoTime() < deadline && agent.isAlive()) {
            try {
                last = get(http, port, "/readyz", token).statusCode();
                if (last == 200) {
                    return last;
                }
            } catch (IOException notYetListening) {
                // the JVM is starting
            }
            Thread.sleep(200);
        }
        return last;
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Kubernetes' $(VAR) expansion of a container's args from its env (an unknown variable stays as written). */
    private static String substitute(String arg, Map<String, String> env) {
        Matcher m = VAR.matcher(arg);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
        }
        return m.appendTail(sb).toString();
    }

    /** The local path of a pod path: the longest mount path it is under, or null. */
    private static String mapPath(String podPath, Map<String, Path> mounts) {
        String best = null;
        for (String mount : mounts.keySet()) {
            if ((podPath.equals(mount) || podPath.startsWith(mount + "/")) && (best == null || mount.length() > best.length())) {
                best = mount;
            }
        }
        return best == null ? null : mounts.get(best) + podPath.substring(best.length());
    }
}
