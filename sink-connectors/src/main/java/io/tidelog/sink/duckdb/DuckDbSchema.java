package io.tidelog.sink.duckdb;

import io.tidelog.event.TableId;
import io.tidelog.sink.SinkRecord;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The DuckDB tables of each source table: creates them, and evolves them before a batch that brings a
 * new column (ADD COLUMN, earlier rows null; a column that disappears from the source is kept) or a
 * value that does not fit a column's type (ALTER COLUMN … TYPE VARCHAR, see {@link ColumnType}).
 *
 * <h2>Layout per source table ({@code <name>} from the table template)</h2>
 * <pre>
 * CREATE TABLE &lt;name&gt; (              -- current state: one row per key, deleted rows kept as tombstones
 *   _tidelog_version_major UBIGINT NOT NULL,  -- commit LSN (or snapshot point): unsigned like an LSN
 *   _tidelog_version_minor UBIGINT NOT NULL,  -- change LSN (0 for a snapshot read)
 *   _tidelog_deleted       BOOLEAN NOT NULL,  -- true: the row is deleted; only the key remains
 *   _tidelog_commit_time   TIMESTAMPTZ NOT NULL,
 *   &lt;row columns…&gt;,
 *   PRIMARY KEY (&lt;key columns&gt;));
 * CREATE TABLE &lt;name&gt;_history (      -- every change event once
 *   _tidelog_op VARCHAR NOT NULL,             -- c, u, d or r
 *   _tidelog_version_major UBIGINT NOT NULL, _tidelog_version_minor UBIGINT NOT NULL,
 *   _tidelog_commit_time TIMESTAMPTZ NOT NULL,
 *   &lt;row columns…&gt;,                       -- a delete holds only the key columns
 *   PRIMARY KEY (&lt;key columns&gt;, _tidelog_version_major, _tidelog_version_minor));
 * CREATE VIEW &lt;name&gt;_live AS           -- what analysts query: live rows, row columns first
 *   SELECT &lt;row columns…&gt;, _tidelog_version_major, _tidelog_version_minor, _tidelog_commit_time
 *   FROM &lt;name&gt; WHERE NOT _tidelog_deleted;
 * </pre>
 * A deleted row stays in {@code <name>} as a tombstone holding the delete's version, so that replaying
 * an older insert of it cannot bring it back. The view is recreated after each change of columns
 * (DuckDB binds a view's column types when it is created).
 *
 * <p>Key columns cannot change type (DuckDB refuses to alter a PRIMARY KEY column): a record whose key
 * does not fit is rejected before it reaches here. A layout changed by a batch is kept only once the
 * batch commits ({@link #committed()}); after a rollback the catalog is read again.
 */
final class DuckDbSchema {

    private static final Logger LOG = LoggerFactory.getLogger(DuckDbSchema.class);

    private final Connection connection;
    private final DuckDbSinkSettings settings;
    private final Map<TableId, TableLayout> committed = new HashMap<>();
    private final Map<TableId, TableLayout> pending = new HashMap<>();

    DuckDbSchema(Connection connection, DuckDbSinkSettings settings) {
        this.connection = connection;
        this.settings = settings;
    }

    /**
     * Creates the schema, refuses tables whose names collide, and reads the layout of tables that exist.
     *
     * @throws IllegalArgumentException when two DuckDB objects of these tables would have the same name
     */
    void open(Set<TableId> tables) throws SQLException {
        Map<String, TableId> owners = new HashMap<>();
        for (TableId table : tables) {
            TableNames names = names(table);
            for (String name : List.of(names.current(), names.history(), names.live())) {
                // DuckDB matches identifiers case-insensitively, even quoted ones
                TableId other = owners.putIfAbsent(name.toLowerCase(Locale.ROOT), table);
                if (other != null) {
                    throw new IllegalArgumentException("duckdb sink: tables " + other + " and " + table
                            + " both need the DuckDB name '" + name + "'; change 'table-template' or 'history-suffix'");
                }
            }
        }
        execute("CREATE SCHEMA IF NOT EXISTS " + Sql.quote(settings.schema()));
        committed.clear();
        pending.clear();
        for (TableId table : tables) {
            layout(table);
        }
    }

    TableNames names(TableId table) {
        return TableNames.of(settings, table);
    }

    /** The table's layout as of this transaction, or null when its tables do not exist yet. */
    TableLayout layout(TableId table) throws SQLException {
        TableLayout layout = pending.get(table);
        if (layout == null) {
            layout = committed.get(table);
        }
        if (layout == null) {
            layout = load(names(table));
            if (layout != null) {
                committed.put(table, layout);
            }
        }
        return layout;
    }

    /** Creates or evolves the table's DuckDB objects so that they hold every column of {@code records}. */
    TableLayout prepare(TableId table, List<SinkRecord> records) throws SQLException {
        TableLayout before = layout(table);
        TableLayout after = evolve(names(table), before, records);
        if (after.equals(before)) {
            return before;
        }
        TableNames names = after.names();
        if (before == null) {
            LOG.info("DuckDB: creating {}.{} (key {}), its history and view for {}", names.schema(), names.current(),
                    after.keyColumns(), table);
            execute(createCurrent(after));
            execute(createHistory(after));
        } else {
            for (Entry<String, ColumnType> column : after.columns().entrySet()) {
                ColumnType was = before.columns().get(column.getKey());
                String change = was == null ? " ADD COLUMN " + Sql.quote(column.getKey()) + " " + column.getValue().sql()
                        : was != column.getValue() ? " ALTER COLUMN " + Sql.quote(column.getKey()) + " TYPE "
                        + column.getValue().sql() : null;
                if (change != null) {
                    LOG.info("DuckDB {}.{} and its history:{}{}", names.schema(), names.current(), change,
                            was == null ? "" : " (was " + was.sql() + ")");
                    execute("ALTER TABLE " + names.currentSql() + change);
                    execute("ALTER TABLE " + names.historySql() + change);
                }
            }
        }
        execute(createLive(after));
        pending.put(table, after);
        return after;
    }

    /** The batch committed: its layouts hold from now on. */
    void committed() {
        committed.putAll(pending);
        pending.clear();
    }

    /** The batch rolled back: its layout changes never happened; layouts are read again from the catalog. */
    void rolledBack() {
        pending.clear();
        committed.clear();
    }

    /**
     * The layout that holds {@code before}'s columns and every column of {@code records}, each typed to
     * hold all their values. The key columns of a new table are the first record's.
     */
    static TableLayout evolve(TableNames names, TableLayout before, List<SinkRecord> records) {
        List<String> keys = before != null ? before.keyColumns() : List.copyOf(records.get(0).key().propertyNames());
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        if (before != null) {
            columns.putAll(before.columns());
        } else {
            keys.forEach(key -> columns.put(key, null));
        }
        for (SinkRecord record : records) {
            for (Entry<String, JsonNode> key : record.key().properties()) {
                observe(columns, key.getKey(), key.getValue());
            }
            if (record.after() != null) {
                for (Entry<String, JsonNode> value : record.after().properties()) {
                    if (!keys.contains(value.getKey())) {
                        observe(columns, value.getKey(), value.getValue());
                    }
                }
            }
        }
        columns.replaceAll((column, type) -> type == null ? ColumnType.VARCHAR : type);
        return new TableLayout(names, keys, columns);
    }

    private static void observe(Map<String, ColumnType> columns, String column, JsonNode value) {
        ColumnType type = columns.get(column);
        columns.put(column, type == null ? ColumnType.of(value) : type.widenFor(value));
    }

    private TableLayout load(TableNames names) throws SQLException {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        boolean tidelog = false;
        try (PreparedStatement query = connection.prepareStatement("SELECT column_name, data_type FROM duckdb_columns()"
                + " WHERE database_name = current_database() AND schema_name = ? AND table_name = ? ORDER BY column_index")) {
            query.setString(1, names.schema());
            query.setString(2, names.current());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String column = rows.getString(1);
                    if (column.startsWith(Sql.RESERVED_PREFIX)) {
                        tidelog |= column.equals(Sql.VERSION_MAJOR);
                    } else {
                        columns.put(column, ColumnType.ofDuckDb(rows.getString(2), names.current() + "." + column));
                    }
                }
            }
        }
        if (columns.isEmpty() && !tidelog) {
            return null;
        }
        if (!tidelog) {
            throw new IllegalStateException("DuckDB table " + names.schema() + "." + names.current()
                    + " exists but was not made by the DuckDB sink (no " + Sql.VERSION_MAJOR + " column)");
        }
        TableLayout layout = new TableLayout(names, primaryKey(names), columns);
        execute(createHistory(layout));
        execute(createLive(layout));
        return layout;
    }

    private List<String> primaryKey(TableNames names) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT constraint_column_names FROM duckdb_constraints()"
                + " WHERE database_name = current_database() AND schema_name = ? AND table_name = ?"
                + " AND constraint_type = 'PRIMARY KEY'")) {
            query.setString(1, names.schema());
            query.setString(2, names.current());
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("DuckDB table " + names.schema() + "." + names.current()
                            + " has no primary key");
                }
                Array array = rows.getArray(1);
                List<String> keys = new ArrayList<>();
                for (Object key : (Object[]) array.getArray()) {
                    keys.add(key.toString());
                }
                return keys;
            }
        }
    }

    private static String createCurrent(TableLayout layout) {
        return "CREATE TABLE IF NOT EXISTS " + layout.names().currentSql() + " ("
                + Sql.quote(Sql.VERSION_MAJOR) + " UBIGINT NOT NULL, "
                + Sql.quote(Sql.VERSION_MINOR) + " UBIGINT NOT NULL, "
                + Sql.quote(Sql.DELETED) + " BOOLEAN NOT NULL, "
                + Sql.quote(Sql.COMMIT_TIME) + " TIMESTAMPTZ NOT NULL, "
                + columnDefinitions(layout)
                + "PRIMARY KEY (" + Sql.columns(layout.keyColumns(), null) + "))";
    }

    private static String createHistory(TableLayout layout) {
        return "CREATE TABLE IF NOT EXISTS " + layout.names().historySql() + " ("
                + Sql.quote(Sql.OP) + " VARCHAR NOT NULL, "
                + Sql.quote(Sql.VERSION_MAJOR) + " UBIGINT NOT NULL, "
                + Sql.quote(Sql.VERSION_MINOR) + " UBIGINT NOT NULL, "
                + Sql.quote(Sql.COMMIT_TIME) + " TIMESTAMPTZ NOT NULL, "
                + columnDefinitions(layout)
                + "PRIMARY KEY (" + Sql.columns(layout.keyColumns(), null) + ", "
                + Sql.quote(Sql.VERSION_MAJOR) + ", " + Sql.quote(Sql.VERSION_MINOR) + "))";
    }

    private static String createLive(TableLayout layout) {
        return "CREATE OR REPLACE VIEW " + layout.names().liveSql() + " AS SELECT "
                + Sql.columns(layout.columns().keySet(), null) + ", "
                + Sql.columns(List.of(Sql.VERSION_MAJOR, Sql.VERSION_MINOR, Sql.COMMIT_TIME), null)
                + " FROM " + layout.names().currentSql() + " WHERE NOT " + Sql.quote(Sql.DELETED);
    }

    private static String columnDefinitions(TableLayout layout) {
        StringBuilder out = new StringBuilder();
        for (Entry<String, ColumnType> column : layout.columns().entrySet()) {
            out.append(Sql.quote(column.getKey())).append(' ').append(column.getValue().sql()).append(", ");
        }
        return out.toString();
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
