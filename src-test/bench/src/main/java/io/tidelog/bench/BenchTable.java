package io.tidelog.bench;

import java.util.ArrayList;
import java.util.List;

/** A results table printed as Markdown, so it can be pasted into the README as is. */
final class BenchTable {

    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    BenchTable(String... header) {
        this.header = header;
    }

    void row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
        System.out.println("  " + String.join(" | ", r));
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.length; i++) {
            sb.append("---|");
        }
        sb.append('\n');
        for (String[] r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return sb.toString();
    }

    static String rate(double perSecond) {
        return String.format("%,.0f", perSecond);
    }
}
