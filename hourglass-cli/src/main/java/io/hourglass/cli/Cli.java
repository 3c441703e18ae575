package io.hourglass.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Exit codes and error printing shared by the subcommands: one line on stderr, no stack trace. */
final class Cli {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private Cli() {}

    /** A bad flag or value: one line naming it, exit 2. */
    static int usageError(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("hourglass " + commandName(e.getCommandLine()) + ": " + e.getMessage());
        err.flush();
        return USAGE;
    }

    static int executionError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof UsageException u) {
            err.println("hourglass " + commandName(cl) + ": " + u.getMessage());
            err.flush();
            return USAGE;
        }
        err.println("hourglass " + commandName(cl) + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        err.flush();
        return FAILURE;
    }

    private static String commandName(CommandLine cl) {
        return cl.getCommandName();
    }

    /** Thrown by a subcommand for a user mistake found after parsing (e.g. a file that does not exist). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
