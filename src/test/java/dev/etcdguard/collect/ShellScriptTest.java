package dev.etcdguard.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The etcd commands inside shell wrapper scripts, as sh would run them. */
class ShellScriptTest {

    private static ShellScript.Command etcd(String script) {
        ShellScript.Command c = ShellScript.etcdCommand(script);
        assertThat(c).as("etcd command in %s", script).isNotNull();
        return c;
    }

    private static List<ShellScript.Command> all(String script) {
        return ShellScript.etcdCommands(script, Map.of());
    }

    private static Map<String, String> env(ShellScript.Command c) {
        Map<String, String> env = new LinkedHashMap<>();
        c.env().forEach((k, v) -> env.put(k, v.text()));
        return env;
    }

    @Test
    void quotingAndContinuations() {
        ShellScript.Command c = etcd("exec etcd --name='a b' --data-dir=\"/var/lib/etcd \\\"x\\\"\" \\\n  --x=y\\ z --empty ''");
        assertThat(c.texts()).containsExactly("etcd", "--name=a b", "--data-dir=/var/lib/etcd \"x\"", "--x=y z", "--empty", "");
        assertThat(c.words()).extracting(ShellScript.Word::line).containsExactly(1, 1, 1, 2, 2, 2);
        assertThat(c.env()).isEmpty();
        assertThat(c.unknowns()).isEmpty();
    }

    @Test
    void theEtcdCommandAfterOthers() {
        ShellScript.Command c = etcd("set -e; mkdir -p /var/lib/etcd && etcdctl version || true\n"
                + "# exec etcd --name=comment\n"
                + "if [ -f /x ]; then echo x; fi\n"
                + "exec /usr/local/bin/etcd --name=m1 & wait");
        assertThat(c.texts()).containsExactly("/usr/local/bin/etcd", "--name=m1");
        assertThat(c.line()).isEqualTo(4);
    }

    @Test
    void afterReservedWordsAndPrecommands() {
        assertThat(etcd("while true; do etcd --name=b; sleep 1; done").texts()).containsExactly("etcd", "--name=b");
        assertThat(etcd("{ exec etcd --name=c; }").texts()).containsExactly("etcd", "--name=c");
        // OpenShift's wrapper runs etcd under nice and ionice
        assertThat(etcd("exec nice -n -19 ionice -c2 -n0 etcd --name=d").texts()).containsExactly("etcd", "--name=d");
        assertThat(etcd("exec env -i ETCD_NAME=e /usr/bin/etcd --x=1").texts()).containsExactly("/usr/bin/etcd", "--x=1");
        assertThat(env(etcd("exec env -i ETCD_NAME=e /usr/bin/etcd"))).containsEntry("ETCD_NAME", "e");
        assertThat(etcd("exec gosu etcd etcd --name=f").texts()).containsExactly("etcd", "--name=f");
    }

    @Test
    void noEtcd() {
        assertThat(ShellScript.etcdCommand("etcdctl endpoint health && echo etcd")).isNull();
        assertThat(ShellScript.etcdCommand("echo exec etcd --name=x")).isNull();
        assertThat(ShellScript.etcdCommand("")).isNull();
        // etcd's gateway and grpc-proxy commands are proxies, not members
        assertThat(ShellScript.etcdCommand("exec nice -n -18 etcd grpc-proxy start --endpoints https://a:9978")).isNull();
        assertThat(ShellScript.etcdCommand("etcd gateway start --endpoints=a:2379")).isNull();
        // etcd --version and --help print and exit (etcd 3.4.23); --version=false runs a member
        assertThat(all("etcd --version && etcd -h; etcd --name=x -version; etcd --help || exec etcd --version=false"))
                .singleElement().satisfies(c -> assertThat(c.texts()).containsExactly("etcd", "--version=false"));
        // a here-document's body is data, not commands
        assertThat(ShellScript.etcdCommand("cat > /run/notes <<EOF\nexec etcd --name=doc\nEOF\necho done")).isNull();
    }

    @Test
    void redirectionsAreNotArguments() {
        ShellScript.Command c = etcd("exec etcd --name=a --data-dir /var/lib/etcd > /tmp/pipe 2>&1");
        assertThat(c.texts()).containsExactly("etcd", "--name=a", "--data-dir", "/var/lib/etcd");
        assertThat(etcd("etcd --name=a 2>/dev/null >>/var/log/etcd.log </dev/null 1>|out 3<>rw 4<&0 >&2").texts())
                .containsExactly("etcd", "--name=a");
        assertThat(etcd("etcd --name=a &>/var/log/etcd.log --x=1").texts()).containsExactly("etcd", "--name=a", "--x=1");
        assertThat(etcd("etcd --name=a <<<'input' --y=2").texts()).containsExactly("etcd", "--name=a", "--y=2");
        assertThat(etcd("etcd --name=a 2>&1 | tee /var/log/etcd.log").texts()).containsExactly("etcd", "--name=a");
        // a digit not glued to the operator is an argument; a quoted operator is text
        assertThat(etcd("etcd --n 2 >x '>' \">\"").texts()).containsExactly("etcd", "--n", "2", ">", ">");
        // exec with only redirections redirects the script and runs nothing
        assertThat(etcd("exec >/tmp/log 2>&1\nexec etcd --name=b").texts()).containsExactly("etcd", "--name=b");
    }

