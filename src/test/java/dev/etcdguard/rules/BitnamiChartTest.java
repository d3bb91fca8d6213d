package dev.etcdguard.rules;

import static dev.etcdguard.rules.MemberFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.collect.ManifestCollector;
import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.Invocation;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bitnami's etcd chart as {@code helm template} renders it (fixtures under {@code manifests/bitnami/}), judged
 * end to end: the image's entrypoint runs etcd from ETCD_* variables, and 2.4/2.5/2.6 get the verdicts real etcd
 * would earn. Also: an unknown pod field lowers only the rules that read its setting, and is explained once.
 */
class BitnamiChartTest {

    private static final String IMAGE = "image docker.io/bitnami/etcd:3.6.4-debian-12-r3 runs etcd as its entrypoint";

    @TempDir
    Path dir;

    private final List<RuleDocument> rules = RuleLoader.builtIn();

    private static Path fixture(String name) {
        try {
            return Path.of(BitnamiChartTest.class.getResource("/manifests/bitnami/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every etcd result of the only etcd container in {@code file}, by rule number. */
    private Map<String, Result> results(Path file) {
        ManifestCollector.Output out = new ManifestCollector(new ManifestCollector.Options(null,
                ManifestCollector.DEFAULT_MAX_FILE_BYTES)).collect(List.of(file.toString()), List.of());
        assertThat(out.findings()).isEmpty();
        List<Invocation> etcd = out.invocations().stream().filter(i -> i.component() == Component.ETCD).toList();
        assertThat(etcd).hasSize(1);
        return new Evaluator(rules, EvaluationOptions.defaults()).evaluate(etcd.get(0)).stream()
                .collect(Collectors.toMap(r -> r.rule().number(), Function.identity()));
    }

    /** Each result names the image assumption, and none calls the chart's own variables etcd misconfiguration. */
    private static void assumptionsStated(Map<String, Result> results) {
        assertThat(results.values()).allSatisfy(r -> {
            assertThat(check(r, "evidence-assumed").message()).contains(IMAGE);
            assertThat(r.checks()).noneMatch(c -> c.id().equals("evidence-complete") || c.id().equals("evidence-readable"));
        });
        results.get("2.4").checks().stream().filter(c -> c.id().equals("config-consistent")) // run for clusters only
                .forEach(c -> assertThat(c.message()).isEqualTo("no conflicting or ignored settings"));
    }

    @Test
    void autoTlsPeersFail24And26() {
        Map<String, Result> r = results(fixture("etcd-peer-auto-tls-3.yaml"));
        assumptionsStated(r);
        assertThat(r.get("2.4").status()).isEqualTo(Status.FAIL);
        assertThat(check(r.get("2.4"), "peer-auto-tls").status()).isEqualTo(Status.FAIL);
        assertThat(check(r.get("2.4"), "peer-urls-https").status()).isEqualTo(Status.PASS);
        assertThat(check(r.get("2.4"), "cluster-membership").message()).contains("3-member cluster by its initial-cluster (etcd-0, etcd-1, etcd-2)");
        assertThat(r.get("2.6").status()).isEqualTo(Status.FAIL);
        assertThat(check(r.get("2.6"), "peer-auto-tls-off").message()).isEqualTo("peer-auto-tls is true");
        // auto TLS: no client certificate is required of peers (etcd drops peer-client-cert-auth with it anyway)
        assertThat(r.get("2.5").status()).isEqualTo(Status.FAIL);
        // a setting that is simply unset says so
        assertThat(check(r.get("EG-3"), "peer-key-file-permissions").message()).contains("peer-key-file is not set");
        assertThat(check(r.get("2.4"), "peer-cert-validity").message()).contains("peer-cert-file is not set");
        assertThat(check(r.get("2.4"), "peer-key-matches-cert").message())
                .isEqualTo("not evaluated: peer-cert-file and peer-key-file are not set");
    }

    @Test
    void plaintextPeersOfThreeReplicasFail24() {
        Map<String, Result> r = results(fixture("etcd-plaintext-3.yaml"));
        assumptionsStated(r);
        assertThat(r.get("2.4").status()).isEqualTo(Status.FAIL);
        assertThat(check(r.get("2.4"), "peer-urls-https").message()).contains("http://0.0.0.0:2380")
                .contains("http://etcd-0.etcd-headless.default.svc.cluster.local:2380");
        assertThat(r.get("2.5").status()).isEqualTo(Status.FAIL);
        // etcd-env.sh's ETCD_PEER_AUTO_TLS=false: 2.6 passes, and says where the value comes from
        assertThat(r.get("2.6").status()).isEqualTo(Status.PASS);
        assertThat(check(r.get("2.6"), "evidence-assumed").message()).contains("etcd-env.sh sets")
                .contains("ETCD_PEER_AUTO_TLS=false");
        // the listen-client default of the image, not etcd's localhost
        assertThat(check(r.get("2.1"), "client-urls-https").message()).contains("http://0.0.0.0:2379");
    }

    @Test
    void peerTlsFromAnExistingSecretPasses() {
        Map<String, Result> r = results(fixture("etcd-peer-tls-secret-3.yaml"));
        assumptionsStated(r);
        assertThat(r.get("2.4").status()).isEqualTo(Status.PASS);
        assertThat(check(r.get("2.4"), "peer-files-readable").message()).contains("Secret etcd-peer-certs");
        assertThat(r.get("2.5").status()).isEqualTo(Status.PASS);
        assertThat(r.get("2.6").status()).isEqualTo(Status.PASS);
    }

    @Test
    void oneReplicaIsNotApplicable() {
        Map<String, Result> r = results(fixture("etcd-default-1.yaml"));
        assumptionsStated(r);
        for (String number : List.of("2.4", "2.5", "2.6")) {
            assertThat(r.get(number).status()).as(number).isEqualTo(Status.NOT_APPLICABLE);
            assertThat(check(r.get(number), "cluster-membership").message()).contains("member 'etcd-0' is alone");
        }
    }

    @Test
    void anUnknownPodIpLowersOnlyTheRulesReadingItsSettingAndIsExplainedOnce() throws IOException {
        Path file = dir.resolve("ip.yaml");
        Files.writeString(file, Files.readString(fixture("etcd-peer-tls-secret-3.yaml")).replace(
                "http://$(MY_POD_NAME).etcd-headless.default.svc.cluster.local:2379,", "http://$(MY_POD_IP):2379,"));
        Map<String, Result> r = results(file);
        CheckResult first = check(r.get("2.1"), "evidence-complete");
        assertThat(first.status()).isEqualTo(Status.WARN);
        assertThat(first.message()).contains("$(MY_POD_IP)").contains("fieldRef status.podIP");
        // 2.2 reads the client URLs too: it is lowered, and refers to the explanation
        CheckResult second = check(r.get("2.2"), "evidence-complete");
        assertThat(second.message()).isEqualTo("the value of advertise-client-urls is unknown to this scan"
                + " (see etcd-client-tls)");
        // the peer rules read no client URL: their verdicts stand
        for (String number : List.of("2.3", "2.4", "2.5", "2.6")) {
            assertThat(r.get(number).checks()).as(number).noneMatch(c -> c.id().equals("evidence-complete"));
        }
        assertThat(r.get("2.4").status()).isEqualTo(Status.PASS);
    }
}
