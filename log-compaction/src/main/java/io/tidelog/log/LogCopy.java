package io.tidelog.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Copies one log into another — the embedded log into Kafka when a deployment moves — so that the
 * destination can take over where the source stopped: capture resumes from the copied source position
 * without a new snapshot, and every consumer group continues from the copied equivalent of its offset.
 *
 * <h2>What is copied</h2>
 * Every topic ({@link ChangeLog#topics()}: table topics and Tidelog's internal ones) with its
 * configuration, partition by partition, each record with its key, value, headers and timestamp, in
 * offset order. Records compaction already removed are not there to copy; the destination is the
 * compacted view plus the dirty tail, which is all a consumer from offset 0 could see anyway.
 * Offsets are not kept (the destination numbers from 0 without gaps), so each named group's committed
 * offset {@code c} becomes the destination offset of the first copied record at or after {@code c}, or
 * the destination's end when none is.
 *
 * <h2>Preconditions</h2>
 * Both logs are not written meanwhile (stop the service first). Every destination topic is new or
 * empty, with the source's partition count; anything else is refused before a record is copied.
 *
 * <p>A failed copy leaves a partly written destination: delete its topics and copy again.
 */
public final class LogCopy {

    private static final int BATCH_RECORDS = 2_000;
    private static final int BATCH_BYTES = 4 << 20;

    private final ChangeLog from;
    private final ChangeLog to;

    public LogCopy(ChangeLog from, ChangeLog to) {
        this.from = from;
        this.to = to;
    }

    /**
     * What a copy did.
     *
     * @param records topic → records copied
     * @param groups  group → the destination offsets committed for it
     */
    public record Result(Map<String, Long> records, Map<String, Map<TopicPartition, Long>> groups) {

        public long totalRecords() {
            return records.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Copies every topic, then commits the translated offsets of {@code groups} (groups with no committed
     * offset are skipped).
     *
     * @throws IllegalStateException when a destination topic is not empty or has another partition count
     * @throws ChangeLogException    when an append or commit fails
     */
    public Result copy(Collection<String> groups) throws InterruptedException {
        List<String> topics = new ArrayList<>(from.topics());
        for (String topic : topics) {
            check(topic);
        }
        Map<String, Long> copied = new TreeMap<>();
        Map<TopicPartition, long[]> offsetMaps = new LinkedHashMap<>();
        for (String topic : topics) {
            TopicConfig config = from.topicConfig(topic);
            to.createTopic(topic, config);
            long n = 0;
            for (int p = 0; p < config.partitions(); p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                long[] sourceOffsets = copyPartition(tp);
                offsetMaps.put(tp, sourceOffsets);
                n += sourceOffsets.length;
            }
            copied.put(topic, n);
        }
        Map<String, Map<TopicPartition, Long>> committed = new TreeMap<>();
        for (String group : groups) {
            Map<TopicPartition, Long> translated = new LinkedHashMap<>();
            from.committedOffsets(group).forEach((tp, offset) -> {
                long[] sourceOffsets = offsetMaps.get(tp);
                if (sourceOffsets != null) {
                    translated.put(tp, translate(sourceOffsets, offset));
                }
            });
            if (!translated.isEmpty()) {
                await(to.commitOffsets(group, translated), "committing the offsets of group " + group);
                committed.put(group, translated);
            }
        }
        return new Result(copied, committed);
    }

    private void check(String topic) {
        TopicConfig config = from.topicConfig(topic);
        if (!to.topics().contains(topic)) {
            return;
        }
        TopicConfig existing = to.topicConfig(topic);
        if (existing.partitions() != config.partitions()) {
            throw new IllegalStateException("cannot copy " + topic + ": the destination has " + existing.partitions()
                    + " partitions, the source " + config.partitions());
        }
        for (int p = 0; p < existing.partitions(); p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            if (to.endOffset(tp) > 0) {
                throw new IllegalStateException("cannot copy " + topic + ": the destination's " + tp
                        + " is not empty (end offset " + to.endOffset(tp) + "); delete the topic and copy again");
            }
        }
    }

    /** Copies one partition; returns the source offset of each copied record, by destination offset. */
    private long[] copyPartition(TopicPartition tp) throws InterruptedException {
        long next = from.logStartOffset(tp);
        long end = from.endOffset(tp);
        long[] sourceOffsets = new long[16];
        int count = 0;
        while (next < end) {
            ReadResult read = from.read(tp, next, BATCH_RECORDS, BATCH_BYTES);
            if (read.isEmpty()) {
                break;
            }
            List<Record> batch = new ArrayList<>(read.records().size());
            for (LogRecord r : read.records()) {
                batch.add(new Record(r.key(), r.value(), r.headers(), r.timestamp()));
                if (count == sourceOffsets.length) {
                    sourceOffsets = Arrays.copyOf(sourceOffsets, count * 2);
                }
                sourceOffsets[count++] = r.offset();
            }
            await(to.append(tp, batch), "appending to " + tp);
            next = read.nextOffset();
        }
        return Arrays.copyOf(sourceOffsets, count);
    }

    /** The destination offset of the first copied record at or after {@code sourceOffset}. */
    static long translate(long[] sourceOffsets, long sourceOffset) {
        int i = Arrays.binarySearch(sourceOffsets, sourceOffset);
        return i >= 0 ? i : -i - 1;
    }

    private static <T> T await(CompletableFuture<T> future, String what) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ChangeLogException c) {
                throw c;
            }
            throw new ChangeLogException("copy failed while " + what + ": " + cause, cause);
        }
    }
}
