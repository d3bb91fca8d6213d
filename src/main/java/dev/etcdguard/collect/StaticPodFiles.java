package dev.etcdguard.collect;

import dev.etcdguard.etcd.ConfigResolver;
import dev.etcdguard.etcd.Invocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Links running processes to the kubelet static-pod file that runs them: the only static pod of the same
 * program with the same etcd member name (kube-apiserver has none: the only kube-apiserver static pod).
 */
public final class StaticPodFiles {

    private StaticPodFiles() {}

    /**
     * The processes, each with its static-pod file when exactly one of {@code staticPods} (invocations read
     * from a static-pod directory) runs the same program under the same member name.
     */
    public static List<Invocation> link(List<Invocation> processes, List<Invocation> staticPods) {
        List<Invocation> out = new ArrayList<>();
        for (Invocation process : processes) {
            String member = memberName(process);
            List<Invocation> matches = staticPods.stream()
                    .filter(pod -> pod.podSpecFile() != null && pod.component() == process.component()
                            && Objects.equals(memberName(pod), member))
                    .toList();
            out.add(matches.size() == 1 ? process.withPodSpecFile(matches.get(0).podSpecFile()) : process);
        }
        return out;
    }

    private static String memberName(Invocation invocation) {
        return ConfigResolver.resolve(invocation, new ArrayList<>()).memberName();
    }
}
