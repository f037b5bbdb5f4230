package io.tidelog.sink.duckdb;

import java.sql.SQLException;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import tools.jackson.databind.JsonNode;

/**
 * The DuckDB type of a row column, inferred from the JSON values the log carries (it has no schema).
 *
 * <p>First sight: JSON integer → {@code BIGINT}, other number → {@code DOUBLE}, boolean →
 * {@code BOOLEAN}, string → {@code VARCHAR}, object or array → {@code JSON}; a column whose values so
 * far are all null → {@code VARCHAR}. Afterwards a value that does not fit the column's type widens
 * the column to {@code VARCHAR}, which holds any value as text (a number or boolean as its JSON text,
 * an object as JSON text). {@code JSON} holds any value, so it never widens. {@code DOUBLE} also holds
 * the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, which is how the log writes
 * those values of {@code real} and {@code double precision} columns.
 *
 * <p>PostgreSQL {@code numeric} arrives as an exact decimal string and timestamps as ISO-8601 strings,
 * so they land as {@code VARCHAR} with no loss; analysts cast ({@code amount::DECIMAL(12,2)},
 * {@code created_at::TIMESTAMPTZ}).
 */
enum ColumnType {
    BIGINT, DOUBLE, BOOLEAN, VARCHAR, JSON;

    /** The largest integer a double holds exactly. */
    private static final long EXACT_DOUBLE = 1L << 53;
    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "-Infinity");

    /** The type a column first seen with {@code value} gets; null for a null value (not yet known). */
    static ColumnType of(JsonNode value) {
        if (isNull(value)) {
            return null;
        }
        if (value.isBoolean()) {
            return BOOLEAN;
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? BIGINT : VARCHAR;
        }
        if (value.isNumber()) {
            return DOUBLE;
        }
        if (value.isContainer()) {
            return JSON;
        }
        return VARCHAR;
    }

    /** Whether a column of this type holds {@code value} without changing it. */
    boolean accepts(JsonNode value) {
        if (isNull(value)) {
            return true;
        }
        return switch (this) {
            case BIGINT -> value.isIntegralNumber() && value.canConvertToLong();
            case DOUBLE -> value.isFloatingPointNumber() || value.isIntegralNumber() && value.canConvertToLong()
                    && Math.abs(value.longValue()) <= EXACT_DOUBLE || value.isString() && NON_FINITE.contains(value.asString());
            case BOOLEAN -> value.isBoolean();
            case VARCHAR, JSON -> true;
        };
    }

    /** This type if it holds {@code value}, else {@code VARCHAR}. */
    ColumnType widenFor(JsonNode value) {
        return accepts(value) ? this : VARCHAR;
    }

    /** The DDL type name. */
    String sql() {
        return name();
    }

    /** Appends {@code value}, which this type {@link #accepts}, as the next column of the appender's row. */
    void append(DuckDBAppender appender, JsonNode value) throws SQLException {
        if (isNull(value)) {
            appender.appendNull();
            return;
        }
        switch (this) {
            case BIGINT -> appender.append(value.longValue());
            case DOUBLE -> appender.append(value.isString() ? Double.parseDouble(value.asString()) : value.doubleValue());
            case BOOLEAN -> appender.append(value.booleanValue());
            case VARCHAR -> appender.append(value.isString() ? value.asString() : value.toString());
            case JSON -> appender.append(value.toString());
        }
    }

    /**
     * The type of an existing column, from {@code duckdb_columns().data_type}.
     *
     * @throws IllegalStateException for a type this sink never creates (the table was altered by hand)
     */
    static ColumnType ofDuckDb(String dataType, String column) {
        for (ColumnType type : values()) {
            if (type.name().equalsIgnoreCase(dataType)) {
                return type;
            }
        }
        throw new IllegalStateException("column " + column + " has type " + dataType
                + ", which the DuckDB sink does not write; expected one of BIGINT, DOUBLE, BOOLEAN, VARCHAR, JSON");
    }

    private static boolean isNull(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode();
    }
}
