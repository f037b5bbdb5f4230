package io.tidelog.log;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One member of a consumer group, shaped like Kafka's {@code KafkaConsumer}. It reads its assigned
 * partitions from its positions and commits positions as the group's offsets.
 *
 * <p>Position on assignment: the committed offset; without one, or when the committed offset is below
 * the log start (retention overtook the group), the group's {@link OffsetResetPolicy} decides, and
 * every reset is reported to {@link LogListener#onOffsetReset}.
 *
 * <p><b>Not thread-safe</b>: one thread per consumer, like Kafka's consumer.
 *
 * <h2>Membership</h2>
 * {@link #subscribe} makes the consumer a member of its group for those topics. In the embedded log
 * membership is static: a subscriber gets every partition, for good, so members of one group there
 * must use {@link #assign} with disjoint partitions. On Kafka the group coordinator spreads the
 * partitions over the members and moves them when members come and go; before a partition leaves,
 * the {@link RebalanceListener} is told, on the consumer's thread inside {@link #poll}, so the member
 * can finish and commit what it read from it.
 */
public interface GroupConsumer extends AutoCloseable {

    String groupId();

    /** Subscribes to the topics with no rebalance listener. */
    default void subscribe(Collection<String> topics) {
        subscribe(topics, RebalanceListener.NONE);
    }

    /**
     * Joins the group for these topics: the embedded log assigns every partition at once; Kafka assigns
     * a share at the next {@link #poll} and may move partitions later, telling {@code listener}.
     */
    void subscribe(Collection<String> topics, RebalanceListener listener);

    /** The partitions assigned to this consumer now. */
    Set<TopicPartition> assignment();

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

    /**
     * Told when the group moves partitions; called on the consumer's thread from inside {@link #poll}.
     * The consumer may be used from the callbacks (commit, seek), but not polled.
     */
    interface RebalanceListener {

        /** Listens to nothing. */
        RebalanceListener NONE = new RebalanceListener() {
        };

        /**
         * These partitions are about to go to another member: records already read from them must be
         * finished and their offsets committed now, or the next owner reads them again.
         */
        default void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        /** These partitions were lost without a chance to commit (the member was expelled from the group). */
        default void onPartitionsLost(Collection<TopicPartition> partitions) {
        }

        /** These partitions are now this consumer's, positioned at the group's committed offsets. */
        default void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }
}
