package io.hourglass.cli;

import picocli.CommandLine.Command;

/** {@code hourglass lab}: experiments that show the timeout model at work on one machine. */
@Command(name = "lab",
        description = "Experiments on this machine, with nothing to set up.",
        subcommands = {LabStorm.class},
        mixinStandardHelpOptions = true)
final class Lab implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name an experiment: storm");
    }
}
