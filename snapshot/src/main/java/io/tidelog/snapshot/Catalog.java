package io.tidelog.snapshot;

import io.tidelog.event.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads table schemas from {@code pg_catalog}, inside whatever transaction the connection is in. */
final class Catalog {

    private static final String COLUMNS = """
            SELECT a.attname,
                   format_type(a.atttypid, a.atttypmod),
                   CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END AS base,
                   et.typname AS element,
                   coalesce(et.typtype, CASE WHEN t.typtype = 'd' THEN bt.typtype ELSE t.typtype END) = 'e' AS is_enum
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
            LEFT JOIN pg_type et ON et.oid = (CASE WHEN t.typtype = 'd' THEN bt.typelem ELSE t.typelem END)
                                 AND (CASE WHEN t.typtype = 'd' THEN bt.typcategory ELSE t.typcategory END) = 'A'
            WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""";

    private static final String KEY = """
            SELECT a.attname
            FROM pg_index i
            JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = ?::regclass AND i.indisprimary
            ORDER BY k.n""";

    private static final String SIZE = """
            SELECT greatest(c.reltuples, 0)::bigint,
                   pg_relation_size(c.oid) / current_setting('block_size')::bigint
            FROM pg_class c WHERE c.oid = ?::regclass""";

    private Catalog() {
    }

    static TableSchema read(Connection c, TableId table) throws SQLException {
        String regclass = quote(table.schema()) + "." + quote(table.table());
        List<String> columns = new ArrayList<>();
        List<ColumnType> types = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    types.add(new ColumnType(rs.getString(3), rs.getString(4), rs.getString(2), rs.getBoolean(5)));
                }
            }
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(KEY)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(SIZE)) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new TableSchema(table, columns, types, key, rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /** A PostgreSQL identifier in double quotes, embedded quotes doubled. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
