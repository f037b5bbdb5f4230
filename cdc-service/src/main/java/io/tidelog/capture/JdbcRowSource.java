package io.tidelog.capture;

import io.tidelog.event.Json;
import io.tidelog.event.Row;
import io.tidelog.event.TableId;
import io.tidelog.snapshot.ColumnDecoder;
import io.tidelog.snapshot.SnapshotException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@link RowSource} over plain JDBC to the captured database, with capture's address and credentials.
 *
 * <p>One short-lived connection per call (re-selects are the rare fallback, so nothing is held open
 * between batches), one query per {@value #KEYS_PER_QUERY} keys: the keys are joined as a
 * {@code VALUES} list (each cast to its column's declared type) and every requested column is read
 * as {@code ::text}, then decoded by the snapshot's {@link ColumnDecoder} under the snapshot's session
 * settings, so a re-selected value encodes exactly as a snapshot read of it. Reads run in autocommit,
 * read-only: each query sees the latest committed row. Thread-safe (no state).
 */
public final class JdbcRowSource implements RowSource {

    static final int KEYS_PER_QUERY = 500;

    private final CaptureSettings settings;

    public JdbcRowSource(CaptureSettings settings) {
        this.settings = settings;
    }

    @Override
    public Map<Row, Row> select(TableId table, List<Row> keys, Set<String> columns) {
        Map<Row, Row> rows = new HashMap<>();
        if (keys.isEmpty()) {
            return rows;
        }
        try (Connection c = connect()) {
            ColumnDecoder decoder = ColumnDecoder.read(c, table);
            List<String> present = columns.stream().filter(decoder::has).toList();
            for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
                select(c, decoder, table, keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY)), present, rows);
            }
            return rows;
        } catch (SQLException | SnapshotException e) {
            throw new CaptureWriteException("Re-selecting rows of " + table + " from " + settings.address()
                    + " to fill unchanged TOASTed values failed: " + e.getMessage(), e);
        }
    }

    private static void select(Connection c, ColumnDecoder decoder, TableId table, List<Row> keys, List<String> columns,
                               Map<Row, Row> rows) throws SQLException {
        List<String> keyColumns = List.copyOf(keys.get(0).names());
        StringJoiner select = new StringJoiner(", ", "SELECT ", "").add("v.n");
        for (String column : columns) {
            select.add("t." + ColumnDecoder.quote(column) + "::text");
        }
        StringJoiner values = new StringJoiner(", ");
        for (int i = 0; i < keys.size(); i++) {
            StringJoiner tuple = new StringJoiner(", ", "(" + i + ", ", ")");
            for (String k : keyColumns) {
                tuple.add("CAST(? AS " + decoder.declaredType(k) + ")");
            }
            values.add(tuple.toString());
        }
        StringJoiner names = new StringJoiner(", ", "v(n, ", ")");
        StringJoiner on = new StringJoiner(" AND ");
        for (int k = 0; k < keyColumns.size(); k++) {
            names.add("k" + k);
            on.add("t." + ColumnDecoder.quote(keyColumns.get(k)) + " = v.k" + k);
        }
        String sql = select + " FROM " + ColumnDecoder.quote(table.schema()) + "." + ColumnDecoder.quote(table.table())
                + " t JOIN (VALUES " + values + ") AS " + names + " ON " + on;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int param = 1;
            for (Row key : keys) {
                for (String k : keyColumns) {
                    bind(ps, param++, key.get(k));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) {
                        row.put(columns.get(i), decoder.decode(columns.get(i), rs.getString(i + 2)));
                    }
                    rows.put(keys.get(rs.getInt(1)), Row.of(row));
                }
            }
        }
    }

    /** Binds a key value: numbers, booleans and bytes as themselves, everything else as its text form (cast in SQL). */
    private static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof byte[]) {
            ps.setObject(i, v);
        } else if (v instanceof Json j) {
            ps.setString(i, j.text());
        } else {
            ps.setString(i, String.valueOf(v));
        }
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", settings.username());
        p.setProperty("password", settings.password());
        p.setProperty("ApplicationName", "tidelog-reselect");
        p.setProperty("readOnly", "true");
        Connection c = DriverManager.getConnection(settings.address().jdbcUrl(), p);
        try {
            ColumnDecoder.prepare(c);
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }
}
