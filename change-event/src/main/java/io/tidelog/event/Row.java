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
 * did not send → {@link Unavailable#VALUE}.
 *
 * <p>Immutable; {@code byte[]} values must not be modified by readers.
 */
public final class Row {

    private static final Row EMPTY = new Row(Map.of());

    private final Map<String, Object> columns;

    private Row(Map<String, Object> columns) {
        this.columns = columns;
    }

    /** A row of these columns; iteration order is kept, null values allowed. */
    public static Row of(Map<String, ?> columns) {
        Objects.requireNonNull(columns, "columns");
        return columns.isEmpty() ? EMPTY : new Row(Collections.unmodifiableMap(new LinkedHashMap<>(columns)));
    }

    /** The row with no columns. */
    public static Row empty() {
        return EMPTY;
    }

    /** Column name → value, in column order. Unmodifiable; values may be null. */
    public Map<String, Object> columns() {
        return columns;
    }

    /** The value of a column, or null when it is NULL or absent. */
    public Object get(String column) {
        return columns.get(column);
    }

    /** Whether the row has this column (possibly with a NULL value). */
    public boolean has(String column) {
        return columns.containsKey(column);
    }

    public Set<String> names() {
        return columns.keySet();
    }

    public int size() {
        return columns.size();
    }

    /** Rows are equal when they hold the same columns in the same order with equal values ({@code byte[]} by content). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Row other) || other.columns.size() != columns.size()) {
            return false;
        }
        var mine = columns.entrySet().iterator();
        var theirs = other.columns.entrySet().iterator();
        while (mine.hasNext()) {
            var a = mine.next();
            var b = theirs.next();
            if (!a.getKey().equals(b.getKey()) || !Values.equal(a.getValue(), b.getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (var e : columns.entrySet()) {
            h = 31 * h + e.getKey().hashCode();
            h = 31 * h + Values.hash(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (var e : columns.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append('=').append(Values.toString(e.getValue()));
        }
        return sb.append('}').toString();
    }
}
