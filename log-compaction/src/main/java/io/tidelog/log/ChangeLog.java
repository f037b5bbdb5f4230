package io.tidelog.log;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A durable, partitioned, optionally compacted log of change events with Kafka's semantics: topics
 * with a fixed number of partitions, per-partition offsets starting at 0 and rising by exactly one per
 * record, consumer groups with committed offsets, compaction that keeps the latest record per key.
 *
 * <p>Implemented by an embedded file-based log and, later, by Kafka itself; nothing here names files.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>An append's future completes only after all its records are durable under the configured
 *       fsync policy; a failed future means none of its records is visible to readers.</li>
 *   <li>Offsets never change. A compacted-away offset reads as the next offset that still exists.</li>
 *   <li>Order is kept per partition. Readers only see durable records (up to {@link #endOffset}).</li>
 * </ul>
 *
 * <h2>Thread-safety</h2>
 * All methods are thread-safe. Appends to one partition are serialised; for throughput give each
 * partition one appending thread. {@link GroupConsumer}s are single-threaded.
 */
public interface ChangeLog extends AutoCloseable {

    /** Creates a topic; returns false if it already exists with the same partition count. */
    boolean createTopic(String topic, TopicConfig config);

    Set<String> topics();

    /** @throws UnknownTopicOrPartitionException if the topic does not exist */
    TopicConfig topicConfig(String topic);

    /**
     * Appends records to one partition, in order, as one batch. The future completes once they are
     * durable, or exceptionally with {@link LogStorageException} (then none of them is visible);
     * invalid input throws at once ({@link RecordTooLargeException},
     * {@link UnknownTopicOrPartitionException}, {@link InvalidTopicException}).
     *
     * <p>Futures complete in offset order on the log's own thread: dependent stages must not block
     * (use the {@code *Async} variants for heavy work).
     */
    CompletableFuture<AppendResult> append(TopicPartition partition, List<Record> records);

    /** Appends one record to the partition chosen by its key (Kafka's default murmur2 partitioner). */
    default CompletableFuture<AppendResult> append(String topic, Record record) {
        return append(new TopicPartition(topic, partitionFor(topic, record.key())), List.of(record));
    }

    /** The partition Kafka's default partitioner would choose for this key. */
    default int partitionFor(String topic, byte[] key) {
        return Partitioner.partition(key, topicConfig(topic).partitions());
    }

    /**
     * Reads records with offsets {@code >= fromOffset}, at most {@code maxRecords} and about
     * {@code maxBytes} (at least one record if any is available).
     *
     * @throws OffsetOutOfRangeException if {@code fromOffset} is below the log start or above the end
     * @throws CorruptRecordException    if stored data fails its checksum
     */
    ReadResult read(TopicPartition partition, long fromOffset, int maxRecords, int maxBytes);

    /** Like {@link #read}, but waits up to {@code timeout} for records when none is available yet. */
    ReadResult poll(TopicPartition partition, long fromOffset, int maxRecords, int maxBytes, Duration timeout)
            throws InterruptedException;

    long logStartOffset(TopicPartition partition);

    /** The high watermark: one past the last durable offset. */
    long endOffset(TopicPartition partition);

    /** The first offset whose record has a timestamp {@code >= timestamp}, empty if none. */
    OptionalLong offsetForTimestamp(TopicPartition partition, long timestamp);

    /** A new consumer of the named group, subscribed to nothing yet. */
    GroupConsumer consumer(String groupId, OffsetResetPolicy resetPolicy);

    /** The group's committed offsets (durable, survive restarts). */
    Map<TopicPartition, Long> committedOffsets(String groupId);

    /** Commits offsets for a group; the future completes when they are durable. */
    CompletableFuture<Void> commitOffsets(String groupId, Map<TopicPartition, Long> offsets);

    /** Lag of a group on every partition of the given topic, for alarms before retention overtakes it. */
    List<PartitionLag> lag(String groupId, String topic);

    /** Counters since open. */
    LogMetrics metrics();

    void addListener(LogListener listener);

    /** Flushes, stops background work and closes files. Pending appends complete or fail first. */
    @Override
    void close();

    /** The default partitioner, byte-compatible with Kafka's {@code Utils.toPositive(murmur2(key)) % n}. */
    final class Partitioner {
        private Partitioner() {
        }

        public static int partition(byte[] key, int partitions) {
            if (key == null) {
                return 0;
            }
            return (murmur2(key) & 0x7fffffff) % partitions;
        }

        static int murmur2(byte[] data) {
            int length = data.length;
            int seed = 0x9747b28c;
            final int m = 0x5bd1e995;
            final int r = 24;
            int h = seed ^ length;
            int length4 = length / 4;
            for (int i = 0; i < length4; i++) {
                final int i4 = i * 4;
                int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                        + ((data[i4 + 3] & 0xff) << 24);
                k *= m;
                k ^= k >>> r;
                k *= m;
                h *= m;
                h ^= k;
            }
            switch (length % 4) {
                case 3:
                    h ^= (data[(length & ~3) + 2] & 0xff) << 16;
                case 2:
                    h ^= (data[(length & ~3) + 1] & 0xff) << 8;
                case 1:
                    h ^= data[length & ~3] & 0xff;
                    h *= m;
                default:
            }
            h ^= h >>> 13;
            h *= m;
            h ^= h >>> 15;
            return h;
        }
    }
}
