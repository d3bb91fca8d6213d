package dev.etcdguard.etcd;

import dev.etcdguard.etcd.Invocation.Arg;
import dev.etcdguard.etcd.Invocation.EnvVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds invocations for tests. */
final class Argv {

    private Argv() {}

    static List<Arg> of(String... argv) {
        List<Arg> args = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            args.add(new Arg(argv[i], Location.argv(i)));
        }
        return args;
    }

    static Invocation invocation(List<String> argv, Map<String, String> env) {
        List<EnvVar> vars = new ArrayList<>();
        env.forEach((k, v) -> vars.add(new EnvVar(k, v, Location.environ("/proc/1/environ"))));
        Component component = argv.get(0).endsWith("kube-apiserver") ? Component.KUBE_APISERVER : Component.ETCD;
        return new Invocation(component, of(argv.toArray(String[]::new)), vars, FileView.HOST, 0,
                new Target.Process(1, "/usr/bin/etcd", null), List.of());
    }
}
