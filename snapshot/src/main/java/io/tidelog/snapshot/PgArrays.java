package io.tidelog.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Parses PostgreSQL's array text form ({@code {1,2,NULL}}, {@code {"a b","c\"d"}},
 * {@code {{1,2},{3,4}}}) into nested lists. An unquoted {@code NULL} is null; a quoted
 * {@code "NULL"} is the string. Elements are decoded by the given function. Optional dimension
 * decorations ({@code [0:1]={...}}) are skipped.
 */
final class PgArrays {

    private final String text;
    private final Function<String, Object> element;
    private int pos;

    private PgArrays(String text, Function<String, Object> element) {
        this.text = text;
        this.element = element;
    }

    static List<Object> parse(String text, Function<String, Object> element) {
        PgArrays p = new PgArrays(text, element);
        int eq = text.indexOf('=');
        if (text.startsWith("[") && eq > 0) {
            p.pos = eq + 1;
        }
        List<Object> result = p.array();
        if (p.pos != text.length()) {
            throw new SnapshotException("trailing characters in array literal: " + text);
        }
        return result;
    }

    private List<Object> array() {
        expect('{');
        List<Object> items = new ArrayList<>();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            char c = peek();
            if (c == '{') {
                items.add(array());
            } else if (c == '"') {
                items.add(element.apply(quoted()));
            } else {
                String raw = unquoted();
                items.add(raw.equalsIgnoreCase("NULL") ? null : element.apply(raw));
            }
            char sep = peek();
            pos++;
            if (sep == '}') {
                return Collections.unmodifiableList(items);
            }
            if (sep != ',') {
                throw new SnapshotException("unexpected '" + sep + "' at " + (pos - 1) + " in array literal: " + text);
            }
        }
    }

    private String quoted() {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            char c = peek();
            pos++;
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                c = peek();
                pos++;
            }
            sb.append(c);
        }
    }

    private String unquoted() {
        int start = pos;
        while (peek() != ',' && peek() != '}') {
            pos++;
        }
        return text.substring(start, pos).trim();
    }

    private char peek() {
        if (pos >= text.length()) {
            throw new SnapshotException("array literal ends early: " + text);
        }
        return text.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new SnapshotException("expected '" + c + "' at " + pos + " in array literal: " + text);
        }
        pos++;
    }
}
