package dev.etcdguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdguard.rules.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Diff's classification of every kind of change, and when it calls a diff worse. */
class DiffTest {

    private static History.StoredScan scan(long id, History.Result... results) {
        return new History.StoredScan(new History.Scan(id, "h", null, Instant.EPOCH, Duration.ZERO, "0", Map.of(), List.of()),
                List.of(results), List.of());
    }

    private static History.Result result(String rule, String key, Status status, String message) {
        JsonNode checks = Jdbc.tree("[{\"id\":\"c1\",\"status\":\"" + status + "\",\"message\":\"" + message + "\",\"evidence\":[]}]");
        return new History.Result(rule, "9.9", status, key, Jdbc.tree("{}"), checks);
    }

    @Test
    void classifiesEachChange() {
        Diff d = Diff.of(
                scan(1, result("a", "k", Status.PASS, "m"), result("b", "k", Status.FAIL, "m"), result("c", "k", Status.ERROR, "m"),
                        result("d", "k", Status.PASS, "m"), result("e", "k", Status.PASS, "old"), result("f", "k", Status.PASS, "m")),
                scan(2, result("a", "k", Status.WARN, "m"), result("b", "k", Status.PASS, "m"), result("c", "k", Status.PASS, "m"),
                        result("d", "k", Status.PASS, "m"), result("e", "k", Status.PASS, "new"), result("g", "k", Status.FAIL, "m"),
                        result("h", "k", Status.NOT_APPLICABLE, "m")));
        assertThat(d.changes()).extracting(Diff.Change::rule, Diff.Change::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("g", Diff.Kind.NEW_FAIL),
                org.assertj.core.groups.Tuple.tuple("a", Diff.Kind.WORSE),
                org.assertj.core.groups.Tuple.tuple("b", Diff.Kind.FIXED),
                org.assertj.core.groups.Tuple.tuple("c", Diff.Kind.BETTER),
                org.assertj.core.groups.Tuple.tuple("e", Diff.Kind.EVIDENCE),
                org.assertj.core.groups.Tuple.tuple("h", Diff.Kind.ADDED),
                org.assertj.core.groups.Tuple.tuple("f", Diff.Kind.REMOVED));
        assertThat(d.worse()).isTrue();
        assertThat(d.changes().get(4).details()).containsExactly("c1: old -> new");
    }

    @Test
    void onlyImprovementsAreNotWorse() {
        Diff d = Diff.of(scan(1, result("a", "k", Status.FAIL, "m"), result("b", "k", Status.PASS, "m")),
                scan(2, result("a", "k", Status.PASS, "m")));
        assertThat(d.worse()).isFalse();
        assertThat(d.count(Diff.Kind.FIXED)).isEqualTo(1);
        assertThat(d.count(Diff.Kind.REMOVED)).isEqualTo(1);
    }

    @Test
    void storeUrlsRefusePasswordsAndMaskThem() {
        assertThat(StoreUrl.parse("jdbc:sqlite:/x/h.db").file()).hasToString("/x/h.db");
        assertThat(StoreUrl.parse("/x/h.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/x/h.db");
        assertThat(StoreUrl.parse("jdbc:postgresql://db:5432/h?user=u").kind()).isEqualTo(StoreUrl.Kind.POSTGRESQL);
        for (String bad : List.of("jdbc:postgresql://db/h?user=u&password=pw123", "jdbc:postgresql://db/h?PASSWORD=pw123",
                "jdbc:postgresql://u:pw123@db/h")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoreUrl.parse(bad)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("holds a password").hasMessageNotContaining("pw123");
        }
        assertThat(Jdbc.mask("failed for jdbc:x?password=abc and secret-pw", "secret-pw")).isEqualTo("failed for jdbc:x?password=**** and ****");
    }
}
