package io.hourglass.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code hourglass} command line. One class per subcommand. */
@Command(name = "hourglass",
        mixinStandardHelpOptions = true,
        version = "hourglass 0.1.0",
        description = "HTTP/1.1 server and client with timeouts you can reason about.",
        subcommands = {
                CommandLine.HelpCommand.class,
                Serve.class,
                Tcpstat.class,
        })
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler(Cli::executionError);
        return cl.execute(args);
    }
}
