package io.tidelog.event;

import java.util.Objects;

/**
 * A PostgreSQL table, schema-qualified.
 *
 * <p>Identifiers are kept as PostgreSQL reports them (already folded; no quotes). {@link #toString()}
 * gives {@code schema.table}, the form used in configuration.
 *
 * @param schema the schema name, e.g. {@code public}
 * @param table the table name
 */
public record TableId(String schema, String table) {

    public TableId {
        requireIdentifier(schema, "schema");
        requireIdentifier(table, "table");
    }

    /**
     * Parses {@code schema.table}, or {@code table} meaning {@code public.table}.
     *
     * @throws IllegalArgumentException naming the input when it is not of that form
     */
    public static TableId parse(String qualified) {
        Objects.requireNonNull(qualified, "qualified");
        String trimmed = qualified.trim();
        int dot = trimmed.indexOf('.');
        if (dot < 0) {
            return new TableId("public", trimmed);
        }
        if (dot == 0 || dot == trimmed.length() - 1 || trimmed.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException(
                    "'" + qualified + "' is not a table name; expected schema.table, e.g. public.customers");
        }
        return new TableId(trimmed.substring(0, dot), trimmed.substring(dot + 1));
    }

    private static void requireIdentifier(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("table " + what + " must not be blank");
        }
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
