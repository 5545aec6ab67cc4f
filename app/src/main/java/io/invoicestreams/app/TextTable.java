package io.invoicestreams.app;

import java.util.List;

/** Rows as an aligned text table: the first row is the header, underlined. */
final class TextTable {

    private TextTable() {
    }

    static String render(List<String[]> rows) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            line(out, widths, rows.get(r));
            if (r == 0) {
                String[] rule = new String[widths.length];
                for (int i = 0; i < widths.length; i++) {
                    rule[i] = "-".repeat(widths[i]);
                }
                line(out, widths, rule);
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, int[] widths, String[] cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            line.append(String.format("%-" + widths[i] + "s", cells[i])).append(i + 1 < widths.length ? "  " : "");
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
