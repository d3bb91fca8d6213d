package dev.etcdguard.collect;

import dev.etcdguard.etcd.ResolvedInvocation;
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
    public static List<ResolvedInvocation> link(List<ResolvedInvocation> processes, List<ResolvedInvocation> staticPods) {
        List<ResolvedInvocation> out = new ArrayList<>();
        for (ResolvedInvocation process : processes) {
            List<ResolvedInvocation> matches = staticPods.stream()
                    .filter(pod -> pod.invocation().podSpecFile() != null && pod.component() == process.component()
                            && Objects.equals(pod.config().memberName(), process.config().memberName()))
                    .toList();
            out.add(matches.size() == 1 ? process.withPodSpecFile(matches.get(0).invocation().podSpecFile()) : process);
        }
        return out;
    }
}
