package dev.etcdguard.store;

import dev.etcdguard.etcd.Target;

/**
 * A result's target as a key that stays the same across scans and restarts, so history lines up:
 * <ul>
 *   <li>process: {@code process:HOST/PROGRAM/MEMBER} (program: the executable's file name; member: etcd's
 *       resolved name, {@code -} without one); never the pid, which changes on every restart;</li>
 *   <li>manifest: {@code manifest:FILE#RESOURCE/CONTAINER} (the file as given to the scan; without a resource,
 *       {@code #document-N}, or nothing for the whole file);</li>
 *   <li>endpoint: {@code endpoint:URL}.</li>
 * </ul>
 */
public final class TargetKey {

    private TargetKey() {}

    public static String of(String host, Target target) {
        return switch (target) {
            case Target.Process p -> "process:" + host + "/" + program(p.exe()) + "/" + orDash(p.member());
            case Target.Manifest m -> "manifest:" + m.file() + manifestPart(m);
            case Target.Endpoint e -> "endpoint:" + e.url();
        };
    }

    private static String manifestPart(Target.Manifest m) {
        if (m.resource() != null) {
            return "#" + m.resource() + (m.container() == null ? "" : "/" + m.container());
        }
        return m.document() >= 0 ? "#document-" + m.document() : "";
    }

    private static String program(String exe) {
        if (exe == null || exe.isEmpty()) {
            return "-";
        }
        String name = exe.substring(exe.lastIndexOf('/') + 1);
        // a replaced binary shows as "/usr/bin/etcd (deleted)" in /proc/PID/exe: the same program
        int space = name.indexOf(' ');
        return space > 0 ? name.substring(0, space) : name;
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
