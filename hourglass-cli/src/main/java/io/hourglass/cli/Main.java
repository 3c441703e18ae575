package io.hourglass.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code hourglass} command line. One class per subcommand. */
@Command(name = "hourglass",
        mixinStandardHelpOptions = true,
        version = "hourglass 0.1.0",
        description = "HTTP/1.1 server and client with timeouts you can reason about.",
        footer = {"",
            "Run 'hourglass COMMAND --help' for a command's options and examples.",
            "",
            "Examples:",
            "  hourglass lab storm                       # the incident, CLOSE vs DRAIN",
            "  hourglass serve --listen 127.0.0.1:8080",
            "  hourglass get --timeout 1s 'http://127.0.0.1:8080/sleep?d=5s'",
            "  hourglass help load"},
        subcommands = {
                CommandLine.HelpCommand.class,
                Serve.class,
                Get.class,
                Load.class,
                Lab.class,
                Tcpstat.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the CLI with the given output and error writers, on the process's terminal (if any). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(Terminal.detect(), out, err, args);
    }

    /** Runs the CLI as if on {@code terminal} (tests choose its width and whether stderr is a terminal). */
    static int run(Terminal terminal, PrintWriter out, PrintWriter err, String... args) {
        return commandLine(terminal, out, err).execute(args);
    }

    /** The whole command tree, laid out for {@code terminal}, with the project's error handling. */
    static CommandLine commandLine(Terminal terminal, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main(), new Factory(terminal));
        cl.setOut(out);
        cl.setErr(err);
        // picocli would read "@body.json" as a file of arguments; curl's "-d @body.json" means the body's file
        cl.setExpandAtFiles(false);
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler(Cli::executionError);
        HelpLayout.apply(cl, terminal);
        return cl;
    }

    /** {@code hourglass} alone: name a command. */
    @Override
    public void run() {
        throw Cli.nameASubcommand(spec.commandLine(), "a command");
    }

    /** Builds the commands that write progress with the terminal they run on; the rest as picocli would. */
    private record Factory(Terminal terminal) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == Load.class) {
                return cls.cast(new Load(System.out, System.err, terminal));
            }
            if (cls == LabStorm.class) {
                return cls.cast(new LabStorm(System.out, System.err, terminal));
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }
}
