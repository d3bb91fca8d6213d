package dev.etcdguard.etcd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An invocation with its effective configuration, resolved once: what every step after collection reads
 * (static-pod linking, the probe's targets, the cluster CA, the rules).
 *
 * @param problems the invocation's problems and those resolution added (an unreadable config file)
 * @param members  the member list beyond the configuration (read from a running member's data dir, or assumed),
 *                 or null when none was looked for
 */
public record ResolvedInvocation(Invocation invocation, EffectiveConfig config, List<String> problems,
                                 MemberList members) {

    public ResolvedInvocation {
        problems = List.copyOf(problems);
    }

    public ResolvedInvocation(Invocation invocation, EffectiveConfig config, List<String> problems) {
        this(invocation, config, problems, null);
    }

    public static ResolvedInvocation of(Invocation invocation) {
        List<String> problems = new ArrayList<>(invocation.problems());
        EffectiveConfig config = ConfigResolver.resolve(invocation, problems);
        return new ResolvedInvocation(invocation, config, problems);
    }

    public static List<ResolvedInvocation> all(List<Invocation> invocations) {
        return invocations.stream().map(ResolvedInvocation::of).toList();
    }

    public Component component() {
        return invocation.component();
    }

    public ResolvedInvocation withPodSpecFile(Path file) {
        return new ResolvedInvocation(invocation.withPodSpecFile(file), config, problems, members);
    }

    public ResolvedInvocation withClusterHint(String hint) {
        return new ResolvedInvocation(invocation.withClusterHint(hint), config, problems, members);
    }

    public ResolvedInvocation withMembers(MemberList list) {
        return new ResolvedInvocation(invocation, config, problems, list);
    }
}
