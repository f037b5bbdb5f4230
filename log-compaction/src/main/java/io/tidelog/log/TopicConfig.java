package io.tidelog.log;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-topic settings, with Kafka's meaning (the Kafka property name is given for each).
 *
 * @param partitions            number of partitions, fixed at creation ({@code num.partitions})
 * @param cleanupPolicy         delete or compact ({@code cleanup.policy})
 * @param retentionBytes        delete topics: maximum bytes per partition, {@code -1} unlimited
 *                              ({@code retention.bytes})
 * @param retention             delete topics: maximum age of a segment's newest record, {@code null}
 *                              unlimited ({@code retention.ms})
 * @param segmentBytes          a segment rolls when it would grow past this ({@code segment.bytes}); a
 *                              batch larger than this gets a segment of its own
 * @param segmentAge            a segment rolls when its first record is this old ({@code segment.ms})
 * @param deleteRetention       compact topics: how long a tombstone survives after its first cleaning
 *                              ({@code delete.retention.ms})
 * @param minCompactionLag      compact topics: records younger than this are not compacted
 *                              ({@code min.compaction.lag.ms})
 * @param minCleanableDirtyRatio compact topics: dirty bytes / total bytes needed to start cleaning
 *                              ({@code min.cleanable.dirty.ratio})
 * @param maxRecordBytes        largest encoded record accepted ({@code max.message.bytes})
 */
public record TopicConfig(int partitions, CleanupPolicy cleanupPolicy, long retentionBytes, Duration retention,
                          int segmentBytes, Duration segmentAge, Duration deleteRetention,
                          Duration minCompactionLag, double minCleanableDirtyRatio, int maxRecordBytes) {

    public static final TopicConfig DEFAULT = new TopicConfig(1, CleanupPolicy.DELETE, -1, Duration.ofDays(7),
            128 * 1024 * 1024, Duration.ofDays(7), Duration.ofDays(1), Duration.ZERO, 0.5, 1024 * 1024);

    public TopicConfig {
        Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
        Objects.requireNonNull(segmentAge, "segmentAge");
        Objects.requireNonNull(deleteRetention, "deleteRetention");
        Objects.requireNonNull(minCompactionLag, "minCompactionLag");
        require(partitions >= 1 && partitions <= 10_000, "partitions must be in [1, 10000]: " + partitions);
        require(segmentBytes >= 1024, "segmentBytes must be >= 1024: " + segmentBytes);
        require(maxRecordBytes >= 64, "maxRecordBytes must be >= 64: " + maxRecordBytes);
        require(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1,
                "minCleanableDirtyRatio must be in [0, 1]: " + minCleanableDirtyRatio);
        require(!segmentAge.isNegative() && !segmentAge.isZero(), "segmentAge must be positive");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public static TopicConfig compacted(int partitions) {
        return DEFAULT.withPartitions(partitions).withCleanupPolicy(CleanupPolicy.COMPACT);
    }

    public TopicConfig withPartitions(int p) {
        return new TopicConfig(p, cleanupPolicy, retentionBytes, retention, segmentBytes, segmentAge,
                deleteRetention, minCompactionLag, minCleanableDirtyRatio, maxRecordBytes);
    }

    public TopicConfig withCleanupPolicy(CleanupPolicy c) {
        return new TopicConfig(partitions, c, retentionBytes, retention, segmentBytes, segmentAge,
                deleteRetention, minCompactionLag, minCleanableDirtyRatio, maxRecordBytes);
    }

    public TopicConfig withRetention(long bytes, Duration age) {
        return new TopicConfig(partitions, cleanupPolicy, bytes, age, segmentBytes, segmentAge,
                deleteRetention, minCompactionLag, minCleanableDirtyRatio, maxRecordBytes);
    }

    public TopicConfig withSegment(int bytes, Duration age) {
        return new TopicConfig(partitions, cleanupPolicy, retentionBytes, retention, bytes, age,
                deleteRetention, minCompactionLag, minCleanableDirtyRatio, maxRecordBytes);
    }

    public TopicConfig withCompaction(Duration deleteRetentionTime, Duration minLag, double minDirtyRatio) {
        return new TopicConfig(partitions, cleanupPolicy, retentionBytes, retention, segmentBytes, segmentAge,
                deleteRetentionTime, minLag, minDirtyRatio, maxRecordBytes);
    }

    public TopicConfig withMaxRecordBytes(int bytes) {
        return new TopicConfig(partitions, cleanupPolicy, retentionBytes, retention, segmentBytes, segmentAge,
                deleteRetention, minCompactionLag, minCleanableDirtyRatio, bytes);
    }
}
