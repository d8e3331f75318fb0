package io.regent.controller.render;

import java.util.ArrayList;
import java.util.List;

/**
 * The operator's table, in the shape repmgr and kbha users know:
 *
 * <pre>
 * Cluster: demo (system identifier 7301234567890123456)
 *  ID | Name  | Role    | Status  | Upstream | Location | Priority | Timeline | LSN_Lag | Connection string
 * ----+-------+---------+---------+----------+----------+----------+----------+---------+-------------------
 *  1  | node1 | primary | running |          | default  | 100      | 1        |         | postgres://…
 * </pre>
 */
public final class TableRenderer implements ListingRenderer {

    static final List<String> HEADERS = List.of("ID", "Name", "Role", "Status", "Upstream", "Location", "Priority",
            "Timeline", "LSN_Lag", "Connection string");

    @Override
    public String render(MemberListing listing) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(HEADERS);
        for (MemberRow row : listing.rows()) {
            lines.add(cells(row));
        }
        int[] widths = new int[HEADERS.size()];
        for (List<String> line : lines) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], line.get(column).length());
            }
        }
        StringBuilder text = new StringBuilder(listing.title()).append('\n');
        appendLine(text, HEADERS, widths);
        for (int column = 0; column < widths.length; column++) {
            text.append(column == 0 ? "" : "+").append("-".repeat(widths[column] + 2));
        }
        text.append('\n');
        for (List<String> line : lines.subList(1, lines.size())) {
            appendLine(text, line, widths);
        }
        listing.footer().forEach(line -> text.append(' ').append(line).append('\n'));
        return text.toString();
    }

    private static List<String> cells(MemberRow row) {
        return List.of(
                Integer.toString(row.id()),
                row.name(),
                row.role(),
                row.status(),
                row.upstreamText(),
                row.location(),
                Integer.toString(row.priority()),
                row.timeline() == null ? "" : row.timeline().toString(),
                row.lag().text(),
                row.connectionString());
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
