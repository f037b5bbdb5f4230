package io.tidelog.capture;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;

/**
 * A notification Debezium emits about a snapshot it runs on a signal: it arrives in the record
 * stream (Debezium's {@code sink} notification channel), in order with the snapshot's reads, so a
 * notice that a snapshot completed comes after its last read.
 *
 * @param id            the snapshot's correlation id (the signal id) for incremental snapshots; a
 *                      random id for blocking ones
 * @param aggregateType {@code Incremental Snapshot} or {@code Initial Snapshot} (blocking snapshots)
 * @param type          {@code STARTED}, {@code IN_PROGRESS}, {@code TABLE_SCAN_COMPLETED},
 *                      {@code COMPLETED}, {@code ABORTED}, {@code PAUSED}, {@code RESUMED}
 * @param data          the notification's additional data, e.g. {@code scanned_collection},
 *                      {@code total_rows_scanned}, {@code status}
 */
public record SnapshotNotice(String id, String aggregateType, String type, Map<String, String> data) {

    /** Schema name of Debezium's notification records. */
    static final String SCHEMA = "io.debezium.connector.common.Notification";

    static final String INCREMENTAL = "Incremental Snapshot";

    /** The notice in a record value, or null when the value is not a notification. */
    static SnapshotNotice of(Object value) {
        if (!(value instanceof Struct s) || !SCHEMA.equals(s.schema().name())) {
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>();
        Map<?, ?> raw = s.getMap("additional_data");
        if (raw != null) {
            raw.forEach((k, v) -> {
                if (v != null) {
                    data.put(String.valueOf(k), String.valueOf(v));
                }
            });
        }
        return new SnapshotNotice(s.getString("id"), s.getString("aggregate_type"), s.getString("type"), Map.copyOf(data));
    }

    boolean incremental() {
        return INCREMENTAL.equals(aggregateType);
    }
}
