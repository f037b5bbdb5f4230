package io.tidelog.sink.duckdb;

import io.tidelog.sink.NameTemplate;
import java.nio.file.Path;

/**
 * Where the DuckDB sink writes. A null {@code schema}, {@code tableTemplate} or {@code historySuffix}
 * takes its default, so a binder may leave them unset.
 *
 * @param path          the database file; its parent directories are created when the sink opens
 * @param schema        the DuckDB schema the tables go to (created if missing), default {@code main}
 * @param tableTemplate the current-state table's name per source table; {@code {schema}} and
 *                      {@code {table}} are the source's, e.g. {@code public_orders} for the default
 *                      {@code {schema}_{table}}; {@code {pk}} is refused (one table per source table)
 * @param historySuffix appended to the current-state table's name to name the history table, default
 *                      {@code _history}
 */
public record DuckDbSinkSettings(Path path, String schema, NameTemplate tableTemplate, String historySuffix) {

    public static final String DEFAULT_SCHEMA = "main";
    public static final NameTemplate DEFAULT_TABLE_TEMPLATE = NameTemplate.parse("{schema}_{table}");
    public static final String DEFAULT_HISTORY_SUFFIX = "_history";

    /** Appended to the current-state table's name to name the analysts' view of live rows. */
    public static final String LIVE_SUFFIX = "_live";

    public DuckDbSinkSettings {
        if (path == null) {
            throw new IllegalArgumentException("duckdb sink setting 'path' must be set (the database file)");
        }
        schema = schema == null ? DEFAULT_SCHEMA : schema;
        if (schema.isBlank()) {
            throw new IllegalArgumentException("duckdb sink setting 'schema' must not be blank");
        }
        tableTemplate = tableTemplate == null ? DEFAULT_TABLE_TEMPLATE : tableTemplate;
        if (tableTemplate.usesKey()) {
            throw new IllegalArgumentException("duckdb sink setting 'table-template' ('" + tableTemplate
                    + "') must not use {pk}: the sink keeps one table per source table");
        }
        historySuffix = historySuffix == null ? DEFAULT_HISTORY_SUFFIX : historySuffix;
        if (historySuffix.isBlank() || historySuffix.equals(LIVE_SUFFIX)) {
            throw new IllegalArgumentException("duckdb sink setting 'history-suffix' ('" + historySuffix
                    + "') must be non-blank and differ from " + LIVE_SUFFIX);
        }
    }

    /** The database at {@code path}, everything else default. */
    public static DuckDbSinkSettings defaults(Path path) {
        return new DuckDbSinkSettings(path, null, null, null);
    }
}
