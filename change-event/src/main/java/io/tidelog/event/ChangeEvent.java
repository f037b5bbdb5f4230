package io.tidelog.event;

import java.util.List;
import java.util.Objects;

/**
 * One committed row change (or one snapshot read) of a captured table.
 *
 * <p>Invariants: {@code after} is null exactly for {@link Op#DELETE}; {@code before} is null for
 * {@link Op#CREATE} and {@link Op#READ}, and for {@link Op#UPDATE} when the table's replica
 * identity carries no old row; {@code key} holds the values of {@code keyColumns}, in that order,
 * and is empty only for a table captured through {@code REPLICA IDENTITY FULL} without a primary key.
 *
 * @param table the captured table
 * @param op what happened
 * @param keyColumns the primary-key column names, in key order
 * @param key the primary-key values of the changed row
 * @param before the row before the change, or null
 * @param after the row after the change, or null
 * @param position where the change sits in the source's history
 */
public record ChangeEvent(
        TableId table,
        Op op,
        List<String> keyColumns,
        Row key,
        Row before,
        Row after,
        SourcePosition position) {

    public ChangeEvent {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(position, "position");
        keyColumns = List.copyOf(keyColumns);
        key = key == null ? Row.empty() : key;
        if ((op == Op.DELETE) != (after == null)) {
            throw new IllegalArgumentException(op + " event on " + table + ": 'after' must be "
                    + (op == Op.DELETE ? "absent" : "present"));
        }
        if ((op == Op.CREATE || op == Op.READ) && before != null) {
            throw new IllegalArgumentException(op + " event on " + table + ": 'before' must be absent");
        }
        if (!sameNames(key, keyColumns)) {
            throw new IllegalArgumentException("event on " + table + ": key " + key.names()
                    + " does not match key columns " + keyColumns);
        }
    }

    private static boolean sameNames(Row key, List<String> keyColumns) {
        if (key.size() != keyColumns.size()) {
            return false;
        }
        for (String column : keyColumns) {
            if (!key.has(column)) {
                return false;
            }
        }
        return true;
    }

    /** The row as it is after this event, or before it for a delete. */
    public Row latest() {
        return after != null ? after : before;
    }
}