    @Test
    void hereDocumentsAreSkippedUpToTheirDelimiter() {
        ShellScript.Command c = etcd("""
                cat > /etc/etcd/etcd.conf.yml <<'EOF'
                name: from-heredoc
                exec etcd --name=inside
                EOF
                cat <<-END >/dev/null
                \t\texec etcd --name=tabbed
                \tEND
                exec etcd --config-file=/etc/etcd/etcd.conf.yml
                """);
        assertThat(c.texts()).containsExactly("etcd", "--config-file=/etc/etcd/etcd.conf.yml");
        assertThat(c.line()).isEqualTo(8);
    }

    @Test
    void literalVariablesAreFollowed() {
        ShellScript.Command c = etcd("""
                NAME=etcd-0
                PEERS="etcd-0=https://etcd-0.etcd:2380"
                PEERS="$PEERS,etcd-1=https://etcd-1.etcd:2380"
                export INITIAL_CLUSTER=${PEERS}
                DIR='$literal'
                exec etcd --name "$NAME" --initial-cluster=$INITIAL_CLUSTER --data-dir=/var/lib/$DIR \\
                  --state=${STATE:-new}
                """);
        assertThat(c.texts()).containsExactly("etcd", "--name", "etcd-0",
                "--initial-cluster=etcd-0=https://etcd-0.etcd:2380,etcd-1=https://etcd-1.etcd:2380",
                "--data-dir=/var/lib/$literal", "--state=${STATE:-new}");
        assertThat(c.words().get(3).via()).isEqualTo("INITIAL_CLUSTER set by the shell script at line 4");
        assertThat(c.words().get(2).via()).isEqualTo("NAME set by the shell script at line 1");
        assertThat(c.env()).containsOnlyKeys("INITIAL_CLUSTER");
        // STATE is set nowhere: its default applies unless the image sets it
        assertThat(c.unknowns()).singleElement().asString().contains("--state=${STATE:-new}").contains("STATE")
                .contains("image");
    }

    @Test
    void unquotedExpansionsAreSplitAtBlanks() {
        ShellScript.Command c = etcd("""
                ARGS="--name=a   --data-dir=/d"
                EMPTY=
                exec etcd $ARGS $EMPTY "$EMPTY" --x="$ARGS"
                """);
        assertThat(c.texts()).containsExactly("etcd", "--name=a", "--data-dir=/d", "", "--x=--name=a   --data-dir=/d");
    }

    @Test
    void valuesKnownOnlyWhenTheScriptRunsAreNamed() {
        ShellScript.Command c = etcd("""
                HOST=$(hostname -s)
                PEERS=""
                for i in 0 1 2; do
                  PEERS="${PEERS}${PEERS:+,}etcd-$i=https://etcd-$i.etcd:2380"
                done
                exec etcd --name=$HOST --initial-cluster=${PEERS} --advertise-client-urls=https://${POD_IP}:2379 \\
                  --x=`cat /x` --literal='$HOME'
                """);
        assertThat(c.texts()).containsExactly("etcd", "--name=$HOST", "--initial-cluster=${PEERS}",
                "--advertise-client-urls=https://${POD_IP}:2379", "--x=`cat /x`", "--literal=$HOME");
        assertThat(c.unknowns()).hasSize(4);
        assertThat(c.unknowns().get(0)).contains("--name=$HOST").contains("HOST is set by the shell script at line 1")
                .contains("$(hostname -s) is only known when the script runs");
        assertThat(c.unknowns().get(1)).contains("PEERS is set in the loop at line 3");
        assertThat(c.unknowns().get(2)).contains("POD_IP is set neither by the script nor by the container's env");
        assertThat(c.unknowns().get(3)).contains("script line 7").contains("`cat /x` is only known when the script runs");
    }

