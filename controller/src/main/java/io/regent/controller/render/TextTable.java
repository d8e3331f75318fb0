package io.regent.controller.render;

import java.util.ArrayList;
import java.util.List;

/** The {@code a | b | c} table layout of {@link TableRenderer}, for any rows of text. */
public final class TextTable {

    private TextTable() {
    }

    public static String render(List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        List<List<String>> lines = new ArrayList<>();
        lines.add(headers);
        lines.addAll(rows);
        for (List<String> line : lines) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], line.get(column).length());
            }
        }
        StringBuilder text = new StringBuilder();
        appendLine(text, headers, widths);
        for (int column = 0; column < widths.length; column++) {
            text.append(column == 0 ? "" : "+").append("-".repeat(widths[column] + 2));
        }
        text.append('\n');
        for (List<String> row : rows) {
            appendLine(text, row, widths);
        }
        return text.toString();
    }

    private static void appendLine(StringBuilder text, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            line.append(column == 0 ? " " : " | ").append(cells.get(column));
            if (column < cells.size() - 1) {
                line.append(" ".repeat(widths[column] - cells.get(column).length()));
            }
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }
}
