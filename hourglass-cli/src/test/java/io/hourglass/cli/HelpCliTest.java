package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The help of every command, in-process at chosen terminal widths: it wraps at the width, with whole
 * paragraphs and no ragged lines; the command lists give whole one-line summaries; examples are printed as
 * written (never split mid-URL); serve's routes stay in their columns; {@code -V} prints the version on every
 * command; an unknown command is named once with a pointer to {@code --help}. One run in a child process
 * checks that COLUMNS sets the width.
 */
class HelpCliTest {
    record Result(int code, String out, String err) {}

    static Result run(int columns, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(Terminal.of(false, false, columns), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Every command of the tree, as the words that name it ("lab storm"), the root as "". */
    static Stream<String> commands() {
        List<String> out = new ArrayList<>();
        collect(Main.commandLine(Terminal.of(false, false, 80), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())), "", out);
        return out.stream();
    }

    private static void collect(CommandLine cl, String path, List<String> out) {
        out.add(path);
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) collect(sub, (path + " " + name).trim(), out);
        });
    }

    static String[] argv(String command, String... more) {
        List<String> a = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static CommandLine.Model.CommandSpec spec(String command) {
        CommandLine cl = Main.commandLine(Terminal.of(false, false, 80), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        for (String word : command.isEmpty() ? new String[0] : command.split(" ")) cl = cl.getSubcommands().get(word);
        return cl.getCommandSpec();
    }

    static List<String> help(String command, int columns) {
        Result r = run(columns, argv(command, "--help"));
        assertThat(r.code()).as("%s --help exit code; stderr: %s", command, r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return r.out().lines().toList();
    }

    /** The lines from {@code heading} (excluded) to the next blank line. */
    static List<String> section(List<String> lines, String heading) {
        int at = lines.indexOf(heading);
        assertThat(at).as("a '%s' heading in\n%s", heading, String.join("\n", lines)).isNotNegative();
        List<String> out = new ArrayList<>();
        for (int i = at + 1; i < lines.size() && !lines.get(i).isBlank(); i++) out.add(lines.get(i));
        return out;
    }

    @ParameterizedTest(name = "hourglass {0} at {1} columns")
    @MethodSource("commandsAtWidths")
    void helpFitsTheTerminalWidthExceptTheExamplesWhichAreNeverWrapped(String command, int columns) {
        List<String> lines = help(command, columns);
        List<String> footer = Arrays.stream(spec(command).usageMessage().footer()).filter(l -> !l.isBlank()).toList();
        for (int i = 0; i < lines.size(); i++) {
            // The footer (examples) is printed as written: kept within 80 columns instead of wrapped.
            int limit = footer.contains(lines.get(i)) ? 80 : columns;
            assertThat(lines.get(i).length()).as("line %d of '%s --help' at %d columns:\n%s", i, command, columns,
                    lines.get(i)).isLessThanOrEqualTo(limit);
        }
        assertThat(footer).as("examples").isNotEmpty();
        assertThat(lines).as("'%s --help' at %d columns", command, columns).containsSubsequence(footer);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> commandsAtWidths() {
        return commands().flatMap(c -> Stream.of(60, 80, 132).map(w -> org.junit.jupiter.params.provider.Arguments.of(c, w)));
    }

    /**
     * The description is whole paragraphs, wrapped by the width alone: a line is followed by another of the
     * same paragraph only when the next word would not have fitted (no hard breaks re-wrapped into ragged lines).
     */
    @ParameterizedTest(name = "hourglass {0} at {1} columns")
    @MethodSource("commandsAtWidths")
    void descriptionParagraphsWrapOnlyWhereTheWidthEnds(String command, int columns) {
        List<String> lines = help(command, columns);
        int i = 1;
        while (i < lines.size() && lines.get(i).startsWith(" ")) i++; // the synopsis' continuation lines
        for (; i + 1 < lines.size() && !lines.get(i + 1).endsWith(":"); i++) {
            String line = lines.get(i);
            String next = lines.get(i + 1);
            if (line.isBlank() || next.isBlank()) continue;
            String word = next.strip().split(" ")[0];
            // picocli keeps the last column free: a line holds at most columns - 1 characters.
            assertThat(line.length() + 1 + word.length()).as("'%s' fitted after line %d of '%s --help' at %d columns:\n%s\n%s",
                    word, i, command, columns, line, next).isGreaterThanOrEqualTo(columns);
        }
    }

    @ParameterizedTest(name = "[{index}] hourglass {0}")
    @CsvSource({"''", "lab"})
    void commandListsShowWholeOneLineSummaries(String command) {
        List<String> list = section(help(command, 80), "Commands:");
        List<String> names = new ArrayList<>(spec(command).subcommands().keySet());
        assertThat(list).as("one line per command").hasSize(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            var usage = spec((command + " " + name).trim()).usageMessage();
            String summary = usage.header().length > 0 ? usage.header()[0] : usage.description()[0]; // as picocli picks
            assertThat(summary).as("%s's summary is a sentence", name).endsWith(".");
            assertThat(list.get(i)).matches("  " + name + " +" + java.util.regex.Pattern.quote(summary));
        }
    }

    @ParameterizedTest(name = "{0} columns")
    @CsvSource({"60", "80", "132"})
    void serveRoutesTableKeepsItsColumns(int columns) {
        List<String> routes = section(help("serve", columns), "Routes:");
        Serve serve = new Serve();
        int column = -1;
        int row = 0;
        for (String line : routes) {
            if (!line.startsWith("   ")) {
                String key = new ArrayList<>(serve.tableRows().keySet()).get(row++);
                assertThat(line).startsWith("  " + key + " ");
                int at = line.indexOf(line.substring(2 + key.length()).strip(), 2 + key.length());
                if (column < 0) column = at;
                assertThat(at).as("where the description starts in '%s'", line).isEqualTo(column);
            } else {
                assertThat(line.length() - line.stripLeading().length()).as("continuation '%s'", line)
                        .isGreaterThanOrEqualTo(column);
            }
        }
        assertThat(row).isEqualTo(serve.tableRows().size());
    }

    @ParameterizedTest(name = "[{index}] hourglass {0}")
    @MethodSource("commands")
    void versionFlagPrintsTheVersionOnEveryCommand(String command) {
        for (String flag : List.of("-V", "--version")) {
            Result r = run(80, argv(command, flag));
            assertThat(r.code()).as("%s %s", command, flag).isZero();
            assertThat(r.out()).as("%s %s", command, flag).isEqualTo("hourglass 0.1.0" + System.lineSeparator());
            assertThat(r.err()).isEmpty();
        }
    }

    @ParameterizedTest(name = "[{index}] hourglass {0}")
    @CsvSource(delimiter = '|', textBlock = """
            bogus                | hourglass: unknown command 'bogus'; see 'hourglass --help'
            serv                 | hourglass: unknown command 'serv' (did you mean 'serve'?); see 'hourglass --help'
            ''                   | hourglass: name a command: serve, get, load, lab, tcpstat; see 'hourglass --help'
            lab                  | hourglass lab: name an experiment: storm, chain; see 'hourglass lab --help'
            lab strom            | hourglass lab: unknown command 'strom' (did you mean 'storm'?); see 'hourglass lab --help'
            serve --listn x      | hourglass serve: unknown option '--listn' (did you mean --listen?); see 'hourglass serve --help'
            tcpstat extra        | hourglass tcpstat: unexpected argument 'extra'; see 'hourglass tcpstat --help'
            help lod             | hourglass: unknown command 'lod' (did you mean 'load'?); see 'hourglass --help'
            """)
    void commandLineMistakesNameTheCommandOnceAndPointToItsHelp(String args, String line) {
        Result r = run(80, args.isEmpty() ? new String[0] : args.split(" "));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).containsExactly(line);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void terminalWidthComesFromColumnsWithAFloorOf55() {
        assertThat(Terminal.of(false, false, 120).helpWidth()).isEqualTo(120);
        assertThat(Terminal.of(false, false, 30).helpWidth()).isEqualTo(55);
        assertThat(Terminal.parseColumns("100")).isEqualTo(100);
        for (String bad : new String[] {null, "", "wide", "0", "-3"}) {
            assertThat(Terminal.parseColumns(bad)).as("'%s'", bad).isNull();
        }
    }

    /** The real process: COLUMNS widens the help past 80 columns; no COLUMNS and no terminal gives 80. */
    @Test
    void aRealProcessWrapsHelpAtColumns(@TempDir Path dir) throws Exception {
        assertThat(childHelp(dir, "120").stream().mapToInt(String::length).max().orElse(0)).isBetween(81, 120);
        assertThat(childHelp(dir, null).stream().mapToInt(String::length).max().orElse(0)).isBetween(60, 80);
    }

    private static List<String> childHelp(Path dir, String columns) throws Exception {
        Path out = dir.resolve("help-" + columns + ".txt");
        List<String> cmd = new ArrayList<>(CliRun.javaCommand());
        cmd.addAll(List.of("lab", "storm", "--help"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("COLUMNS");
        if (columns != null) pb.environment().put("COLUMNS", columns);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return Files.readAllLines(out).stream().takeWhile(l -> !l.equals("Examples:")).toList();
    }
}
