package io.tidelog.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The columns of one row version, in table column order, with plain Java values.
 *
 * <p>Value types, by PostgreSQL type: {@code boolean} → {@link Boolean}; {@code smallint} →
 * {@link Short}; {@code integer} → {@link Integer}; {@code bigint} → {@link Long}; {@code real} →
 * {@link Float}; {@code double precision} → {@link Double}; {@code numeric} →
 * {@link java.math.BigDecimal} (exact); text types, enums and types without a mapping → {@link String}
 * (their text form); {@code uuid} → {@link java.util.UUID}; {@code json}/{@code jsonb} → {@link Json};
 * {@code bytea} → {@code byte[]}; {@code date} → {@link java.time.LocalDate}; {@code time} →
 * {@link java.time.LocalTime}; {@code timetz} → {@link java.time.OffsetTime}; {@code timestamp} →
 * {@link java.time.LocalDateTime}; {@code timestamptz} → {@link java.time.OffsetDateTime} (UTC);
 * arrays → {@link java.util.List} of the element type; SQL NULL → {@code null}; a value the source
 * did not send → {@link Unavailable#VALUE}; a value carried over, already encoded, from the row's
 * previous record in the log → {@link EncodedValue}.
 *
 * <p>Immutable; {@code byte[]} values must not be modified by readers.
 */
public final class Row {

    private static final Row EMPTY = new Row(new String[0], new Object[0]);

    /** Column names and values in column order; never modified after construction. */
    private final String[] names;
    private final Object[] values;
    private Map<String, Object> view;

    private Row(String[] names, Object[] values) {
        this.names = names;
        this.values = values;
    }

    /** A row of these columns; iteration order is kept, null values allowed. */
    public static Row of(Map<String, ?> columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.isEmpty()) {
            return EMPTY;
        }
        String[] names = new String[columns.size()];
        Object[] values = new Object[columns.size()];
        int i = 0;
        for (Map.Entry<String, ?> e : columns.entrySet()) {
            names[i] = Objects.requireNonNull(e.getKey(), "column name");
            values[i++] = e.getValue();
        }
        return new Row(names, values);
    }

    /** The row with no columns. */
    public static Row empty() {
        return EMPTY;
    }

    /** Column name → value, in column order. Unmodifiable; values may be null. */
    public Map<String, Object> columns() {
        Map<String, Object> v = view;
        if (v == null) {
            LinkedHashMap<String, Object> m = new LinkedHashMap<>(names.length * 2);
            for (int i = 0; i < names.length; i++) {
                m.put(names[i], values[i]);
            }
            view = v = Collections.unmodifiableMap(m);
        }
        return v;
    }

    /** The name of column {@code i}, in column order. */
    public String name(int i) {
        return names[i];
    }

    /** The value of column {@code i}, in column order. */
    public Object value(int i) {
        return values[i];
    }

    /** The value of a column, or null when it is NULL or absent. */
    public Object get(String column) {
        int i = indexOf(column);
        return i < 0 ? null : values[i];
    }

    /** Whether the row has this column (possibly with a NULL value). */
    public boolean has(String column) {
        return indexOf(column) >= 0;
    }

    private int indexOf(String column) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(column)) {
                return i;
            }
        }
        return -1;
    }

    public Set<String> names() {
        return columns().keySet();
    }

    public int size() {
        return names.length;
    }

    /** Rows are equal when they hold the same columns in the same order with equal values ({@code byte[]} by content). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Row other) || other.names.length != names.length) {
            return false;
        }
        for (int i = 0; i < names.length; i++) {
            if (!names[i].equals(other.names[i]) || !Values.equal(values[i], other.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < names.length; i++) {
            h = 31 * h + names[i].hashCode();
            h = 31 * h + Values.hash(values[i]);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append('=').append(Values.toString(values[i]));
        }
        return sb.append('}').toString();
    }
}
