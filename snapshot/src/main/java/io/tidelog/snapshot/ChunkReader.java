package io.tidelog.snapshot;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.Op;
import io.tidelog.event.Row;
import io.tidelog.event.SourcePosition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * One connection reading chunks with {@code COPY ... TO STDOUT} inside the exported snapshot, turning
 * each row into a {@link Op#READ} event.
 *
 * <p>The connection runs one REPEATABLE READ, READ ONLY transaction that imports the snapshot
 * first thing, so every chunk it reads sees the database as of the slot's consistent point. Not
 * thread-safe: one reader per thread.
 */
final class ChunkReader implements AutoCloseable {

    /** Session settings {@link PgText} relies on to decode text output. */
    static final String SESSION = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'iso_8601';"
            + " SET extra_float_digits = 1; SET bytea_output = 'hex'; SET client_encoding = 'UTF8'";

    private final Connection connection;
    private final CopyText copyText = new CopyText();
    private final SourcePosition position;
    private final int batchSize;

    ChunkReader(SnapshotSettings settings, String snapshotName, SourcePosition position) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", settings.username());
        p.setProperty("password", settings.password());
        p.setProperty("ApplicationName", "tidelog-snapshot");
        this.connection = DriverManager.getConnection(settings.jdbcUrl(), p);
        this.position = position;
        this.batchSize = settings.batchSize();
        try (Statement st = connection.createStatement()) {
            st.execute(SESSION);
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            st.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** The connection, inside the snapshot, for catalog reads. */
    Connection connection() {
        return connection;
    }

    /**
     * Reads one chunk, handing rows to the consumer in batches.
     *
     * @return the number of rows read
     */
    long read(Chunk chunk, SnapshotConsumer consumer, SnapshotProgress progress)
            throws SQLException, InterruptedException {
        TableSchema t = chunk.table();
        String sql = "COPY (SELECT " + t.columns().stream().map(Catalog::quote).collect(Collectors.joining(", "))
                + " FROM " + Catalog.quote(t.table().schema()) + "." + Catalog.quote(t.table().table())
                + " WHERE " + chunk.where() + ") TO STDOUT";
        CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
        List<ChangeEvent> batch = new ArrayList<>(batchSize);
        long rows = 0;
        try {
            byte[] line;
            while ((line = copy.readFromCopy()) != null) {
                batch.add(event(t, copyText.split(line, t.columns().size())));
                rows++;
                if (batch.size() == batchSize) {
                    consumer.accept(batch);
                    progress.rowsRead(t.table(), batch.size());
                    batch = new ArrayList<>(batchSize);
                }
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        if (!batch.isEmpty()) {
            consumer.accept(batch);
            progress.rowsRead(t.table(), batch.size());
        }
        return rows;
    }

    private ChangeEvent event(TableSchema t, String[] fields) {
        Map<String, Object> after = new LinkedHashMap<>(fields.length * 2);
        for (int i = 0; i < fields.length; i++) {
            after.put(t.columns().get(i), fields[i] == null ? null : decode(t, i, fields[i]));
        }
        Map<String, Object> key = new LinkedHashMap<>();
        for (String k : t.keyColumns()) {
            key.put(k, after.get(k));
        }
        return new ChangeEvent(t.table(), Op.READ, t.keyColumns(), Row.of(key), null, Row.of(after), position);
    }

    private static Object decode(TableSchema t, int column, String text) {
        try {
            return PgText.decode(t.types().get(column), text);
        } catch (RuntimeException e) {
            throw new SnapshotException("cannot decode " + t.table() + "." + t.columns().get(column) + " ("
                    + t.types().get(column).declared() + ") value '" + text + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.commit();
        } finally {
            connection.close();
        }
    }
}
