package dev.etcdguard.fix;

import dev.etcdguard.collect.ProcCollector;
import dev.etcdguard.etcd.Component;
import dev.etcdguard.etcd.EffectiveConfig;
import dev.etcdguard.etcd.ResolvedInvocation;
import dev.etcdguard.etcd.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The name and advertised peer URLs of a running etcd member, read through the host scan's own collector and
 * resolver (flags, ETCD_* variables, --config-file, as etcd resolves them), for {@code certs peer --from-host}.
 *
 * @param peerUrls the effective {@code initial-advertise-peer-urls}
 */
public record RunningMember(long pid, String name, List<String> peerUrls) {

    /** The one etcd process among {@code pids} (all of this node's when empty); an error when none or several. */
    public static RunningMember find(Path procRoot, Set<Long> pids) {
        List<ResolvedInvocation> members;
        try {
            members = ResolvedInvocation.all(new ProcCollector(procRoot).collect(pids)).stream()
                    .filter(r -> r.component() == Component.ETCD).toList();
        } catch (IOException e) {
            throw new FixException("cannot list the processes in " + procRoot + ": " + e.getMessage(), e);
        }
        if (members.isEmpty()) {
            throw new FixException("no running etcd member found" + (pids.isEmpty() ? "" : " with pid " + pids)
                    + " (run as root to see other users' processes, or pass --node-name and --peer-url)");
        }
        if (members.size() > 1) {
            throw new FixException(members.size() + " etcd members run here (pids "
                    + members.stream().map(m -> Long.toString(pid(m))).collect(Collectors.joining(", "))
                    + "): pick one with --pid");
        }
        ResolvedInvocation member = members.getFirst();
        EffectiveConfig config = member.config();
        return new RunningMember(pid(member), config.memberName(), config.get("initial-advertise-peer-urls").elements());
    }

    private static long pid(ResolvedInvocation r) {
        return r.invocation().target() instanceof Target.Process p ? p.pid() : -1;
    }
}
