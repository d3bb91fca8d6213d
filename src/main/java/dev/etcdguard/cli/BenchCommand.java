package dev.etcdguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Reproducible benchmarks; their method and recorded numbers are in BENCHMARKS.md."},
        subcommands = {BenchAgentCommand.class, BenchHostCommand.class, BenchManifestsCommand.class, BenchProbeCommand.class, ParseFloorCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
