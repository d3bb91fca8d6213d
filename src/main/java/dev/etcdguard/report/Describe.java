package dev.etcdguard.report;

import dev.etcdguard.etcd.Provenance;
import dev.etcdguard.etcd.Target;
import dev.etcdguard.rules.Evidence;

/** Short human forms shared by the renderers. */
final class Describe {

    private Describe() {}

    static String target(Target target) {
        return switch (target) {
            case Target.Process p -> "pid " + p.pid() + " " + p.exe()
                    + (p.member() == null ? "" : " (member " + p.member() + ")");
            case Target.Manifest m -> m.file() + (m.line() > 0 ? ":" + m.line() + ":" + m.column() : "")
                    + (m.document() >= 0 ? " document " + m.document() : "")
                    + (m.resource() == null ? "" : " " + m.resource())
                    + (m.container() == null ? "" : " container " + m.container());
            case Target.Endpoint e -> "endpoint " + e.url();
        };
    }

    static String provenance(Provenance p) {
        return switch (p) {
            case Provenance.Flag f -> "flag " + f.argument() + " at " + f.at();
            case Provenance.Env e -> "env " + e.at();
            case Provenance.ConfigFile c -> "config file " + c.at();
            case Provenance.Default d -> "default: " + d.note();
        };
    }

    /** One line of evidence, as the text report shows it. */
    static String evidence(Evidence e) {
        return switch (e) {
            case Evidence.Setting s -> s.resolved().name() + " = "
                    + (s.resolved().isEmpty() ? "(empty)" : s.resolved().value())
                    + "  [" + provenance(s.resolved().provenance()) + "]";
            case Evidence.File f -> f.path() + ": " + f.facts();
            case Evidence.Wire w -> "on the wire " + w.endpoint() + ": " + w.facts();
            case Evidence.Issue i -> (i.issue().fatal() ? "! " : "~ ") + i.issue().message()
                    + (i.issue().location() == null ? "" : "  [" + i.issue().location().label() + "]");
        };
    }
}
