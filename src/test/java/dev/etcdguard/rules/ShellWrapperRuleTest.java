package dev.etcdguard.rules;

import static dev.etcdguard.rules.MemberFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.Invocation;
import dev.etcdguard.etcd.Provenance;
import dev.etcdguard.etcd.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd started by a shell wrapper ({@code sh -c "... exec etcd ..."}) judged end to end: the manifest collected by
 * {@link ManifestCollector}, each etcd command of the script judged by the built-in etcd-peer-tls rule.
 */
class ShellWrapperRuleTest {

    @TempDir
    Path dir;

    private final List<RuleDocument> rules = RuleLoader.builtIn();

    private static final String MOUNTS = """
                volumeMounts:
                - {name: etcd-certs, mountPath: /etc/kubernetes/pki/etcd}
              volumes:
              - name: etcd-certs
                hostPath: {path: /etc/kubernetes/pki/etcd}
            """;

    /** A static pod of member cp1 of a 3-member cluster whose container runs {@code script} with sh -c. */
    private static String pod(String script) {
        StringBuilder text = new StringBuilder("""
                apiVersion: v1
                kind: Pod
                metadata: {name: etcd-cp1, namespace: kube-system}
                spec:
                  containers:
                  - name: etcd
                    image: registry.k8s.io/etcd:3.5.15-0
                    env:
                    - name: NODE_IP
                      value: 10.0.0.11
                    command:
                    - /bin/sh
                    - -c
                    - |
                """);
        script.lines().forEach(l -> text.append("      ").append(l).append('\n'));
        return text + MOUNTS;
    }

    private List<Invocation> etcd(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        ManifestCollector.Output out = new ManifestCollector(new ManifestCollector.Options(null,
                ManifestCollector.DEFAULT_MAX_FILE_BYTES)).collect(List.of(file.toString()), List.of());
        assertThat(out.findings()).as("findings").isEmpty();
        return out.invocations().stream().filter(i -> i.component() == Component.ETCD).toList();
    }

    private Result peerTls(Invocation invocation) {
        return new Evaluator(rules, EvaluationOptions.defaults()).evaluate(invocation).stream()
                .filter(r -> r.rule().id().equals("etcd-peer-tls")).findFirst().orElseThrow();
    }

    private static int lineOf(String text, String needle) {
        int i = text.indexOf(needle);
        assertThat(i).as("'%s' in the test document", needle).isNotNegative();
        return (int) text.substring(0, i).chars().filter(c -> c == '\n').count() + 1;
    }

    /** Modelled on wrappers that send etcd's output through a pipe to a log file, with the cluster built in the script. */
    private static final String LOGGING_WRAPPER = """
            #!/bin/sh
            set -eu
            mkfifo /tmp/pipe; (tee -a /var/log/etcd/etcd.log < /tmp/pipe &)
            PEERS="cp1=https://10.0.0.11:2380"
            PEERS="$PEERS,cp2=https://10.0.0.12:2380,cp3=https://10.0.0.13:2380"
            export ETCD_PEER_CLIENT_CERT_AUTH=true
            exec nice -n -19 etcd --name=cp1 \\
              --listen-peer-urls=https://${NODE_IP}:2380 \\
              --initial-advertise-peer-urls=https://${NODE_IP}:2380 \\
              --initial-cluster="${PEERS}" \\
              --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt \\
              --peer-key-file=/etc/kubernetes/pki/etcd/peer.key \\
              --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt \\
              > /tmp/pipe 2>&1
            """;

    @Test
    void aCorrectConfigurationWithRedirectionsPasses() throws IOException {
        String text = pod(LOGGING_WRAPPER);
        List<Invocation> etcd = etcd("logging.yaml", text);
        assertThat(etcd).singleElement().satisfies(inv -> {
            assertThat(inv.warnings()).isEmpty();
            assertThat(((Target.Manifest) inv.target()).container()).isEqualTo("etcd");
        });
        Result r = peerTls(etcd.get(0));
        assertThat(check(r, "config-consistent").status()).isEqualTo(Status.PASS);
        assertThat(check(r, "cluster-membership").message()).contains("3-member cluster");
        assertThat(check(r, "peer-urls-https").status()).isEqualTo(Status.PASS);
        assertThat(r.status()).as("%s", r.checks()).isEqualTo(Status.PASS);
        // the initial cluster comes from the script's variable, and points at the script line of the flag
        Provenance p = etcd.get(0).argv().stream().filter(a -> a.value().startsWith("--initial-cluster=")).findFirst()
                .map(a -> (Provenance) new Provenance.Flag("--initial-cluster", a.location())).orElseThrow();
        assertThat(p.location().line()).isEqualTo(lineOf(text, "--initial-cluster=\"${PEERS}\""));
        assertThat(p.location().label()).contains("shell script line 10").contains("PEERS set by the shell script at line 5");
        // the exported variable is etcd's environment, located at its line
        assertThat(etcd.get(0).env()).anySatisfy(e -> {
            assertThat(e.name()).isEqualTo("ETCD_PEER_CLIENT_CERT_AUTH");
            assertThat(e.location().line()).isEqualTo(lineOf(text, "export ETCD_PEER_CLIENT_CERT_AUTH"));
        });
    }

