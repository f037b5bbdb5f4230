package io.tidelog.sink.duckdb;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The row columns of one source table as its DuckDB tables hold them. Immutable: a batch that changes
 * the layout makes a new one, kept only once the batch's transaction commits.
 *
 * @param names      where the table's data lives
 * @param keyColumns the source's primary-key columns, in key order: the current-state table's primary key
 * @param columns    every row column (key columns first) and its type, in table order
 */
record TableLayout(TableNames names, List<String> keyColumns, Map<String, ColumnType> columns) {

    TableLayout {
        keyColumns = List.copyOf(keyColumns);
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** The columns that are not part of the key, in table order. */
    List<String> valueColumns() {
        return columns.keySet().stream().filter(c -> !keyColumns.contains(c)).toList();
    }
}
