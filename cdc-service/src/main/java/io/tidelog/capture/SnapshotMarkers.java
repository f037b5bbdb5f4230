package io.tidelog.capture;

import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Snapshot markers in the compacted topic {@link TopicNaming#SNAPSHOTS}, keyed by table: a
 * {@code started} marker before a table's first row is written, a {@code completed} marker once all
 * its rows are durable, with the end offset of each partition of the table's topic at that moment.
 * A consumer has the complete snapshot of a table when the latest marker is {@code completed} and
 * it has read every partition up to those offsets; a {@code started} marker means a snapshot is
 * under way (or was interrupted and will be taken again).
 *
 * <pre>
 * key:   public.orders
 * value: {"snapshot":"7f3a…","state":"completed","table":"public.orders","topic":"tidelog.public.orders",
 *         "slot":"tidelog","consistent_lsn":23803720,"rows":120000,"end_offsets":{"0":60211,"1":59789},
 *         "ts_ms":1700000000000}
 * </pre>
 */
final class SnapshotMarkers {

    static final TopicPartition PARTITION = new TopicPartition(TopicNaming.SNAPSHOTS, 0);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChangeLog changeLog;
    private final Clock clock;

    SnapshotMarkers(ChangeLog changeLog, Clock clock) {
        this.changeLog = changeLog;
        this.clock = clock;
        changeLog.createTopic(TopicNaming.SNAPSHOTS, TopicConfig.compacted(1));
    }

    void started(String snapshotId, TableId table, String topic, String slot) throws InterruptedException {
        write(table, marker(snapshotId, "started", table, topic, slot));
    }

    void completed(String snapshotId, TableId table, String topic, String slot, long consistentLsn, long rows)
            throws InterruptedException {
        ObjectNode m = marker(snapshotId, "completed", table, topic, slot);
        m.put("consistent_lsn", consistentLsn);
        m.put("rows", rows);
        ObjectNode ends = m.putObject("end_offsets");
        for (int p = 0; p < changeLog.topicConfig(topic).partitions(); p++) {
            ends.put(Integer.toString(p), changeLog.endOffset(new TopicPartition(topic, p)));
        }
        write(table, m);
    }

    /** The latest marker of each table, in first-seen order. */
    Map<TableId, JsonNode> latest() {
        Map<TableId, JsonNode> latest = new LinkedHashMap<>();
        PartitionScan.all(changeLog, PARTITION, rec -> {
            TableId t = TableId.parse(new String(rec.key(), StandardCharsets.UTF_8));
            if (rec.value() == null) {
                latest.remove(t);
            } else {
                latest.put(t, JSON.readTree(rec.value()));
            }
        });
        return latest;
    }

    /** Whether the latest marker of the table says its snapshot from this slot is complete. */
    static boolean isComplete(JsonNode marker, String slot) {
        return marker != null && "completed".equals(marker.path("state").asString())
                && slot.equals(marker.path("slot").asString());
    }

    private ObjectNode marker(String snapshotId, String state, TableId table, String topic, String slot) {
        ObjectNode m = JSON.createObjectNode();
        m.put("snapshot", snapshotId);
        m.put("state", state);
        m.put("table", table.toString());
        m.put("topic", topic);
        m.put("slot", slot);
        m.put("ts_ms", clock.millis());
        return m;
    }

    private void write(TableId table, ObjectNode marker) throws InterruptedException {
        byte[] key = table.toString().getBytes(StandardCharsets.UTF_8);
        try {
            changeLog.append(PARTITION, java.util.List.of(Record.of(key, JSON.writeValueAsBytes(marker)))).get();
        } catch (ExecutionException e) {
            throw new CaptureWriteException("Could not write the snapshot marker of " + table, e.getCause());
        }
    }
}
