package dev.etcdguard.cli;

import dev.etcdguard.report.JsonReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code etcdguard} command line. Wiring only: the work happens in the capability packages. */
@Command(name = "etcdguard",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Security-posture scanner for etcd in Kubernetes: the CIS Kubernetes Benchmark's etcd controls "
                + "(2.1-2.7; pod spec file 1.1.7/1.1.8; data directory 1.1.11/1.1.12) and kube-apiserver's etcd "
                + "controls (client certificate, CA, https, encryption at rest), on live nodes and on manifests.",
            "Its verdict is true on the wire: it resolves etcd's effective configuration (flags, ETCD_* "
                + "variables, --config-file) as etcd does and inspects the certificate files themselves. "
                + "'etcdguard rules list' shows every rule."},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  no result is FAIL or ERROR",
            "  1  at least one result is FAIL",
            "  2  the scan could not run, or a result is ERROR (evidence could not be read)",
            "",
            "Run 'etcdguard help scan' for the scan's options ('scan --probe' also asks the peer ports on the wire; "
                + "'etcdguard probe URL...' asks given endpoints); 'etcdguard demo' shows it on throw-away etcd clusters; 'etcdguard certs peer' issues the peer "
                + "certificate that 2.4 needs from the etcd CA."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (never throws, never prints a stack trace). */
    public static int run(String... args) {
        CommandLine cli = commandLine(args.length == 0 ? null : args[0]);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("etcdguard: error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 2;
        });
        cli.setExitCodeExceptionMapper(e -> 2);
        return cli.execute(args);
    }

    /**
     * The command line with its subcommands. Building picocli's model of a command costs start-up
     * time, so when the first argument names a subcommand only that one is built; help and unknown
     * words get all of them.
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new Main());
        boolean all = first == null || !SUBCOMMANDS.containsKey(first);
        SUBCOMMANDS.forEach((name, factory) -> {
            if (all || name.equals(first)) {
                cli.addSubcommand(name, factory.get());
            }
        });
        if (all) {
            cli.addSubcommand("help", new CommandLine.HelpCommand());
        }
        return cli;
    }

    private static final java.util.Map<String, java.util.function.Supplier<Object>> SUBCOMMANDS =
            new java.util.LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("scan", ScanCommand::new);
        SUBCOMMANDS.put("probe", ProbeCommand::new);
        SUBCOMMANDS.put("rules", RulesCommand::new);
        SUBCOMMANDS.put("history", HistoryCommand::new);
        SUBCOMMANDS.put("diff", DiffCommand::new);
        SUBCOMMANDS.put("demo", DemoCommand::new);
        SUBCOMMANDS.put("agent", AgentCommand::new);
        SUBCOMMANDS.put("certs", CertsCommand::new);
        SUBCOMMANDS.put("bench", BenchCommand::new);
        SUBCOMMANDS.put("aot-training", AotTrainingCommand::new);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"etcdguard " + JsonReport.VERSION};
        }
    }
}
