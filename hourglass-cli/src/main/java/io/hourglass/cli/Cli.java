package io.hourglass.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Exit codes and error printing shared by the subcommands: one line on stderr that starts with the command's
 * full name ({@code hourglass lab storm: ...}), no stack trace.
 */
final class Cli {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private Cli() {}

    /**
     * A bad command line: one line naming it, exit 2. When the shape of the command line is wrong (an unknown
     * command or option, a missing one, an extra argument) the line also points to the command's help, and to
     * the nearest command or option name when one is close.
     */
    static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String name = fullName(cl);
        String message = e.getMessage();
        boolean hint = e instanceof MissingParameterException;
        UnmatchedArgumentException u = e instanceof UnmatchedArgumentException x ? x : null;
        if (u == null && hint && !cl.getUnmatchedArguments().isEmpty()) {
            // picocli checks required options before it reports an unknown one: a typo in a required flag
            // (--listn) would read "missing --listen"; the typo is the news.
            u = new UnmatchedArgumentException(cl, cl.getUnmatchedArguments());
        }
        if (u != null) {
            message = unmatched(u);
            hint = true;
        }
        Matcher help = UNKNOWN_FOR_HELP.matcher(message == null ? "" : message);
        if (help.matches()) { // "hourglass help bogus": picocli's HelpCommand words it its own way
            String near = nearest(help.group(1), visibleSubcommands(cl));
            message = "unknown command '" + help.group(1) + "'" + (near == null ? "" : " (did you mean '" + near + "'?)");
            hint = true;
        }
        PrintWriter err = cl.getErr();
        err.println(name + ": " + message + (hint ? "; see '" + name + " --help'" : ""));
        err.flush();
        return USAGE;
    }

    private static final Pattern UNKNOWN_FOR_HELP = Pattern.compile("Unknown subcommand '(.*)'\\.");

    private static String unmatched(UnmatchedArgumentException u) {
        CommandLine cl = u.getCommandLine();
        List<String> args = u.getUnmatched();
        String arg = args.isEmpty() ? "" : args.get(0);
        if (u.isUnknownOption()) {
            List<String> near = u.getSuggestions();
            return "unknown option '" + arg + "'" + (near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near) + "?)");
        }
        if (!cl.getSubcommands().isEmpty()) {
            String near = nearest(arg, visibleSubcommands(cl));
            return "unknown command '" + arg + "'" + (near == null ? "" : " (did you mean '" + near + "'?)");
        }
        return (args.size() == 1 ? "unexpected argument '" : "unexpected arguments '") + String.join(" ", args) + "'";
    }

    /** "hourglass lab storm": the command as typed (also when a test runs a subcommand as its own root). */
    static String fullName(CommandLine cl) {
        String q = cl.getCommandSpec().qualifiedName();
        return q.equals("hourglass") || q.startsWith("hourglass ") ? q : "hourglass " + q;
    }

    /** The subcommand names shown in help, in order. */
    static List<String> visibleSubcommands(CommandLine cl) {
        List<String> names = new ArrayList<>();
        cl.getSubcommands().forEach((n, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden() && !n.equals("help")) {
                names.add(n);
            }
        });
        return names;
    }

    /** The name within two edits of {@code arg} (a typo), or that {@code arg} starts (an abbreviation); else null. */
    static String nearest(String arg, List<String> names) {
        String a = arg.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = 3;
        for (String n : names) {
            int d = a.length() >= 2 && n.startsWith(a) ? 1 : distance(a, n);
            if (d < bestDistance) {
                best = n;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static int executionError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String name = fullName(cl);
        if (e instanceof UsageException u) {
            err.println(name + ": " + u.getMessage());
            err.flush();
            return USAGE;
        }
        err.println(name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        err.flush();
        return FAILURE;
    }

    /** A command that only groups others was run alone: name one ("name a command: serve, get, ..."). */
    static MissingParameterException nameASubcommand(CommandLine cl, String what) {
        return new MissingParameterException(cl, List.of(), "name " + what + ": " + String.join(", ", visibleSubcommands(cl)));
    }

    /** Thrown by a subcommand for a user mistake found after parsing (e.g. a file that does not exist). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
