package dev.etcdguard.report;

import dev.etcdguard.rules.CheckResult;
import dev.etcdguard.rules.Evidence;
import dev.etcdguard.rules.Result;
import dev.etcdguard.rules.Status;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** The human report, in kube-bench's spirit: one line per verdict, evidence under failures, a summary. */
public final class TextReport {

    private final boolean color;
    private final boolean verbose;

    /**
     * @param color   ANSI colours (only for a terminal, never with NO_COLOR)
     * @param verbose evidence under every check, not only under those that did not pass
     */
    public TextReport(boolean color, boolean verbose) {
        this.color = color;
        this.verbose = verbose;
    }

    public void render(ScanReport report, PrintWriter out) {
        for (String note : report.notes()) {
            out.println(tag("[INFO]", null) + " " + note);
        }
        String scope = null;
        for (Result r : report.results()) {
            if (!r.rule().scope().equals(scope)) { // a heading whenever the program judged changes
                scope = r.rule().scope();
                out.println(tag("[INFO]", null) + " " + (scope.equals("etcd") ? "etcd" : scope + " (etcd's client)"));
            }
            out.println(tag(r.status()) + " " + heading(r));
            out.println("       " + Describe.target(r.target()) + "  [" + r.rule().id() + "]");
            for (CheckResult c : r.checks()) {
                out.println("       " + tag(c.status()) + " " + c.id() + ": " + c.message());
                if (verbose || c.status() != Status.PASS && c.status() != Status.NOT_APPLICABLE) {
                    for (Evidence e : c.evidence()) {
                        out.println("              " + Describe.evidence(e));
                    }
                }
            }
            out.println();
        }
        List<Result> failing = report.results().stream()
                .filter(r -> r.status() == Status.FAIL || r.status() == Status.WARN).toList();
        if (!failing.isEmpty()) {
            out.println("== Remediations etcd ==");
            for (Result r : failing) {
                out.println(heading(r) + " — " + Describe.target(r.target()));
                out.println("    (the rule document: etcdguard rules explain " + r.rule().id() + ")");
                out.println(indent(r.rule().remediation()));
                out.println();
            }
        }
        out.println("== Summary etcd ==");
        Map<Status, Integer> summary = report.summary();
        for (Status s : Status.values()) {
            out.println(summary.get(s) + " checks " + s);
        }
        out.flush();
    }

    private static String heading(Result r) {
        return r.rule().number().isBlank() ? r.rule().title() : r.rule().number() + " " + r.rule().title();
    }

    private static String indent(String text) {
        return ("    " + text.replace("\n", "\n    ")).replaceAll("(?m)^\\s+$", "");
    }

    private String tag(Status status) {
        String label = status == Status.NOT_APPLICABLE ? "[N/A]" : "[" + status + "]";
        return tag(label, switch (status) {
            case PASS -> "32";
            case FAIL -> "31";
            case WARN -> "33";
            case ERROR -> "35";
            case NOT_APPLICABLE -> "36";
        });
    }

    private String tag(String label, String ansi) {
        if (!color) {
            return label;
        }
        return "\u001b[" + (ansi == null ? "34" : ansi) + "m" + label + "\u001b[0m";
    }
}
