package io.tidelog.log;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One member of a consumer group, shaped like Kafka's {@code KafkaConsumer}. It reads its assigned
 * partitions from its positions and commits positions as the group's offsets.
 *
 * <p>Position on assignment: the committed offset; without one, or when the committed offset is below
 * the log start (retention overtook the group), the group's {@link OffsetResetPolicy} decides, and
 * every reset is reported to {@link LogListener#onOffsetReset}.
 *
 * <p><b>Not thread-safe</b>: one thread per consumer, like Kafka's consumer. Group membership is
 * static (no rebalancing): members of one group must be assigned disjoint partitions.
 */
public interface GroupConsumer extends AutoCloseable {

    String groupId();

    /** Assigns every partition of the topics. */
    void subscribe(Collection<String> topics);

    void assign(Collection<TopicPartition> partitions);

    /**
     * Returns available records from the assigned partitions, waiting up to {@code timeout} (without
     * spinning) when none is available. Advances positions past the returned records.
     *
     * @throws OffsetOutOfRangeException under {@link OffsetResetPolicy#FAIL} when a position fell
     *                                   below the log start
     */
    List<LogRecord> poll(Duration timeout) throws InterruptedException;

    long position(TopicPartition partition);

    void seek(TopicPartition partition, long offset);

    void seekToBeginning(Collection<TopicPartition> partitions);

    void seekToEnd(Collection<TopicPartition> partitions);

    /** Seeks to the first offset with a timestamp {@code >= timestamp}, or to the end if none. */
    void seekToTimestamp(Collection<TopicPartition> partitions, long timestamp);

    /** Commits current positions durably (returns once durable). */
    void commitSync();

    void commitSync(Map<TopicPartition, Long> offsets);

    /** Lag of this consumer's committed offsets on its assigned partitions. */
    List<PartitionLag> lag();

    @Override
    void close();
}
