package io.tidelog.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A name built from a record, such as a Redis key {@code {table}:{pk}} or an index name
 * {@code cdc-{schema}-{table}}. Placeholders: {@code {schema}}, {@code {table}} and {@code {pk}} (the
 * key's values joined by {@code :}, escaped as {@link SinkRecord#keyId(tools.jackson.databind.node.ObjectNode)}
 * says). Anything else in braces is refused when the template is parsed,
 * so a typo fails at startup and not on the first record.
 */
public final class NameTemplate {

    /** The placeholders a template may use. */
    public static final Set<String> PLACEHOLDERS = Set.of("schema", "table", "pk");

    private final String text;
    private final List<String> parts; // literal, placeholder, literal, placeholder, ... (placeholders at odd indices)

    private NameTemplate(String text, List<String> parts) {
        this.text = text;
        this.parts = parts;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the unknown placeholder or the unbalanced brace
     */
    public static NameTemplate parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("template is empty");
        }
        List<String> parts = new ArrayList<>();
        int at = 0;
        while (true) {
            int open = text.indexOf('{', at);
            int close = text.indexOf('}', at);
            if (open < 0) {
                if (close >= 0) {
                    throw new IllegalArgumentException("'" + text + "' has a '}' without '{' at " + close);
                }
                parts.add(text.substring(at));
                return new NameTemplate(text, List.copyOf(parts));
            }
            if (close < open) {
                throw new IllegalArgumentException("'" + text + "' has a '{' without '}' at " + open);
            }
            String name = text.substring(open + 1, close);
            if (!PLACEHOLDERS.contains(name)) {
                throw new IllegalArgumentException("'" + text + "' uses unknown placeholder {" + name
                        + "}; known: {schema}, {table}, {pk}");
            }
            parts.add(text.substring(at, open));
            parts.add(name);
            at = close + 1;
        }
    }

    /** Whether the result depends on the row (uses {@code {pk}}), not only on the table. */
    public boolean usesKey() {
        for (int i = 1; i < parts.size(); i += 2) {
            if (parts.get(i).equals("pk")) {
                return true;
            }
        }
        return false;
    }

    public String render(SinkRecord record) {
        return render(record.table().schema(), record.table().table(), usesKey() ? record.keyId() : null);
    }

    /** Renders with explicit values; {@code pk} may be null when the template does not use it. */
    public String render(String schema, String table, String pk) {
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (i % 2 == 0) {
                out.append(part);
            } else {
                out.append(switch (part) {
                    case "schema" -> schema;
                    case "table" -> table;
                    default -> pk;
                });
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
