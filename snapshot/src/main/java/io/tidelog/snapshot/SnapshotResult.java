package io.tidelog.snapshot;

import io.tidelog.event.TableId;
import java.time.Duration;
import java.util.Map;

/**
 * A completed aligned snapshot.
 *
 * @param consistentPoint LSN of the slot's consistent point: the snapshot shows the database as of
 *     it, and streaming from the slot delivers exactly the transactions committed after it
 * @param snapshotName the exported snapshot's name (no longer importable once the run returned)
 * @param rows rows read per table
 * @param duration wall time of the whole run
 */
public record SnapshotResult(long consistentPoint, String snapshotName, Map<TableId, Long> rows, Duration duration) {

    public SnapshotResult {
        rows = Map.copyOf(rows);
    }

    public long totalRows() {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }
}
