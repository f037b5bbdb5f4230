package io.tidelog.e2e;

import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the DuckDB sink's database file (read-only; the service must be stopped, DuckDB locks the file):
 * per source table the live rows from the view {@code <schema>_<table>_live}, each key's version (and
 * whether it is deleted) from the current-state table {@code <schema>_<table>}, and that table and
 * {@code <schema>_<table>_history} (every event once) in full.
 *
 * <p>DuckDB types its columns from the JSON it sees ({@code BIGINT}, {@code DOUBLE}, {@code BOOLEAN},
 * {@code VARCHAR}, {@code JSON}; README, "Sinks"), so a row read back is in those types, and
 * {@link #asStored} puts the expected rows into the same types before they are compared: a number in a
 * {@code VARCHAR} column is its JSON text, a {@code real} in a {@code DOUBLE} column its double value.
 */
final class DuckDbContents {

    private static final String SCHEMA = "main";
    private static final String PREFIX = "_tidelog_";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** table name → row column → DuckDB type, as the sink created them. */
    private final Map<String, Map<String, String>> types = new TreeMap<>();
    private final SinkContents contents;

    /**
     * @param tables table name → DuckDB current-state table ({@code public_sink_items})
     */
    DuckDbContents(String sink, Path file, Map<String, String> tables) throws SQLException {
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        Map<String, Map<String, JsonNode>> rows = new TreeMap<>();
        Map<String, Map<String, String>> versions = new TreeMap<>();
        List<String> dump = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), readOnly)) {
            for (Map.Entry<String, String> t : tables.entrySet()) {
                String current = t.getValue();
                String history = current + "_history";
                Map<String, String> columns = columns(c, current);
                types.put(t.getKey(), columns);
                if (columns.isEmpty()) {
                    rows.put(t.getKey(), Map.of());
                    continue;
                }
                List<String> key = primaryKey(c, current);
                Map<String, String> tableVersions = new TreeMap<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + quote(current))) {
                    while (rs.next()) {
                        tableVersions.put(id(rs, key, columns), rs.getString(PREFIX + "version_major") + "/"
                                + rs.getString(PREFIX + "version_minor") + (rs.getBoolean(PREFIX + "deleted") ? " deleted" : ""));
                    }
                }
                Map<String, JsonNode> live = new TreeMap<>();
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT * FROM " + quote(current + "_live"))) {
                    while (rs.next()) {
                        ObjectNode row = NODES.objectNode();
                        for (Map.Entry<String, String> column : columns.entrySet()) {
                            row.set(column.getKey(), value(rs, column.getKey(), column.getValue()));
                        }
                        live.put(id(rs, key, columns), row);
                    }
                }
                rows.put(t.getKey(), live);
                versions.put(t.getKey(), tableVersions);
                problems.addAll(historyProblems(c, current, history, key, columns.keySet()));
                dump.addAll(dump(c, current));
                dump.addAll(dump(c, history));
            }
        }
        this.contents = new SinkContents(sink, new Rows(rows), versions, dump, problems);
    }

    SinkContents contents() {
        return contents;
    }

    /**
     * The rows as this database stores them: each column converted to the DuckDB type the sink gave it,
     * as {@code ColumnType} writes a JSON value into that type; a column DuckDB does not have stays as it is
     * (and so differs from what was read).
     */
    Rows asStored(Rows expected) {
        return expected.map((table, row) -> {
            Map<String, String> columns = types.getOrDefault(table, Map.of());
            ObjectNode out = NODES.objectNode();
            row.properties().forEach(e -> out.set(e.getKey(), stored(columns.get(e.getKey()), e.getValue())));
            columns.keySet().stream().filter(c -> !row.has(c)).forEach(c -> out.set(c, NODES.nullNode()));
            return out;
        });
    }

    private static JsonNode stored(String type, JsonNode v) {
        if (type == null || v == null || v.isNull()) {
            return v;
        }
        return switch (type) {
            case "BIGINT" -> v.isIntegralNumber() && v.canConvertToLong() ? NODES.numberNode(v.longValue()) : v;
            case "DOUBLE" -> v.isString() ? NODES.numberNode(Double.parseDouble(v.asString()))
                    : v.isNumber() ? NODES.numberNode(v.doubleValue()) : v;
            case "VARCHAR" -> NODES.stringNode(v.isString() ? v.asString() : v.toString());
            default -> v; // BOOLEAN, JSON
        };
    }

    /** The row's key as the sinks name it ({@link Rows#keyOf}). */
    private static String id(ResultSet rs, List<String> key, Map<String, String> columns) throws SQLException {
        ObjectNode values = NODES.objectNode();
        for (String k : key) {
            values.set(k, value(rs, k, columns.get(k)));
        }
        return Rows.keyOf(values);
    }

    private static JsonNode value(ResultSet rs, String column, String type) throws SQLException {
        JsonNode v = switch (type) {
            case "BIGINT" -> NODES.numberNode(rs.getLong(column));
            case "DOUBLE" -> NODES.numberNode(rs.getDouble(column));
            case "BOOLEAN" -> NODES.booleanNode(rs.getBoolean(column));
            case "JSON" -> {
                String text = rs.getString(column);
                yield text == null ? null : Rows.JSON.readTree(text);
            }
            default -> {
                String text = rs.getString(column);
                yield text == null ? null : NODES.stringNode(text);
            }
        };
        return rs.wasNull() || v == null ? NODES.nullNode() : v;
    }

    /**
     * Every live row of the current state must be an event of the history with the same version and
     * values, and every deleted one a {@code d} event with its version.
     */
    private static List<String> historyProblems(Connection c, String current, String history, List<String> key,
                                                Set<String> columns) throws SQLException {
        String sameEvent = key.stream().map(k -> "h." + quote(k) + " = c." + quote(k)).collect(Collectors.joining(" AND "))
                + " AND h._tidelog_version_major = c._tidelog_version_major"
                + " AND h._tidelog_version_minor = c._tidelog_version_minor";
        String sameValues = columns.stream().map(k -> "h." + quote(k) + " IS NOT DISTINCT FROM c." + quote(k))
                .collect(Collectors.joining(" AND "));
        List<String> problems = new ArrayList<>();
        long live = count(c, "SELECT count(*) FROM " + quote(current) + " c WHERE NOT c._tidelog_deleted AND NOT EXISTS ("
                + "SELECT 1 FROM " + quote(history) + " h WHERE " + sameEvent + " AND h._tidelog_op <> 'd' AND " + sameValues + ")");
        if (live > 0) {
            problems.add(current + ": " + live + " live rows without their event in " + history);
        }
        long deleted = count(c, "SELECT count(*) FROM " + quote(current) + " c WHERE c._tidelog_deleted AND NOT EXISTS ("
                + "SELECT 1 FROM " + quote(history) + " h WHERE " + sameEvent + " AND h._tidelog_op = 'd')");
        if (deleted > 0) {
            problems.add(current + ": " + deleted + " deleted rows without their delete in " + history);
        }
        return problems;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The table's row columns (not the sink's own {@code _tidelog_…}) and their types, in table order. */
    private static Map<String, String> columns(Connection c, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM duckdb_columns() "
                + "WHERE schema_name = ? AND table_name = ? ORDER BY column_index")) {
            ps.setString(1, SCHEMA);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getString(1).startsWith(PREFIX)) {
                        columns.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return columns;
    }

    private static List<String> primaryKey(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT constraint_column_names FROM duckdb_constraints() "
                + "WHERE schema_name = ? AND table_name = ? AND constraint_type = 'PRIMARY KEY'")) {
            ps.setString(1, SCHEMA);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException(table + " has no primary key");
                }
                Array array = rs.getArray(1);
                List<String> key = new ArrayList<>();
                for (Object k : (Object[]) array.getArray()) {
                    key.add(k.toString());
                }
                return key;
            }
        }
    }

    /** Every row of the table, every column as text, in a stable order. */
    private static List<String> dump(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + quote(table) + " ORDER BY ALL")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder(table);
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(i == 1 ? " " : " | ").append(meta.getColumnName(i)).append('=').append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
