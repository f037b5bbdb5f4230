package io.tidelog.e2e;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.TopicPartition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What capture wrote for {@code counters(id, v)}, read back through the public log API: every record
 * of the table topic in log order, decoded, and the table's snapshot markers.
 *
 * @param records every record of every partition, partition by partition, in offset order
 * @param markers the table's snapshot markers in the order written ({@code _tidelog.snapshots})
 */
record CapturedCounters(List<Entry> records, List<JsonNode> markers) {

    static final String POSITION_HEADER = "tidelog.position";
    private static final String MARKERS_TOPIC = "_tidelog.snapshots";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * One record of the table topic.
     *
     * @param op {@code c}, {@code u}, {@code d}, {@code r}, or null for a tombstone
     * @param v {@code after.v}, or null for a delete or a tombstone
     * @param lsn {@code source.lsn} (a tombstone: -1)
     * @param commitLsn {@code source.commit_lsn} (a tombstone: -1)
     * @param snapshot {@code source.snapshot}
     * @param header the {@code tidelog.position} header's {@code {commitLsn, lsn}} (a txId follows in it), or null when missing
     */
    record Entry(int partition, long offset, int id, String op, Integer v, long lsn, long commitLsn, boolean snapshot,
                 long[] header) {

        boolean tombstone() {
            return op == null;
        }

        boolean streamed() {
            return op != null && !snapshot;
        }

        @Override
        public String toString() {
            String pos = header == null ? "no-header" : header[0] + "/" + header[1];
            return "p" + partition + "@" + offset + " " + (op == null ? "tombstone" : op + " v=" + v
                    + " lsn=" + lsn + " commit_lsn=" + commitLsn + (snapshot ? " snapshot" : "")) + " [" + pos + "]";
        }
    }

    static CapturedCounters read(ChangeLog log, String topic, String table) {
        List<Entry> records = new ArrayList<>();
        for (int p = 0; p < log.topicConfig(topic).partitions(); p++) {
            for (LogRecord rec : LogReading.all(log, new TopicPartition(topic, p))) {
                records.add(entry(p, rec));
            }
        }
        List<JsonNode> markers = new ArrayList<>();
        if (log.topics().contains(MARKERS_TOPIC)) {
            for (LogRecord rec : LogReading.all(log, new TopicPartition(MARKERS_TOPIC, 0))) {
                if (table.equals(new String(rec.key(), StandardCharsets.UTF_8)) && rec.value() != null) {
                    markers.add(JSON.readTree(rec.value()));
                }
            }
        }
        return new CapturedCounters(List.copyOf(records), List.copyOf(markers));
    }

    /** Each id's records in log order (one partition holds all of an id's records). */
    Map<Integer, List<Entry>> byId() {
        Map<Integer, List<Entry>> byId = new LinkedHashMap<>();
        records.forEach(e -> byId.computeIfAbsent(e.id(), x -> new ArrayList<>()).add(e));
        return byId;
    }

    /** The compacted view: each id's latest value, ids whose latest record is a tombstone left out. */
    Map<Integer, Integer> compacted() {
        Map<Integer, Integer> view = new LinkedHashMap<>();
        for (Entry e : records) {
            if (e.tombstone() || e.v() == null) {
                view.remove(e.id());
            } else {
                view.put(e.id(), e.v());
            }
        }
        return view;
    }

    private static Entry entry(int partition, LogRecord rec) {
        int id = JSON.readTree(rec.key()).path("id").asInt();
        long[] header = position(rec);
        if (rec.value() == null) {
            return new Entry(partition, rec.offset(), id, null, null, -1, -1, false, header);
        }
        JsonNode event = JSON.readTree(rec.value());
        JsonNode after = event.path("after");
        JsonNode source = event.path("source");
        return new Entry(partition, rec.offset(), id, event.path("op").asString(),
                after.isNull() ? null : after.path("v").asInt(), source.path("lsn").asLong(),
                source.path("commit_lsn").asLong(), source.path("snapshot").asBoolean(), header);
    }

    private static long[] position(LogRecord rec) {
        for (Header h : rec.headers()) {
            if (POSITION_HEADER.equals(h.key()) && h.value() != null && h.value().length >= 16) {
                ByteBuffer b = ByteBuffer.wrap(h.value());
                return new long[] {b.getLong(), b.getLong()};
            }
        }
        return null;
    }
}
