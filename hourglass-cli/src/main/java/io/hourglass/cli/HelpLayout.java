package io.hourglass.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * How every command's help is laid out, applied once to the whole command tree.
 *
 * <ul>
 *   <li>Prose (descriptions, option texts) is wrapped at the terminal's width ({@link Terminal#helpWidth()}),
 *       decided when help is printed; the annotations hold whole paragraphs, never hard line breaks. The
 *       first description line is the one-line summary the parent's command list shows.</li>
 *   <li>The footer (the examples) is printed verbatim, never wrapped: a command split over two lines would
 *       break when copied. Example lines are kept short instead, or continued with a backslash.</li>
 *   <li>A command that is a {@link HelpTable} gets its table after the description, keys kept whole and
 *       descriptions wrapped inside their own column, so no line lands at column 0.</li>
 *   <li>{@code -V} prints the root command's version on every command that offers it.</li>
 *   <li>Options are listed in declaration order (grouped by purpose), under an "Options:" heading.</li>
 * </ul>
 */
final class HelpLayout {
    static final String SECTION_TABLE = "hourglassTable";
    static final String SECTION_TABLE_HEADING = "hourglassTableHeading";

    private HelpLayout() {}

    /** A command whose help has a table (e.g. {@code serve}'s routes). */
    interface HelpTable {
        /** The heading line, without a colon: "Routes". */
        String tableHeading();

        /** Rows in order: the key (kept on one line) and its description (wrapped in its column). */
        Map<String, String> tableRows();
    }

    static void apply(CommandLine root, Terminal terminal) {
        String[] version = root.getCommandSpec().version();
        root.setHelpFactory((spec, colors) -> {
            int width = terminal.helpWidth();
            spec.usageMessage().width(width);
            // On a wide terminal, room for the longest option name beside its text (picocli's column is 20).
            int longest = spec.options().stream().mapToInt(HelpLayout::nameAndLabelLength).max().orElse(0);
            spec.usageMessage().longOptionsMaxWidth(Math.max(20, Math.min(longest, (width - 30) / 2)));
            return new CommandLine.Help(spec, colors);
        });
        applyTo(root, version);
    }

    private static void applyTo(CommandLine cl, String[] version) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.version().length == 0) {
            spec.version(version);
        }
        UsageMessageSpec usage = spec.usageMessage();
        usage.sortOptions(false);
        usage.optionListHeading("%nOptions:%n");
        usage.parameterListHeading("%nArguments:%n");
        usage.commandListHeading("%nCommands:%n");
        if (!usage.exitCodeList().isEmpty()) {
            usage.exitCodeListHeading("%nExit codes:%n");
        }
        cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER, HelpLayout::verbatimFooter);
        if (spec.userObject() instanceof HelpTable table) {
            List<String> keys = new ArrayList<>(cl.getHelpSectionKeys());
            int at = keys.indexOf(UsageMessageSpec.SECTION_KEY_DESCRIPTION) + 1;
            keys.add(at, SECTION_TABLE_HEADING);
            keys.add(at + 1, SECTION_TABLE);
            cl.setHelpSectionKeys(keys);
            cl.getHelpSectionMap().put(SECTION_TABLE_HEADING, help -> help.createHeading("%n" + table.tableHeading() + ":%n"));
            cl.getHelpSectionMap().put(SECTION_TABLE, help -> help.createTextTable(table.tableRows()).toString());
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            applyTo(sub, version);
        }
    }

    /** Length of "--name=LABEL", as picocli prints it in the long options column. */
    private static int nameAndLabelLength(CommandLine.Model.OptionSpec o) {
        return o.longestName().length() + (o.arity().max() > 0 ? 1 + o.paramLabel().length() : 0);
    }

    /** The footer's lines as written, one per element: examples must stay copyable. */
    private static String verbatimFooter(CommandLine.Help help) {
        String[] lines = help.commandSpec().usageMessage().footer();
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append(line).append(System.lineSeparator());
        }
        return b.toString();
    }
}
