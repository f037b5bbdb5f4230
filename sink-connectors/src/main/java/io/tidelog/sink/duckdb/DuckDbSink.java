package io.tidelog.sink.duckdb;

import io.tidelog.event.TableId;
import io.tidelog.sink.ErrorClassifier;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.Sink;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Keeps captured tables in a DuckDB database file: per source table a current-state table, an
 * append-only history table and a view of live rows (layout in {@link DuckDbSchema}).
 *
 * <h2>Per batch</h2>
 * One transaction per {@link #write}: evolve the tables for new columns or wider types, then per
 * table Appender → TEMP staging table → one guarded upsert of the current state and one insert of
 * new history events ({@link MicroBatchMerge}); commit. Any failure rolls the whole batch back.
 *
 * <h2>Idempotent and order-safe</h2>
 * The current state keeps per key the highest {@code (major, minor)} version it has applied, deleted
 * rows included (as tombstone rows, hidden by the {@code _live} view); DuckDB applies a record only
 * when its version is higher. History has a primary key on (key, major, minor). So replaying any range
 * of the log leaves both tables unchanged, and an older event never overwrites newer state.
 *
 * <h2>Durability</h2>
 * A DuckDB commit is written and synced to the database's write-ahead log before it returns, so a
 * committed {@link #write} is already durable and {@link #flush} has nothing left to do. DuckDB
 * checkpoints the WAL into the database file by itself, and on {@link #close}.
 *
 * <p>Records are rejected (to the dead-letter topic) when they carry no version, have an upsert
 * without a row, use a column named {@code _tidelog_…}, or a key that does not match the table's
 * primary key (other columns, or a value that does not fit a key column's type). Tombstones are
 * skipped: the delete before them already applied.
 *
 * <p>Not thread-safe: used by the runner's one thread, as the {@link Sink} contract says.
 */
public final class DuckDbSink implements Sink {

    private static final Logger LOG = LoggerFactory.getLogger(DuckDbSink.class);

    private final DuckDbSinkSettings settings;
    private SinkContext context;
    private DuckDBConnection connection;
    private DuckDbSchema schema;
    private MicroBatchMerge merge;
    private boolean closed;

    public DuckDbSink(DuckDbSinkSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(SinkContext context) throws SQLException, IOException {
        this.context = context;
        Path parent = settings.path().toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        connect();
    }

    @Override
    public List<Rejection> write(List<SinkRecord> batch) throws SQLException {
        if (closed) {
            throw new IllegalStateException("DuckDB sink is closed");
        }
        if (connection == null) {
            connect(); // the database was invalidated by an earlier failure
        }
        List<Rejection> rejected = new ArrayList<>();
        Map<TableId, List<SinkRecord>> byTable = new LinkedHashMap<>();
        Map<TableId, TableLayout> layouts = new HashMap<>();
        try {
            for (SinkRecord record : batch) {
                if (record.tombstone()) {
                    continue;
                }
                TableId table = record.table();
                if (!layouts.containsKey(table)) {
                    layouts.put(table, schema.layout(table));
                }
                TableLayout layout = layouts.get(table);
                List<SinkRecord> accepted = byTable.get(table);
                List<String> keys = layout != null ? layout.keyColumns()
                        : accepted != null ? List.copyOf(accepted.get(0).key().propertyNames()) : null;
                String problem = problem(record, layout, keys);
                if (problem != null) {
                    rejected.add(new Rejection(record, problem));
                } else {
                    byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(record);
                }
            }
            for (Entry<TableId, List<SinkRecord>> table : byTable.entrySet()) {
                merge.apply(schema.prepare(table.getKey(), table.getValue()), table.getValue());
            }
            connection.commit();
            schema.committed();
        } catch (SQLException | RuntimeException e) {
            rollBack(e);
            throw e;
        }
        return rejected;
    }

    /** Nothing to do: each {@link #write} committed, and a DuckDB commit is synced to its write-ahead log. */
    @Override
    public void flush() {
        if (closed) {
            throw new IllegalStateException("DuckDB sink is closed");
        }
    }

    @Override
    public ErrorClassifier classifier() {
        return DuckDbErrors.CLASSIFIER;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        disconnect();
    }

    /**
     * Why the record cannot be written, or null.
     *
     * @param layout the table's layout, null when it does not exist yet
     * @param keys   the table's key columns; for a table not created yet its first record's in this batch,
     *               null for that first record
     */
    private static String problem(SinkRecord record, TableLayout layout, List<String> keys) {
        if (record.version() == null) {
            return "the record carries no change version; the DuckDB sink orders changes by it";
        }
        if (!record.isDelete() && record.after() == null) {
            return "an upsert without a row (after is null)";
        }
        if (record.key() == null || record.key().isEmpty()) {
            return "the record has no key columns";
        }
        if (keys != null && !keys.equals(List.copyOf(record.key().propertyNames()))) {
            return "key columns " + record.key().propertyNames() + " differ from the table's primary key " + keys;
        }
        for (String column : record.after() == null ? record.key().propertyNames() : record.after().propertyNames()) {
            if (column.regionMatches(true, 0, Sql.RESERVED_PREFIX, 0, Sql.RESERVED_PREFIX.length())) {
                return "column '" + column + "' uses the prefix " + Sql.RESERVED_PREFIX + ", reserved for the sink's own columns";
            }
        }
        for (Entry<String, JsonNode> key : record.key().properties()) {
            if (key.getValue() == null || key.getValue().isNull()) {
                return "key column '" + key.getKey() + "' is null";
            }
            ColumnType type = layout == null ? null : layout.columns().get(key.getKey());
            if (type != null && !type.accepts(key.getValue())) {
                return "key column '" + key.getKey() + "' is " + type.sql() + " in " + layout.names().current()
                        + " and cannot change type (DuckDB cannot alter a primary-key column); value "
                        + key.getValue() + " does not fit";
            }
        }
        return null;
    }

    private void connect() throws SQLException {
        connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + settings.path().toAbsolutePath());
        try {
            connection.setAutoCommit(false);
            schema = new DuckDbSchema(connection, settings);
            merge = new MicroBatchMerge(connection);
            schema.open(context.tables());
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            disconnect();
            throw e;
        }
        LOG.info("DuckDB sink '{}' opened {} (schema {}, {} tables)", context.sinkName(), settings.path(),
                settings.schema(), context.tables().size());
    }

    private void rollBack(Exception cause) {
        if (schema != null) {
            schema.rolledBack();
        }
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
        if (DuckDbErrors.invalidatesDatabase(cause)) {
            LOG.warn("DuckDB sink '{}': the database was invalidated; reopening it before the next write",
                    context.sinkName(), cause);
            disconnect();
        }
    }

    private void disconnect() {
        if (connection == null) {
            return;
        }
        try {
            connection.close(); // the last connection closes the database, which checkpoints it
        } catch (SQLException e) {
            LOG.warn("DuckDB sink: closing {} failed", settings.path(), e);
        }
        connection = null;
        schema = null;
        merge = null;
    }
}
