package io.tidelog.capture;

import io.tidelog.event.TableId;

/**
 * An unchanged TOASTed column could be filled neither from the log nor by re-selecting the row, so
 * the event cannot be written without Debezium's placeholder. Capture stops rather than write it:
 * nothing of the batch is acknowledged, and the same change is delivered again on restart.
 */
public final class UnavailableValueException extends RuntimeException {

    private final TableId table;
    private final String key;
    private final String column;

    /**
     * @param key the row's key as the log's key JSON, e.g. {@code {"id":42}}
     * @param reason why neither source had the value
     */
    public UnavailableValueException(TableId table, String key, String column, String reason) {
        super("Cannot fill the unchanged TOASTed column " + table + "." + column + " of the row " + key + ": " + reason
                + "; refusing to write Debezium's placeholder into the log. Set REPLICA IDENTITY FULL on " + table
                + " to have PostgreSQL send every value.");
        this.table = table;
        this.key = key;
        this.column = column;
    }

    public TableId table() {
        return table;
    }

    /** The row's key as the log's key JSON. */
    public String key() {
        return key;
    }

    public String column() {
        return column;
    }
}
