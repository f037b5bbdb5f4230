package io.tidelog.sink.duckdb;

import java.util.Collection;
import java.util.StringJoiner;

/** SQL text helpers and the names of the sink's own columns. Identifiers come from the source: always quoted. */
final class Sql {

    /** Every column the sink adds starts with this; a source column that does is refused. */
    static final String RESERVED_PREFIX = "_tidelog_";
    static final String VERSION_MAJOR = "_tidelog_version_major";
    static final String VERSION_MINOR = "_tidelog_version_minor";
    static final String DELETED = "_tidelog_deleted";
    static final String COMMIT_TIME = "_tidelog_commit_time";
    static final String OP = "_tidelog_op";
    /** Staging only: the record's position in the batch. */
    static final String SEQ = "_tidelog_seq";

    private Sql() {
    }

    /** {@code "name"}, with {@code "} doubled. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    /** The quoted columns separated by commas, each as {@code prefix."column"} when a prefix is given. */
    static String columns(Collection<String> columns, String prefix) {
        StringJoiner out = new StringJoiner(", ");
        for (String column : columns) {
            out.add(prefix == null ? quote(column) : prefix + "." + quote(column));
        }
        return out.toString();
    }

    /** The SQL literal for {@code text}. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
