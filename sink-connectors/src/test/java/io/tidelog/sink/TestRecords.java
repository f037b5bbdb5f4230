package io.tidelog.sink;

import io.tidelog.event.Op;
import io.tidelog.event.TableId;
import io.tidelog.log.TopicPartition;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Builds {@link SinkRecord}s for sink tests: rows as JSON text, versions as numbers. */
public final class TestRecords {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicLong OFFSETS = new AtomicLong();

    private TestRecords() {
    }

    /** An upsert ({@code op} c, u or r) of {@code rowJson} with key {@code keyJson} at version {@code major/minor}. */
    public static SinkRecord upsert(TableId table, String keyJson, String rowJson, Op op, long major, long minor) {
        ObjectNode after = (ObjectNode) JSON.readTree(rowJson);
        return new SinkRecord(new TopicPartition("t." + table, 0), OFFSETS.getAndIncrement(), table, keyJson,
                (ObjectNode) JSON.readTree(keyJson), op, false, after, new ChangeVersion(major, minor),
                1_700_000_000_000L + major, keyJson.length() + rowJson.length());
    }

    public static SinkRecord upsert(TableId table, String keyJson, String rowJson, long major) {
        return upsert(table, keyJson, rowJson, Op.UPDATE, major, major);
    }

    /** A delete event of the row at version {@code major/minor}. */
    public static SinkRecord delete(TableId table, String keyJson, long major, long minor) {
        return new SinkRecord(new TopicPartition("t." + table, 0), OFFSETS.getAndIncrement(), table, keyJson,
                (ObjectNode) JSON.readTree(keyJson), Op.DELETE, false, null, new ChangeVersion(major, minor),
                1_700_000_000_000L + major, keyJson.length());
    }

    /** The tombstone after a delete: same version, no envelope. */
    public static SinkRecord tombstone(TableId table, String keyJson, long major, long minor) {
        return new SinkRecord(new TopicPartition("t." + table, 0), OFFSETS.getAndIncrement(), table, keyJson,
                (ObjectNode) JSON.readTree(keyJson), Op.DELETE, true, null, new ChangeVersion(major, minor),
                1_700_000_000_000L + major, keyJson.length());
    }
}
