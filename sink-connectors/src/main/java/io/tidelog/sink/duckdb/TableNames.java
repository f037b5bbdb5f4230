package io.tidelog.sink.duckdb;

import io.tidelog.event.TableId;

/**
 * The DuckDB objects that hold one source table.
 *
 * @param schema  the DuckDB schema
 * @param current the current-state table
 * @param history the append-only history table
 * @param live    the view of the current state without deleted rows
 */
record TableNames(String schema, String current, String history, String live) {

    static TableNames of(DuckDbSinkSettings settings, TableId source) {
        String current = settings.tableTemplate().render(source.schema(), source.table(), null);
        return new TableNames(settings.schema(), current, current + settings.historySuffix(),
                current + DuckDbSinkSettings.LIVE_SUFFIX);
    }

    String currentSql() {
        return Sql.qualified(schema, current);
    }

    String historySql() {
        return Sql.qualified(schema, history);
    }

    String liveSql() {
        return Sql.qualified(schema, live);
    }
}