    @Test
    void everyEtcdCommandOfTheScriptIsJudged() throws IOException {
        String text = pod("""
                if [ -d /var/lib/etcd/member ]; then
                  exec etcd --name=cp1 --listen-peer-urls=https://10.0.0.11:2380 \\
                    --initial-advertise-peer-urls=https://10.0.0.11:2380 \\
                    --initial-cluster=cp1=https://10.0.0.11:2380,cp2=https://10.0.0.12:2380 \\
                    --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt --peer-key-file=/etc/kubernetes/pki/etcd/peer.key \\
                    --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt --peer-client-cert-auth >>/var/log/etcd.log
                fi
                exec etcd --name=cp1 --listen-peer-urls=http://10.0.0.11:2380 \\
                  --initial-cluster=cp1=http://10.0.0.11:2380,cp2=http://10.0.0.12:2380 2>&1
                """);
        List<Invocation> etcd = etcd("branches.yaml", text);
        int first = lineOf(text, "exec etcd --name=cp1 --listen-peer-urls=https");
        int second = lineOf(text, "exec etcd --name=cp1 --listen-peer-urls=http:");
        assertThat(etcd).extracting(i -> ((Target.Manifest) i.target()).container()).containsExactly(
                "etcd (shell script line 2, file line " + first + ")", "etcd (shell script line 8, file line " + second + ")");
        List<Result> results = etcd.stream().map(this::peerTls).toList();
        assertThat(results).as("%s", results).extracting(Result::status).containsExactly(Status.PASS, Status.FAIL);
        CheckResult http = check(results.get(1), "peer-urls-https");
        assertThat(http.status()).isEqualTo(Status.FAIL);
        assertThat(http.evidence()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(Evidence.Setting.class,
                s -> assertThat(s.resolved().provenance().location().line()).isEqualTo(second)));
        assertThat(check(results.get(0), "config-consistent").status()).isEqualTo(Status.PASS);
    }

    @Test
    void aValueOnlyTheRunningScriptKnowsIsNamed() throws IOException {
        String text = pod("""
                ETCD_INITIAL_CLUSTER=$(discover-initial-cluster --endpoints=https://10.0.0.12:2379)
                export ETCD_INITIAL_CLUSTER
                exec etcd --name=$(hostname) --listen-peer-urls=https://${NODE_IP}:2380 \\
                  --initial-advertise-peer-urls=https://${NODE_IP}:2380 \\
                  --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
                """);
        Invocation inv = etcd("unknown.yaml", text).get(0);
        assertThat(inv.env()).noneSatisfy(e -> assertThat(e.name()).isEqualTo("ETCD_INITIAL_CLUSTER"));
        assertThat(inv.warnings()).anySatisfy(w -> assertThat(w).contains("ETCD_INITIAL_CLUSTER is set by the shell script at line 1")
                .contains("$(discover-initial-cluster").contains("unknown to this scan"));
        assertThat(inv.warnings()).anySatisfy(w -> assertThat(w).contains("'--name=$(hostname)'")
                .contains("$(hostname) is only known when the script runs"));
        // not provably alone: the member is judged, its incomplete evidence a WARN
        Result r = peerTls(inv);
        assertThat(check(r, "cluster-membership").message()).contains("evaluated as a cluster member")
                .contains("ETCD_INITIAL_CLUSTER is set by the shell script at line 1");
        assertThat(check(r, "peer-urls-https").status()).isEqualTo(Status.PASS);
        assertThat(r.status()).isEqualTo(Status.WARN);

        Invocation loop = etcd("loop.yaml", pod("""
                for i in 1 2 3; do PEERS="$PEERS,cp$i=https://10.0.0.1$i:2380"; done
                exec etcd --name=cp1 --listen-peer-urls=http://${NODE_IP}:2380 --initial-cluster ${PEERS}
                """)).get(0);
        assertThat(loop.warnings()).singleElement().asString().contains("'${PEERS}'").contains("PEERS is set in the loop at line 1");
        Result plain = peerTls(loop);
        assertThat(check(plain, "cluster-membership").message()).contains("initial-cluster is built by the shell script");
        assertThat(plain.status()).isEqualTo(Status.FAIL);
    }
}
