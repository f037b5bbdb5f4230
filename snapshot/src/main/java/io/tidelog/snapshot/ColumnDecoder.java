package io.tidelog.snapshot;

import io.tidelog.event.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Decodes one table's column values from PostgreSQL's text output exactly as the snapshot does, for
 * reads of live rows outside the snapshot (capture re-selecting a row by key): the same
 * {@link io.tidelog.event.Row} values, hence the same log encoding, as a snapshot read of the row.
 *
 * <p>Use: {@link #prepare} the session, {@link #read} the table's catalog on it, select
 * {@code column::text}, {@link #decode} each value. Immutable and thread-safe once read.
 */
public final class ColumnDecoder {

    private final TableSchema schema;

    private ColumnDecoder(TableSchema schema) {
        this.schema = schema;
    }

    /** Sets the session options the decoding relies on (time zone, date, interval and bytea output). */
    public static void prepare(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(ChunkReader.SESSION);
        }
    }

    /** Reads the table's columns, their types and its primary key from the catalog. */
    public static ColumnDecoder read(Connection c, TableId table) throws SQLException {
        return new ColumnDecoder(Catalog.read(c, table));
    }

    /** The primary-key columns in key order; empty for a table without one. */
    public List<String> keyColumns() {
        return schema.keyColumns();
    }

    /** Whether the table has this column now. */
    public boolean has(String column) {
        return schema.columns().contains(column);
    }

    /** The column's type as declared ({@code format_type}), usable in a cast, e.g. {@code character varying(20)}. */
    public String declaredType(String column) {
        return schema.types().get(index(column)).declared();
    }

    /**
     * The value of a column from its text output, or null for SQL NULL.
     *
     * @throws SnapshotException naming the column when the text does not decode
     */
    public Object decode(String column, String text) {
        if (text == null) {
            return null;
        }
        ColumnType type = schema.types().get(index(column));
        try {
            return PgText.decode(type, text);
        } catch (RuntimeException e) {
            throw new SnapshotException("cannot decode " + schema.table() + "." + column + " (" + type.declared()
                    + ") value: " + e.getMessage(), e);
        }
    }

    /** A PostgreSQL identifier in double quotes, embedded quotes doubled. */
    public static String quote(String identifier) {
        return Catalog.quote(identifier);
    }

    private int index(String column) {
        int i = schema.columns().indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException(schema.table() + " has no column " + column);
        }
        return i;
    }
}
