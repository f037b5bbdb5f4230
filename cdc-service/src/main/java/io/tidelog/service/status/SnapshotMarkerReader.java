package io.tidelog.service.status;

import io.tidelog.capture.TopicNaming;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The latest snapshot marker of each table (see {@code io.tidelog.capture.SnapshotMarkers} for the
 * format), read incrementally from {@link TopicNaming#SNAPSHOTS}: each call reads only what was
 * appended since the last. Thread-safe.
 */
final class SnapshotMarkerReader {

    private static final TopicPartition PARTITION = new TopicPartition(TopicNaming.SNAPSHOTS, 0);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChangeLog log;
    private final Map<String, JsonNode> latest = new HashMap<>();
    private long next;

    SnapshotMarkerReader(ChangeLog log) {
        this.log = log;
    }

    /** The latest marker per table ({@code schema.table}); a copy. */
    synchronized Map<String, JsonNode> latest() {
        if (!log.topics().contains(TopicNaming.SNAPSHOTS)) {
            return Map.of();
        }
        long end = log.endOffset(PARTITION);
        while (next < end) {
            ReadResult r;
            try {
                r = log.read(PARTITION, next, 500, 1 << 20);
            } catch (OffsetOutOfRangeException e) {
                latest.clear();
                next = log.logStartOffset(PARTITION);
                continue;
            }
            for (LogRecord rec : r.records()) {
                apply(rec);
            }
            if (r.nextOffset() <= next) {
                break;
            }
            next = r.nextOffset();
        }
        return Map.copyOf(latest);
    }

    private void apply(LogRecord rec) {
        if (rec.key() == null) {
            return;
        }
        String table = new String(rec.key(), StandardCharsets.UTF_8);
        if (rec.value() == null) {
            latest.remove(table);
            return;
        }
        try {
            latest.put(table, JSON.readTree(rec.value()));
        } catch (JacksonException e) {
            // Not a marker: capture writes only JSON here; skip rather than fail the status.
        }
    }
}
