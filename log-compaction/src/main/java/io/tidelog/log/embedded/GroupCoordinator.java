package io.tidelog.log.embedded;

import io.tidelog.log.LogRecord;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.ReadResult;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Committed offsets of consumer groups, stored in the log's own compacted topic
 * {@value #OFFSETS_TOPIC} (as Kafka does), cached in memory and reloaded on open.
 *
 * <pre>
 * key   = GroupLength int16, Group utf-8, TopicLength int16, Topic utf-8, Partition int32
 * value = Offset int64, CommitTimestamp int64
 * </pre>
 *
 * <p>Thread-safety: the cache is concurrent; the cache is updated only after the commit is durable.
 */
final class GroupCoordinator {
    static final String OFFSETS_TOPIC = "__consumer_offsets";
    private static final TopicConfig OFFSETS_CONFIG = TopicConfig.compacted(1)
            .withSegment(16 * 1024 * 1024, Duration.ofDays(1))
            .withMaxRecordBytes(64 * 1024);

    private record GroupPartition(String group, TopicPartition partition) {
    }

    private final EmbeddedChangeLog log;
    private final Clock clock;
    private final Map<GroupPartition, Long> committed = new ConcurrentHashMap<>();
    private final TopicPartition offsetsPartition = new TopicPartition(OFFSETS_TOPIC, 0);

    GroupCoordinator(EmbeddedChangeLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** Creates the offsets topic if needed and replays it into the cache. */
    void load() {
        log.createTopicInternal(OFFSETS_TOPIC, OFFSETS_CONFIG);
        long next = log.logStartOffset(offsetsPartition);
        long end = log.endOffset(offsetsPartition);
        while (next < end) {
            ReadResult r = log.read(offsetsPartition, next, 10_000, 4 * 1024 * 1024);
            for (LogRecord rec : r.records()) {
                GroupPartition key = decodeKey(rec.key());
                if (rec.value() == null) {
                    committed.remove(key);
                } else {
                    committed.put(key, ByteBuffer.wrap(rec.value()).getLong());
                }
            }
            next = r.nextOffset();
        }
    }

    CompletableFuture<Void> commit(String group, Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<Record> records = new ArrayList<>(offsets.size());
        long now = clock.millis();
        for (var e : offsets.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("negative offset for " + e.getKey());
            }
            byte[] value = ByteBuffer.allocate(16).putLong(e.getValue()).putLong(now).array();
            records.add(Record.of(encodeKey(group, e.getKey()), value, now));
        }
        Map<TopicPartition, Long> copy = new HashMap<>(offsets);
        return log.append(offsetsPartition, records).thenAccept(ack ->
                copy.forEach((tp, offset) -> committed.put(new GroupPartition(group, tp), offset)));
    }

    Map<TopicPartition, Long> committed(String group) {
        Map<TopicPartition, Long> out = new HashMap<>();
        committed.forEach((k, v) -> {
            if (k.group().equals(group)) {
                out.put(k.partition(), v);
            }
        });
        return out;
    }

    long committed(String group, TopicPartition tp) {
        return committed.getOrDefault(new GroupPartition(group, tp), -1L);
    }

    /** Lag of a committed offset ({@code -1} = none) on one partition, in offsets and in time. */
    PartitionLag lag(TopicPartition tp, long committedOffset) {
        long start = log.logStartOffset(tp);
        long end = log.endOffset(tp);
        long from = Math.max(committedOffset, start);
        Duration timeLag = Duration.ZERO;
        if (from < end) {
            ReadResult r = log.read(tp, from, 1, 1);
            if (!r.isEmpty()) {
                timeLag = Duration.ofMillis(Math.max(0, clock.millis() - r.records().get(0).timestamp()));
            }
        }
        return new PartitionLag(tp, committedOffset, start, end, Math.max(0, end - from), timeLag);
    }

    private static byte[] encodeKey(String group, TopicPartition tp) {
        byte[] g = group.getBytes(StandardCharsets.UTF_8);
        byte[] t = tp.topic().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + g.length + 2 + t.length + 4)
                .putShort((short) g.length).put(g).putShort((short) t.length).put(t).putInt(tp.partition()).array();
    }

    private static GroupPartition decodeKey(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        byte[] g = new byte[b.getShort()];
        b.get(g);
        byte[] t = new byte[b.getShort()];
        b.get(t);
        return new GroupPartition(new String(g, StandardCharsets.UTF_8),
                new TopicPartition(new String(t, StandardCharsets.UTF_8), b.getInt()));
    }
}