    @Test
    void theContainersEnvironmentIsTheShells() {
        Map<String, ShellScript.Value> container = Map.of(
                "CLUSTER", ShellScript.Value.known("a=https://a:2380,b=https://b:2380", 0),
                "POD_IP", ShellScript.Value.unknown("POD_IP comes from the container's env (fieldRef status.podIP)", 0));
        List<ShellScript.Command> c = ShellScript.etcdCommands(
                "exec etcd --initial-cluster=\"$CLUSTER\" --listen-peer-urls=https://$POD_IP:2380", container);
        assertThat(c).singleElement().satisfies(cmd -> {
            assertThat(cmd.texts()).containsExactly("etcd", "--initial-cluster=a=https://a:2380,b=https://b:2380",
                    "--listen-peer-urls=https://$POD_IP:2380");
            assertThat(cmd.words().get(1).via()).isEqualTo("CLUSTER from the container's env");
            assertThat(cmd.unknowns()).singleElement().asString().contains("fieldRef status.podIP");
            assertThat(cmd.env()).isEmpty(); // the container's own variables are the container's to report
        });
    }

    @Test
    void environmentFromExportsAndAssignments() {
        ShellScript.Command c = etcd("""
                ETCD_UNEXPORTED=1
                export ETCD_PEER_CERT_FILE=/etc/etcd/peer.crt ETCD_TRUSTED_CA_FILE=/etc/etcd/ca.crt
                ETCD_LATER=2; export ETCD_LATER
                ETCD_TRUSTED_CA_FILE=/other/ca.crt
                set -a; ETCD_ALL=3; set +a; ETCD_NOT=4
                unset ETCD_LATER
                ETCD_INITIAL_CLUSTER=$(discover-peers --endpoints=a \\
                  --data-dir=/var/lib/etcd)
                export ETCD_INITIAL_CLUSTER
                ETCD_PEER_KEY_FILE=/etc/etcd/peer.key exec etcd --name=m1
                """);
        assertThat(c.texts()).containsExactly("etcd", "--name=m1");
        assertThat(env(c)).containsOnlyKeys("ETCD_PEER_CERT_FILE", "ETCD_TRUSTED_CA_FILE", "ETCD_ALL",
                "ETCD_INITIAL_CLUSTER", "ETCD_PEER_KEY_FILE");
        assertThat(env(c)).containsEntry("ETCD_PEER_CERT_FILE", "/etc/etcd/peer.crt")
                .containsEntry("ETCD_TRUSTED_CA_FILE", "/other/ca.crt").containsEntry("ETCD_ALL", "3")
                .containsEntry("ETCD_PEER_KEY_FILE", "/etc/etcd/peer.key");
        assertThat(c.env().get("ETCD_TRUSTED_CA_FILE").line()).isEqualTo(4);
        assertThat(c.env().get("ETCD_INITIAL_CLUSTER").isKnown()).isFalse();
        assertThat(c.unknowns()).singleElement().asString().contains("ETCD_INITIAL_CLUSTER is set by the shell script at line 7")
                .contains("$(discover-peers --endpoints=a --data-dir=/var/lib/etcd) is only known");
    }

    @Test
    void everyBranchIsACommandWithItsOwnVariables() {
        List<ShellScript.Command> c = all("""
                CLUSTER=a=https://a:2380
                if [ -d /var/lib/etcd/member ]; then
                  STATE=existing
                  exec etcd --initial-cluster-state=$STATE --initial-cluster=$CLUSTER
                elif [ -f /join ]; then
                  CLUSTER="$CLUSTER,b=https://b:2380"; STATE=existing
                  exec etcd --initial-cluster-state=$STATE --initial-cluster=$CLUSTER
                else
                  STATE=new
                fi
                exec etcd --initial-cluster-state=$STATE --initial-cluster=$CLUSTER
                """);
        assertThat(c).extracting(ShellScript.Command::line).containsExactly(4, 7, 11);
        assertThat(c.get(0).texts()).containsExactly("etcd", "--initial-cluster-state=existing", "--initial-cluster=a=https://a:2380");
        assertThat(c.get(1).texts()).containsExactly("etcd", "--initial-cluster-state=existing",
                "--initial-cluster=a=https://a:2380,b=https://b:2380");
        // after fi: STATE differs between the branches, CLUSTER too (the elif changed it)
        assertThat(c.get(2).texts()).containsExactly("etcd", "--initial-cluster-state=$STATE", "--initial-cluster=$CLUSTER");
        assertThat(c.get(2).unknowns()).anySatisfy(u -> assertThat(u).contains("STATE is set differently by the branches of the if at line 2"));
    }

    @Test
    void caseArmsAndAndOrChains() {
        List<ShellScript.Command> c = all("""
                case "$ROLE" in
                  (seed) exec etcd --name=seed --initial-cluster-state=new ;;
                  join|rejoin)
                    exec etcd --name=joiner --initial-cluster-state=existing
                    ;;
                  *) echo "unknown role" >&2; exit 1 ;;
                esac
                [ -f /plain ] && exec etcd --name=plain || exec etcd --name=tls --peer-auto-tls
                """);
        assertThat(c).extracting(ShellScript.Command::line).containsExactly(2, 4, 8, 8);
        assertThat(c).extracting(cmd -> cmd.texts().get(1)).containsExactly("--name=seed", "--name=joiner", "--name=plain",
                "--name=tls");
    }

