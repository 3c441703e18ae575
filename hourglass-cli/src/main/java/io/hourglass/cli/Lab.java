package io.hourglass.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hourglass lab}: experiments that show the timeout model at work on one machine. */
@Command(name = "lab",
        description = "Experiments on this machine, with nothing to set up.",
        footer = {"", "Examples:", "  hourglass lab storm", "  hourglass lab chain"},
        subcommands = {LabStorm.class, LabChain.class},
        mixinStandardHelpOptions = true)
final class Lab implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw Cli.nameASubcommand(spec.commandLine(), "an experiment");
    }
}
