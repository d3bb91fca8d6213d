package dev.etcdguard.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GoFlagParserTest {

    @ParameterizedTest
    @ValueSource(strings = {"--peer-cert-file=/p.crt", "-peer-cert-file=/p.crt"})
    void valueAfterEquals(String arg) {
        var r = GoFlagParser.parse(Argv.of("etcd", arg));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("peer-cert-file").value()).isEqualTo("/p.crt");
        assertThat(r.flags().get("peer-cert-file").location().label()).isEqualTo("argv[1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--peer-cert-file", "-peer-cert-file"})
    void valueAsNextArgument(String arg) {
        var r = GoFlagParser.parse(Argv.of("etcd", arg, "/p.crt", "--name", "m1"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("peer-cert-file").value()).isEqualTo("/p.crt");
        assertThat(r.flags().get("name").value()).isEqualTo("m1");
    }

    @Test
    void nextArgumentIsTheValueEvenWhenItLooksLikeAFlag() {
        // Go's flag package takes the next word as a non-boolean flag's value, whatever it is.
        var r = GoFlagParser.parse(Argv.of("etcd", "--peer-cert-file", "--peer-key-file=/k"));
        assertThat(r.flags().get("peer-cert-file").value()).isEqualTo("--peer-key-file=/k");
        assertThat(r.flags()).doesNotContainKey("peer-key-file");
    }

    @ParameterizedTest
    @CsvSource({"--peer-auto-tls,true", "-peer-auto-tls,true", "--peer-auto-tls=true,true", "--peer-auto-tls=1,true",
            "--peer-auto-tls=t,true", "--peer-auto-tls=T,true", "--peer-auto-tls=TRUE,true", "--peer-auto-tls=True,true",
            "--peer-auto-tls=false,false", "--peer-auto-tls=0,false", "--peer-auto-tls=f,false", "--peer-auto-tls=F,false",
            "--peer-auto-tls=FALSE,false", "--peer-auto-tls=False,false"})
    void booleanSpellings(String arg, String expected) {
        var r = GoFlagParser.parse(Argv.of("etcd", arg));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("peer-auto-tls").value()).isEqualTo(expected);
    }

    @Test
    void invalidBooleanIsFatal() {
        var r = GoFlagParser.parse(Argv.of("etcd", "--peer-auto-tls=yes"));
        assertThat(r.flags()).doesNotContainKey("peer-auto-tls");
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.fatal()).isTrue();
            assertThat(i.message()).contains("invalid boolean value \"yes\"");
        });
    }

    @Test
    void booleanDoesNotTakeTheNextWordAndParsingStopsThere() {
        var r = GoFlagParser.parse(Argv.of("etcd", "--peer-client-cert-auth", "true", "--peer-cert-file=/p"));
        assertThat(r.flags().get("peer-client-cert-auth").value()).isEqualTo("true");
        assertThat(r.flags()).doesNotContainKey("peer-cert-file");
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.message()).contains("'true' is not a valid flag");
            assertThat(i.location().label()).isEqualTo("argv[2]");
        });
    }

    @Test
    void lastOccurrenceWins() {
        var r = GoFlagParser.parse(Argv.of("etcd", "--listen-peer-urls=https://a:2380", "--listen-peer-urls", "http://b:2380"));
        assertThat(r.flags().get("listen-peer-urls").value()).isEqualTo("http://b:2380");
        assertThat(r.flags().get("listen-peer-urls").location().label()).isEqualTo("argv[2]");
    }

    @Test
    void doubleDashEndsFlags() {
        var r = GoFlagParser.parse(Argv.of("etcd", "--name=a", "--", "--peer-cert-file=/p"));
        assertThat(r.flags()).containsOnlyKeys("name");
        assertThat(r.issues()).singleElement().satisfies(i -> assertThat(i.message()).contains("after '--'"));
    }

    @Test
    void noSubstringMatching() {
        var r = GoFlagParser.parse(Argv.of("etcd", "--cert-file=/client.crt", "--client-cert-auth"));
        assertThat(r.flags()).containsOnlyKeys("cert-file", "client-cert-auth");
        assertThat(r.flags()).doesNotContainKeys("peer-cert-file", "peer-client-cert-auth");
    }

    @Test
    void badSyntaxAndUnknownFlags() {
        assertThat(GoFlagParser.parse(Argv.of("etcd", "---name=x")).issues())
                .singleElement().satisfies(i -> assertThat(i.message()).startsWith("bad flag syntax"));
        assertThat(GoFlagParser.parse(Argv.of("etcd", "-=x")).issues())
                .singleElement().satisfies(i -> assertThat(i.message()).startsWith("bad flag syntax"));
        var unknown = GoFlagParser.parse(Argv.of("etcd", "--peer-cert=/p", "--name=m1"));
        assertThat(unknown.issues()).singleElement().satisfies(i -> assertThat(i.message()).contains("-peer-cert"));
        assertThat(unknown.flags()).containsOnlyKeys("name");
    }

    @Test
    void missingValueAtTheEnd() {
        var r = GoFlagParser.parse(Argv.of("etcd", "--peer-key-file"));
        assertThat(r.flags()).isEmpty();
        assertThat(r.issues()).singleElement().satisfies(i -> assertThat(i.message()).contains("flag needs an argument"));
    }

    @Test
    void emptyValueIsAValue() {
        var r = GoFlagParser.parse(Argv.of("etcd", "--peer-key-file=", "--peer-cert-file", ""));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("peer-key-file").value()).isEmpty();
        assertThat(r.flags().get("peer-cert-file").value()).isEmpty();
    }

    @Test
    void envVarNames() {
        assertThat(EtcdSettings.require("peer-cert-file").envVar()).isEqualTo("ETCD_PEER_CERT_FILE");
        assertThat(EtcdSettings.require("initial-advertise-peer-urls").envVar()).isEqualTo("ETCD_INITIAL_ADVERTISE_PEER_URLS");
    }

    @Test
    void aFlagOfAnotherVersionIsUnknownToTheKnownVersionAndTheMessageSaysWhere() {
        var r = GoFlagParser.parse(Argv.of("etcd", "--socket-reuse-port", "--listen-client-http-urls", "http://127.0.0.1:2382",
                "--name=m1"), "3.4.23");
        assertThat(r.flags()).containsOnlyKeys("name");
        assertThat(r.issues()).allMatch(ConfigIssue::fatal).extracting(ConfigIssue::message).containsExactly(
                "flag provided but not defined: -socket-reuse-port (--socket-reuse-port exists in etcd 3.5+, not in 3.4.23)",
                "flag provided but not defined: -listen-client-http-urls (--listen-client-http-urls exists in etcd"
                        + " 3.4 from 3.4.25, 3.5 from 3.5.8, 3.6, not in 3.4.23)");
        assertThat(GoFlagParser.parse(Argv.of("etcd", "--enable-v2=true"), "v3.6.0").issues())
                .singleElement().satisfies(i -> assertThat(i.message()).contains("exists in etcd 3.4, 3.5, not in v3.6.0"));
    }

    @Test
    void withoutAVersionAFlagOfAnySupportedVersionIsFine() {
        var r = GoFlagParser.parse(Argv.of("etcd", "--experimental-distributed-tracing-address=localhost:4317",
                "--socket-reuse-port", "--log-package-levels=etcdserver=INFO", "--corrupt-check-time=5m"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags()).containsOnlyKeys("experimental-distributed-tracing-address", "socket-reuse-port",
                "log-package-levels", "corrupt-check-time");
        assertThat(GoFlagParser.parse(Argv.of("etcd", "--experimental-distributed-tracing-address=x"), "3.5.9-0").issues())
                .isEmpty();
        assertThat(GoFlagParser.parse(Argv.of("etcd", "--no-such-flag=1"), null).issues()).singleElement()
                .satisfies(i -> assertThat(i.message()).isEqualTo(
                        "flag provided but not defined: -no-such-flag (unknown to etcd 3.4, 3.5 and 3.6)"));
    }

    @Test
    void oldFlagsEtcdIgnoresAreAcceptedLikeBooleans() {
        // etcd's IgnoredFlag: IsBoolFlag, Set logs 'flag "-snapshot" is no longer supported - ignoring.'
        var r = GoFlagParser.parse(Argv.of("etcd", "--snapshot", "--v=3", "--name=m1"), "3.4.23");
        assertThat(r.flags()).containsOnlyKeys("name");
        assertThat(r.issues()).hasSize(2).noneMatch(ConfigIssue::fatal)
                .allSatisfy(i -> assertThat(i.message()).contains("no longer supports"));
    }

    @Test
    void aConfigFileKeyWithoutAFlagIsNoFlag() {
        assertThat(GoFlagParser.parse(Argv.of("etcd", "--client-transport-security.allowed-cn=x")).issues())
                .singleElement().satisfies(i -> assertThat(i.message()).contains("flag provided but not defined"));
    }
}
