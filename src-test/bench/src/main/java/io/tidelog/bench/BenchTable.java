package io.tidelog.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A results table printed as Markdown, so it can be pasted into the README as is; each row is also
 * printed as it is added, and notes follow the table as a bullet list.
 */
public final class BenchTable {

    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final String[] header;

    public BenchTable(String... header) {
        this.header = header;
    }

    public void row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
        System.out.println("  " + String.join(" | ", r));
    }

    public void note(String note) {
        notes.add(note);
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.length; i++) {
            sb.append("---|");
        }
        sb.append('\n');
        for (String[] r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        }
        return sb.toString();
    }

    public static String count(long n) {
        return String.format("%,d", n);
    }

    public static String rate(double perSecond) {
        return String.format("%,.0f", perSecond);
    }

    public static String seconds(double s) {
        return String.format("%.2f", s);
    }
}
