package io.tidelog.capture;

import io.tidelog.event.Row;
import io.tidelog.event.TableId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads rows as they are now in the source, by primary key: where capture re-selects an unchanged
 * TOASTed value that neither the event nor the log holds ({@link UnchangedValueFiller}).
 */
@FunctionalInterface
public interface RowSource {

    /**
     * The current values of {@code columns} of the rows with these keys, in one round trip per table
     * where possible.
     *
     * @param keys primary-key values, each with exactly the table's key columns
     * @return per key that still has a row, that row's requested columns (values as on {@link Row});
     *     keys without a row are absent
     * @throws CaptureWriteException when the source cannot be read
     */
    Map<Row, Row> select(TableId table, List<Row> keys, Set<String> columns);

    /** A source that knows no rows: every key is absent. */
    static RowSource none() {
        return (table, keys, columns) -> Map.of();
    }
}
