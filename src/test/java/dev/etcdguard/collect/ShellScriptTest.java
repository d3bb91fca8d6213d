package dev.etcdguard.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The etcd command inside shell wrapper scripts, as sh would split it. */
class ShellScriptTest {

    private static ShellScript.Command etcd(String script) {
        ShellScript.Command c = ShellScript.etcdCommand(script);
        assertThat(c).as("etcd command in %s", script).isNotNull();
        return c;
    }

    @Test
    void quotingAndContinuations() {
        ShellScript.Command c = etcd("exec etcd --name='a b' --data-dir=\"/var/lib/etcd \\\"x\\\"\" \\\n  --x=y\\ z");
        assertThat(c.words()).containsExactly("etcd", "--name=a b", "--data-dir=/var/lib/etcd \"x\"", "--x=y z");
        assertThat(c.env()).isEmpty();
        assertThat(c.expansions()).isEmpty();
    }

    @Test
    void theFirstEtcdCommandAfterOthers() {
        ShellScript.Command c = etcd("set -e; mkdir -p /var/lib/etcd && etcdctl version || true\n"
                + "# exec etcd --name=comment\n"
                + "if [ -f /x ]; then echo x; fi\n"
                + "exec /usr/local/bin/etcd --name=m1 & wait");
        assertThat(c.words()).containsExactly("/usr/local/bin/etcd", "--name=m1");
    }

    @Test
    void afterReservedWords() {
        assertThat(etcd("if [ -d /data ]; then exec etcd --name=a; else exit 1; fi").words()).containsExactly("etcd", "--name=a");
        assertThat(etcd("while true; do etcd --name=b; sleep 1; done").words()).containsExactly("etcd", "--name=b");
        assertThat(etcd("{ exec etcd --name=c; }").words()).containsExactly("etcd", "--name=c");
    }

    @Test
    void noEtcd() {
        assertThat(ShellScript.etcdCommand("etcdctl endpoint health && echo etcd")).isNull();
        assertThat(ShellScript.etcdCommand("echo exec etcd --name=x")).isNull();
        assertThat(ShellScript.etcdCommand("")).isNull();
    }

    @Test
    void substitutionsStayInTheirWordAndAreReported() {
        ShellScript.Command c = etcd("exec etcd --name=$(hostname -s) --initial-advertise-peer-urls=https://${POD_IP}:2380"
                + " --x=`cat /x` --literal='$HOME' --y=\"$HOME\" --price=5$");
        assertThat(c.words()).containsExactly("etcd", "--name=$(hostname -s)", "--initial-advertise-peer-urls=https://${POD_IP}:2380",
                "--x=`cat /x`", "--literal=$HOME", "--y=$HOME", "--price=5$");
        assertThat(c.expansions()).containsExactly("--name=$(hostname -s)", "--initial-advertise-peer-urls=https://${POD_IP}:2380",
                "--x=`cat /x`", "--y=$HOME");
    }

    @Test
    void environmentFromExportsAndAssignments() {
        ShellScript.Command c = etcd("""
                ETCD_UNEXPORTED=1
                export ETCD_PEER_CERT_FILE=/etc/etcd/peer.crt ETCD_TRUSTED_CA_FILE=/etc/etcd/ca.crt
                ETCD_LATER=2; export ETCD_LATER
                ETCD_TRUSTED_CA_FILE=/other/ca.crt
                ETCD_PEER_KEY_FILE=/etc/etcd/peer.key exec etcd --name=m1
                """);
        assertThat(c.words()).containsExactly("etcd", "--name=m1");
        assertThat(c.env()).isEqualTo(Map.of("ETCD_PEER_CERT_FILE", "/etc/etcd/peer.crt",
                "ETCD_TRUSTED_CA_FILE", "/other/ca.crt", "ETCD_LATER", "2", "ETCD_PEER_KEY_FILE", "/etc/etcd/peer.key"));
    }
}
