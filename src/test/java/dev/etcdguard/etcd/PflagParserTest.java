package dev.etcdguard.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PflagParserTest {

    private static final String API = "kube-apiserver";

    @Test
    void valueAfterEquals() {
        var r = PflagParser.parse(Argv.of(API, "--etcd-servers=https://a:2379"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags()).containsOnlyKeys("etcd-servers");
        assertThat(r.flags().get("etcd-servers").value()).isEqualTo("https://a:2379");
    }

    @Test
    void valueAsNextArgument() {
        var r = PflagParser.parse(Argv.of(API, "--etcd-cafile", "/path"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags()).containsOnlyKeys("etcd-cafile");
        assertThat(r.flags().get("etcd-cafile").value()).isEqualTo("/path");
    }

    @Test
    void locationIsTheArgvIndexOfTheFlag() {
        var r = PflagParser.parse(Argv.of(API, "--secure-port", "6443", "--etcd-cafile", "/ca.crt",
                "--etcd-keyfile=/k"));
        assertThat(r.flags().get("etcd-cafile").location().label()).isEqualTo("argv[3]");
        assertThat(r.flags().get("etcd-cafile").argument()).isEqualTo("--etcd-cafile");
        assertThat(r.flags().get("etcd-keyfile").location().label()).isEqualTo("argv[5]");
    }

    @Test
    void booleanAloneIsTrue() {
        var r = PflagParser.parse(Argv.of(API, "--encryption-provider-config-automatic-reload"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("encryption-provider-config-automatic-reload").value()).isEqualTo("true");
    }

    @Test
    void booleanEqualsFalseIsFalse() {
        var r = PflagParser.parse(Argv.of(API, "--encryption-provider-config-automatic-reload=false"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("encryption-provider-config-automatic-reload").value()).isEqualTo("false");
    }

    @Test
    void invalidBooleanIsFatal() {
        var r = PflagParser.parse(Argv.of(API, "--encryption-provider-config-automatic-reload=maybe"));
        assertThat(r.flags()).doesNotContainKey("encryption-provider-config-automatic-reload");
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.fatal()).isTrue();
            assertThat(i.setting()).isEqualTo("encryption-provider-config-automatic-reload");
            assertThat(i.message()).contains("invalid boolean value \"maybe\"");
            assertThat(i.location().label()).isEqualTo("argv[1]");
        });
    }

    @Test
    void booleanNeverConsumesTheNextArgument() {
        var r = PflagParser.parse(Argv.of(API, "--encryption-provider-config-automatic-reload",
                "--etcd-cafile=/ca.crt"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("encryption-provider-config-automatic-reload").value()).isEqualTo("true");
        assertThat(r.flags().get("etcd-cafile").value()).isEqualTo("/ca.crt");

        // a bare word after a boolean is a positional argument, not the boolean's value
        var word = PflagParser.parse(Argv.of(API, "--encryption-provider-config-automatic-reload", "false"));
        assertThat(word.flags().get("encryption-provider-config-automatic-reload").value()).isEqualTo("true");
        assertThat(word.issues()).singleElement().satisfies(i -> {
            assertThat(i.fatal()).isTrue();
            assertThat(i.location().label()).isEqualTo("argv[2]");
        });
    }

    @Test
    void underscoreIsNormalisedToDash() {
        var underscore = PflagParser.parse(Argv.of(API, "--etcd_certfile=x"));
        var dash = PflagParser.parse(Argv.of(API, "--etcd-certfile=x"));
        assertThat(underscore.issues()).isEmpty();
        assertThat(underscore.flags()).containsOnlyKeys("etcd-certfile");
        assertThat(underscore.flags().get("etcd-certfile").value())
                .isEqualTo(dash.flags().get("etcd-certfile").value())
                .isEqualTo("x");
    }

    @Test
    void repeatedListFlagAccumulates() {
        var r = PflagParser.parse(Argv.of(API, "--etcd-servers=a", "--etcd-servers", "b"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("etcd-servers").value()).isEqualTo("a,b");
    }

    @Test
    void repeatedStringFlagKeepsTheLastValue() {
        var r = PflagParser.parse(Argv.of(API, "--etcd-cafile=/first", "--etcd-cafile", "/second"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("etcd-cafile").value()).isEqualTo("/second");
        assertThat(r.flags().get("etcd-cafile").location().label()).isEqualTo("argv[2]");
    }

    @Test
    void unreadFlagsAreSkippedWithTheirValues() {
        var r = PflagParser.parse(Argv.of(API, "--allow-privileged=true", "--secure-port", "6443",
                "--authorization-mode", "Node,RBAC", "--etcd-servers=https://a:2379"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags()).containsOnlyKeys("etcd-servers");
        assertThat(r.flags().get("etcd-servers").value()).isEqualTo("https://a:2379");
        assertThat(r.flags().get("etcd-servers").location().label()).isEqualTo("argv[6]");
    }

    @Test
    void unreadFlagDoesNotHideAFollowingKnownFlag() {
        var r = PflagParser.parse(Argv.of(API, "--authorization-mode", "--etcd-cafile", "/ca.crt"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags().get("etcd-cafile").value()).isEqualTo("/ca.crt");
    }

    @Test
    void verbosityValueAsNextArgument() {
        var r = PflagParser.parse(Argv.of(API, "-v", "2", "--etcd-cafile=/ca.crt"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags()).containsOnlyKeys("etcd-cafile");
    }

    @Test
    void verbosityValueAfterEquals() {
        var r = PflagParser.parse(Argv.of(API, "-v=4", "--etcd-cafile=/ca.crt"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags()).containsOnlyKeys("etcd-cafile");
    }

    @Test
    void singleDashLongFlagIsFatalAndNotKept() {
        var r = PflagParser.parse(Argv.of(API, "-etcd-servers=https://a:2379"));
        assertThat(r.flags()).isEmpty();
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.fatal()).isTrue();
            assertThat(i.location().label()).isEqualTo("argv[1]");
            assertThat(i.message()).contains("write --etcd-servers").doesNotContain("---");
            assertThat(i.message()).isEqualTo("'-etcd-servers=https://a:2379': pflag reads a single dash as shorthand"
                    + " flags, and kube-apiserver refuses it (write --etcd-servers=https://a:2379)");
        });
    }

    @Test
    void positionalArgumentIsFatal() {
        var r = PflagParser.parse(Argv.of(API, "--etcd-cafile=/ca.crt", "extra"));
        assertThat(r.flags()).containsOnlyKeys("etcd-cafile");
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.fatal()).isTrue();
            assertThat(i.message()).contains("'extra' is a positional argument");
            assertThat(i.location().label()).isEqualTo("argv[2]");
        });
    }

    @Test
    void argumentAfterDoubleDashIsFatal() {
        var r = PflagParser.parse(Argv.of(API, "--etcd-cafile=/ca.crt", "--", "--etcd-keyfile=/k"));
        assertThat(r.flags()).containsOnlyKeys("etcd-cafile");
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.fatal()).isTrue();
            assertThat(i.message()).contains("'--etcd-keyfile=/k' is a positional argument");
            assertThat(i.location().label()).isEqualTo("argv[3]");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"--etcd-certfile", "--etcd_certfile"})
    void missingValueAtTheEndIsFatal(String arg) {
        var r = PflagParser.parse(Argv.of(API, "--etcd-servers=https://a:2379", arg));
        assertThat(r.flags()).containsOnlyKeys("etcd-servers");
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.fatal()).isTrue();
            assertThat(i.setting()).isEqualTo("etcd-certfile");
            assertThat(i.message()).contains("flag needs an argument");
            assertThat(i.location().label()).isEqualTo("argv[2]");
        });
    }

    @Test
    void emptyArgvGivesNothing() {
        var r = PflagParser.parse(Argv.of(API));
        assertThat(r.flags()).isEmpty();
        assertThat(r.issues()).isEmpty();
    }

    @Test
    void anEmptyListValueReplacesOrAddsNothing() {
        assertThat(PflagParser.parse(Argv.of(API, "--etcd-servers=a", "--etcd-servers=")).flags().get("etcd-servers")
                .value()).isEqualTo("a");
        assertThat(PflagParser.parse(Argv.of(API, "--etcd-servers=", "--etcd-servers=b")).flags().get("etcd-servers")
                .value()).isEqualTo("b");
    }

    @Test
    void verbosityWithoutItsValueAndHelpAreFatal() {
        assertThat(PflagParser.parse(Argv.of(API, "-v")).issues()).singleElement()
                .satisfies(i -> assertThat(i.message()).isEqualTo("flag needs an argument: -v"));
        assertThat(PflagParser.parse(Argv.of(API, "-h")).issues()).singleElement()
                .satisfies(i -> assertThat(i.message()).isEqualTo("-h prints the usage and exits"));
    }

    @Test
    void emptyArgumentsAreIgnored() {
        var r = PflagParser.parse(Argv.of(API, "", "--etcd-cafile=/ca"));
        assertThat(r.issues()).isEmpty();
        assertThat(r.flags()).containsOnlyKeys("etcd-cafile");
    }
}
