package io.tidelog.e2e;

import io.tidelog.event.PositionBytes;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.TopicPartition;
import io.tidelog.sink.ChangeVersion;
import io.tidelog.sink.runner.DeadLetters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * What the sinks read, taken from the embedded log of a stopped service through its public API: each
 * row's latest record with its version (as a sink derives it), the dead-letter topics, and the sink
 * groups' offsets, which the test moves back to replay a sink.
 *
 * @param latest table name → key → the key's latest record (a table topic holds all of a key's records
 *               in one partition, in order)
 * @param records how many records the table topics hold (compacted-away offsets not counted)
 */
record LoggedChanges(Map<String, Map<String, Latest>> latest, long records) {

    /**
     * A key's latest record.
     *
     * @param version the highest version among the key's records, {@code major/minor} as
     *                {@link ChangeVersion} derives it from the position header (null when none has one): what
     *                a version-guarded sink keeps. Usually the latest record's; a read of an ad-hoc
     *                (Debezium incremental) snapshot can follow a change of its row with a lower version,
     *                as it ranks below the transaction being streamed when it was emitted (RecordMapper),
     *                and then the sink rightly keeps the change's version
     * @param after   the row, or null when the latest record is a delete or its tombstone
     */
    record Latest(String version, JsonNode after) {

        boolean deleted() {
            return after == null;
        }
    }

    /** A record of a dead-letter topic, with where it came from and why it was rejected. */
    record DeadLetter(String topic, String key, String reason, JsonNode after) {
    }

    /**
     * @param topics table name → its log topic
     */
    static LoggedChanges read(ChangeLog log, Map<String, String> topics) {
        Map<String, Map<String, Latest>> latest = new TreeMap<>();
        long records = 0;
        for (Map.Entry<String, String> t : topics.entrySet()) {
            Map<String, Latest> rows = new HashMap<>();
            Map<String, ChangeVersion> highest = new HashMap<>();
            for (TopicPartition tp : LogReading.partitions(log, t.getValue())) {
                for (LogRecord r : LogReading.all(log, tp)) {
                    records++;
                    String key = Rows.keyOf(Rows.JSON.readTree(r.key()));
                    JsonNode after = r.value() == null ? null : Rows.JSON.readTree(r.value()).get("after");
                    ChangeVersion v = version(r);
                    ChangeVersion top = v == null ? highest.get(key) : highest.merge(key, v,
                            (a, b) -> a.compareTo(b) >= 0 ? a : b);
                    rows.put(key, new Latest(top == null ? null : top.toString(),
                            after == null || after.isNull() ? null : after));
                }
            }
            latest.put(t.getKey(), rows);
        }
        return new LoggedChanges(latest, records);
    }

    /** The live rows of the log's compacted view: each key's latest row, deleted keys left out. */
    Rows liveRows() {
        Map<String, Map<String, JsonNode>> out = new TreeMap<>();
        latest.forEach((table, rows) -> {
            Map<String, JsonNode> live = new TreeMap<>();
            rows.forEach((k, l) -> {
                if (!l.deleted()) {
                    live.put(k, l.after());
                }
            });
            out.put(table, live);
        });
        return new Rows(out);
    }

    /** Commits the log start offset of every partition of {@code topics} for each group: a replay from the beginning. */
    static Map<TopicPartition, Long> rewind(ChangeLog log, List<String> groups, Iterable<String> topics) throws Exception {
        Map<TopicPartition, Long> start = new LinkedHashMap<>();
        for (String topic : topics) {
            for (TopicPartition tp : LogReading.partitions(log, topic)) {
                start.put(tp, log.logStartOffset(tp));
            }
        }
        for (String group : groups) {
            log.commitOffsets(group, start).get();
        }
        return start;
    }

    /** The dead letters of a sink in the order rejected; empty when it never rejected one. */
    static List<DeadLetter> deadLetters(ChangeLog log, String sink) {
        String topic = DeadLetters.topicFor(sink);
        List<DeadLetter> out = new ArrayList<>();
        if (!log.topics().contains(topic)) {
            return out;
        }
        for (LogRecord r : LogReading.all(log, new TopicPartition(topic, 0))) {
            JsonNode after = r.value() == null ? null : Rows.JSON.readTree(r.value()).get("after");
            out.add(new DeadLetter(DeadLetters.header(r, DeadLetters.TOPIC), Rows.keyOf(Rows.JSON.readTree(r.key())),
                    DeadLetters.header(r, DeadLetters.REASON), after));
        }
        return out;
    }

    private static ChangeVersion version(LogRecord r) {
        for (Header h : r.headers()) {
            if (PositionBytes.HEADER.equals(h.key())) {
                long[] p = PositionBytes.decode(h.value());
                return p == null ? null : ChangeVersion.of(p[0], p[1]);
            }
        }
        return null;
    }
}
