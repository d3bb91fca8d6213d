package dev.etcdguard.rules;

import static dev.etcdguard.rules.MemberFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.etcd.MemberList;
import dev.etcdguard.etcd.ResolvedInvocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster-membership check of the multi-member rules (2.4-2.6) with a member list beside the configuration:
 * the data dir's list wins over initial-cluster, which etcd reads only at a member's first start.
 */
class MembershipCheckTest {

    private static final String DB = "/var/lib/etcd/member/snap/db";

    @TempDir
    Path dir;

    private int fixtures;

    private static MemberList.Member member(String id, String name, boolean learner) {
        return new MemberList.Member(id, name, List.of("http://127.0.0.1:2380"), learner);
    }

    private static Result evaluate(MemberFixture m, MemberList members) throws IOException {
        ResolvedInvocation resolved = ResolvedInvocation.of(m.invocation()).withMembers(members);
        return new Evaluator(RuleLoader.builtIn(), EvaluationOptions.defaults()).evaluate(resolved).stream()
                .filter(r -> r.rule().id().equals("etcd-peer-tls")).findFirst().orElseThrow();
    }

    /** A member whose flags list it alone, with plaintext peers: FAIL when it is in fact part of a cluster. */
    private MemberFixture aloneByFlags() throws IOException {
        return MemberFixture.tlsMember(Files.createDirectories(dir.resolve("m" + ++fixtures))).flag("initial-cluster", "m1=http://127.0.0.1:12380")
                .flag("listen-peer-urls", "http://127.0.0.1:12380").flag("initial-advertise-peer-urls", "http://127.0.0.1:12380");
    }

    @Test
    void theDataDirsMemberListWinsOverInitialCluster() throws IOException {
        MemberFixture m = aloneByFlags();
        Result grown = evaluate(m, new MemberList.Read(DB, "/proc/4242/root",
                List.of(member("8e9e05c52164694d", "m1", false), member("91bc3c398fb3c146", "", false))));
        assertThat(grown.status()).isEqualTo(Status.FAIL);
        CheckResult membership = check(grown, "cluster-membership");
        assertThat(membership.status()).isEqualTo(Status.PASS);
        assertThat(membership.message()).contains("2-member cluster, as its data dir lists (" + DB + ")");
        assertThat(membership.evidence()).anySatisfy(e -> assertThat(e).isEqualTo(new Evidence.File(DB,
                "the data dir's member list (members bucket) holds 2 member(s): m1, unstarted 91bc3c398fb3c146"
                        + " (read through /proc/4242/root)")));
        assertThat(check(grown, "peer-urls-https").status()).isEqualTo(Status.FAIL);

        // three members in initial-cluster, one left after member remove: alone by the truth
        m.flag("initial-cluster", "m1=http://127.0.0.1:12380,m2=http://127.0.0.1:22380,m3=http://127.0.0.1:32380");
        Result shrunk = evaluate(m, new MemberList.Read(DB, null, List.of(member("8e9e05c52164694d", "m1", false))));
        assertThat(shrunk.status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(check(shrunk, "cluster-membership").message()).contains("is alone: its data dir lists one member");
    }

    @Test
    void learnersAreMembersAndSaidSo() throws IOException {
        Result r = evaluate(aloneByFlags(), new MemberList.Read(DB, null,
                List.of(member("1", "m1", false), member("2", "m2", true))));
        CheckResult membership = check(r, "cluster-membership");
        assertThat(membership.status()).isEqualTo(Status.PASS);
        assertThat(membership.message()).contains("2-member cluster, 1 of them learner(s)");
        assertThat(membership.evidence()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(Evidence.File.class,
                f -> assertThat(f.facts()).contains("m2 (learner)")));
    }

    @Test
    void anUnreadableOrEmptyListFallsBackToTheConfigurationAndSaysWhy() throws IOException {
        Result unreadable = evaluate(aloneByFlags(), new MemberList.Unreadable(DB, "permission denied (run as root)"));
        assertThat(unreadable.status()).isEqualTo(Status.NOT_APPLICABLE);
        CheckResult membership = check(unreadable, "cluster-membership");
        assertThat(membership.message()).contains("alone by its configuration",
                "the data dir's member list could not be read (" + DB + ": permission denied (run as root))",
                "so this rests on the configuration");
        assertThat(membership.evidence()).contains(new Evidence.File(DB, "member list not read: permission denied (run as root)"));

        Result empty = evaluate(aloneByFlags(), new MemberList.Read(DB, null, List.of()));
        assertThat(empty.status()).isEqualTo(Status.NOT_APPLICABLE);
        assertThat(check(empty, "cluster-membership").message()).contains("the data dir lists no member yet");

        Result listed = evaluate(MemberFixture.tlsMember(Files.createDirectories(dir.resolve("listed"))), new MemberList.Unreadable(DB, "no such file"));
        assertThat(check(listed, "cluster-membership").message())
                .contains("3-member cluster by its initial-cluster (m1, m2, m3)", "rests on the configuration");
    }

    @Test
    void assumedMembershipMakesTheRulesApply() throws IOException {
        ResolvedInvocation alone = ResolvedInvocation.of(aloneByFlags().invocation());
        assertThat(Evaluator.provablyAlone(alone)).isTrue();
        assertThat(Evaluator.provablyAlone(alone.withMembers(new MemberList.Read(DB, null,
                List.of(member("1", "m1", false), member("2", "m2", false)))))).isFalse();
        Result r = evaluate(aloneByFlags(), new MemberList.Assumed("--assume-cluster"));
        assertThat(check(r, "cluster-membership").message()).isEqualTo("evaluated as a cluster member: --assume-cluster");
        assertThat(r.status()).isEqualTo(Status.FAIL);
    }
}
