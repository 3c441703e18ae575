package io.hourglass.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The labs' comparison table in the terminal (lab storm: one column per policy; lab chain: one per variant): a
 * 46-column label, then one width for every column, the widest cell plus two, never under a minimum.
 */
final class ReportTable {
    static final int LABEL_WIDTH = 46;

    private ReportTable() {
    }

    /** Rows from columns: row i is {@code labels[i]}, then cell i of each column. */
    static List<List<String>> byRow(String[] labels, List<List<String>> columns) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            List<String> row = new ArrayList<>(List.of(labels[i]));
            for (List<String> c : columns) row.add(c.get(i));
            out.add(row);
        }
        return out;
    }

    /** The table: a head row ({@code corner}, then {@code heads}) and {@code rows}, padded as the class says. */
    static String format(String corner, List<String> heads, List<List<String>> rows, int minWidth) {
        int w = minWidth;
        for (List<String> row : rows) {
            for (String cell : row.subList(1, row.size())) w = Math.max(w, cell.length() + 2);
        }
        StringBuilder b = new StringBuilder(pad(corner, LABEL_WIDTH));
        for (String h : heads) b.append(pad(h, w));
        b.append('\n');
        for (List<String> row : rows) {
            b.append(pad(row.get(0), LABEL_WIDTH));
            for (String cell : row.subList(1, row.size())) b.append(pad(cell, w));
            b.append('\n');
        }
        return b.toString();
    }

    private static String pad(String s, int width) {
        return String.format(Locale.ROOT, "%-" + width + "s", s);
    }
}
