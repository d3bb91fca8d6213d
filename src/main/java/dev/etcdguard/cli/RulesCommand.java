package dev.etcdguard.cli;

import dev.etcdguard.report.RuleReport;
import dev.etcdguard.rules.RuleDocument;
import dev.etcdguard.rules.RuleLoader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rules",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"The rule documents: 'rules list' shows the catalogue, 'rules explain ID|NUMBER' one rule."},
        subcommands = {RulesCommand.ListRules.class, RulesCommand.Explain.class})
final class RulesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options both subcommands take. */
    static final class Catalogue {
        @Option(names = "--rules", paramLabel = "DIR", description = "Add the rule documents (*.md) in DIR to the built-in ones.")
        Path rulesDir;

        @Option(names = "--benchmark", paramLabel = "NAME", defaultValue = RuleDocument.DEFAULT_BENCHMARK,
                description = "CIS Kubernetes Benchmark version whose numbering, titles and check limits are shown, e.g. "
                        + "cis-1.5.1 (default: ${DEFAULT-VALUE}).")
        String benchmark;

        @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
                description = "text or json (default: ${DEFAULT-VALUE}).")
        String format;

        List<RuleDocument> load() {
            if (!format.equals("text") && !format.equals("json")) {
                throw new IllegalArgumentException("--format must be text or json");
            }
            return RuleLoader.load(rulesDir, benchmark);
        }

        static PrintWriter out() {
            return new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "List the rules: id, benchmark number, severity and title.")
    static final class ListRules implements Callable<Integer> {
        @CommandLine.Mixin
        Catalogue catalogue = new Catalogue();

        @Override
        public Integer call() {
            RuleReport.list(catalogue.load(), catalogue.format.equals("json"), Catalogue.out());
            return 0;
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Show a rule document: its controls, checks, and the Description, Rationale, Audit, "
                    + "Remediation, Impact, Default value and References sections.")
    static final class Explain implements Callable<Integer> {
        @CommandLine.Mixin
        Catalogue catalogue = new Catalogue();

        @Parameters(paramLabel = "ID|NUMBER", description = "A rule id (etcd-peer-tls) or its number in the chosen benchmark (2.4).")
        String which;

        @Override
        public Integer call() {
            List<RuleDocument> rules = catalogue.load();
            RuleDocument rule = rules.stream().filter(r -> r.id().equals(which) || r.number().equals(which)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no rule '" + which + "' (see 'etcdguard rules list')"));
            RuleReport.explain(rule, catalogue.format.equals("json"), Catalogue.out());
            return 0;
        }
    }
}
