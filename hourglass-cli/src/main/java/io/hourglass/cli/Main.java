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
                Get.class,
                Load.class,
                Lab.class,
                Tcpstat.class,
        })
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code. */
    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the CLI with the given output and error writers (tests call this). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler(Cli::executionError);
        return cl.execute(args);
    }
}
