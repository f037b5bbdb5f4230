package io.tidelog.capture;

/** The reasons {@link SourcePreflight} refuses a source, one per fix a user has to make. */
public enum SourceProblem {
    /** {@code tidelog.source.url} is not set. */
    URL_MISSING,
    /** {@code tidelog.source.url} is not a PostgreSQL JDBC URL. */
    URL_MALFORMED,
    /** {@code tidelog.source.tables} is empty or holds a name that is not {@code schema.table}. */
    TABLES_INVALID,
    /** Nothing accepts connections at host:port. */
    UNREACHABLE,
    /** The server rejected the user or password. */
    AUTHENTICATION_FAILED,
    /** The configured database does not exist. */
    DATABASE_MISSING,
    /** {@code wal_level} is not {@code logical}. */
    WAL_LEVEL,
    /** The user has neither REPLICATION nor superuser. */
    NO_REPLICATION_PRIVILEGE,
    /** A configured table does not exist. */
    TABLE_MISSING,
    /** A configured table has no primary key and no {@code REPLICA IDENTITY FULL}. */
    NO_ROW_IDENTITY,
    /** The slot is in use by another connection. */
    SLOT_IN_USE,
    /** The slot does not exist and no replication slot is free. */
    NO_FREE_SLOT
}
