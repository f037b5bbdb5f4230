package io.tidelog.snapshot;

import io.tidelog.event.TableId;
import java.util.List;

/**
 * What the snapshot needs to know of a table, read from the catalog inside the snapshot.
 *
 * @param table the table
 * @param columns column names in table order (dropped columns excluded)
 * @param types the column types, parallel to {@code columns}
 * @param keyColumns primary-key columns in key order; empty for a table without one
 * @param estimatedRows the planner's row estimate ({@code pg_class.reltuples}), 0 when never analysed
 * @param pages heap pages at snapshot time, from the relation's size
 */
public record TableSchema(TableId table, List<String> columns, List<ColumnType> types, List<String> keyColumns,
                          long estimatedRows, long pages) {

    public TableSchema {
        columns = List.copyOf(columns);
        types = List.copyOf(types);
        keyColumns = List.copyOf(keyColumns);
        if (columns.size() != types.size()) {
            throw new IllegalArgumentException("columns and types differ in length for " + table);
        }
    }

    /** Columns whose type Tidelog keeps as the type's text form only, as {@code table.column (type)}. */
    public List<String> textFallbackColumns() {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnType t = types.get(i);
            String base = t.isArray() ? t.elementTypeName() : t.typeName();
            if (!PgText.supported(base) && !t.isEnum()) {
                out.add(table + "." + columns.get(i) + " (" + t.declared() + ")");
            }
        }
        return out;
    }
}