    @Test
    void caseArmsSettingTheSameValueKeepIt() {
        List<ShellScript.Command> c = all("""
                case "$X" in
                  a) P=https ;;
                  *) P=https ;;
                esac
                (P=http)
                exec etcd --listen-peer-urls=$P://10.0.0.1:2380
                """);
        assertThat(c).singleElement().satisfies(cmd -> {
            assertThat(cmd.texts()).containsExactly("etcd", "--listen-peer-urls=https://10.0.0.1:2380");
            assertThat(cmd.unknowns()).isEmpty();
        });
    }

    @Test
    void functionsAndRealWrapperStatefulSet() {
        // modelled on the classic etcd StatefulSet wrapper: functions, a loop building PEERS, two exec etcd
        List<ShellScript.Command> c = all("""
                HOSTNAME=$(hostname)
                collect_member() {
                    while ! etcdctl member list &>/dev/null; do sleep 1; done
                    etcdctl member list | grep http://${HOSTNAME}:2380 | cut -d':' -f1 > /var/run/etcd/member_id
                    exit 0
                }
                if [ -e /var/run/etcd/default.etcd ]; then
                    member_id=$(cat /var/run/etcd/member_id)
                    exec etcd --name ${HOSTNAME} --listen-peer-urls https://0.0.0.0:2380 \\
                        --data-dir /var/run/etcd/default.etcd
                fi
                PEERS=""
                for i in $(seq 0 $((${CLUSTER_SIZE} - 1))); do
                    PEERS="${PEERS}${PEERS:+,}etcd-${i}=https://etcd-${i}.etcd:2380"
                done
                collect_member &
                exec etcd --name ${HOSTNAME} --listen-peer-urls https://0.0.0.0:2380 --initial-cluster ${PEERS} \\
                    --initial-cluster-state new --data-dir /var/run/etcd/default.etcd 2>&1
                """);
        assertThat(c).extracting(ShellScript.Command::line).containsExactly(9, 17);
        assertThat(c.get(0).texts()).containsExactly("etcd", "--name", "${HOSTNAME}", "--listen-peer-urls",
                "https://0.0.0.0:2380", "--data-dir", "/var/run/etcd/default.etcd");
        assertThat(c.get(1).texts()).contains("--initial-cluster", "${PEERS}").doesNotContain("2>&1");
        assertThat(c.get(1).words()).last().extracting(ShellScript.Word::line).isEqualTo(18);
        assertThat(c.get(1).unknowns()).anySatisfy(u -> assertThat(u).contains("PEERS is set in the loop at line 13"));
    }

    @Test
    void anyTextIsReadWithoutFailing() {
        // malformed scripts (unclosed quotes, substitutions, here-documents, stray fi/esac/}) end cleanly
        String alphabet = "etcd exec =$(){}[]'\"`\\;&|<>#\n\t -0123ifthenfidoneesaccase in;;EOF<<-";
        java.util.Random random = new java.util.Random(42);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder script = new StringBuilder("exec etcd ");
            int length = random.nextInt(40);
            for (int k = 0; k < length; k++) {
                script.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            List<ShellScript.Command> commands = ShellScript.etcdCommands(script.toString(), Map.of());
            assertThat(commands).as("%s", script).allSatisfy(c -> assertThat(c.words()).isNotEmpty());
        }
        assertThat(all("exec etcd --a='unclosed")).singleElement().satisfies(c -> assertThat(c.texts())
                .containsExactly("etcd", "--a=unclosed"));
        assertThat(all("fi; esac; }; done; exec etcd --b=$(unclosed")).singleElement().satisfies(c -> assertThat(c.texts())
                .containsExactly("etcd", "--b=$(unclosed"));
        assertThat(all("cat <<EOF\nexec etcd --never-ends")).isEmpty();
    }

    @Test
    void aLongScriptKeepsItsReasonsShort() {
        StringBuilder script = new StringBuilder("P=$(hostname)\n");
        for (int k = 0; k < 5_000; k++) {
            script.append("if [ -f /f").append(k).append(" ]; then P=\"$P,$(echo ").append(k).append(")\"; fi\n");
        }
        script.append("exec etcd --initial-cluster=$P\n");
        ShellScript.Command c = etcd(script.toString());
        assertThat(c.line()).isEqualTo(5_002);
        assertThat(c.unknowns()).singleElement().asString().hasSizeLessThan(600).contains("--initial-cluster=$P");
    }
}
