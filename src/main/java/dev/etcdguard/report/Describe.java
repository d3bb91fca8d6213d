package dev.etcdguard.report;

import dev.etcdguard.etcd.Provenance;
import dev.etcdguard.etcd.Target;

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
}
