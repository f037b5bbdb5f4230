package io.tidelog.log;

import java.time.Duration;

/**
 * How far a consumer group is behind on one partition.
 *
 * @param partition       the partition
 * @param committedOffset the group's committed offset, or {@code -1} if none
 * @param logStartOffset  the smallest readable offset: a committed offset below it will be reset
 * @param endOffset       the high watermark
 * @param records         {@code endOffset - max(committed, logStart)}: offsets not yet consumed (on
 *                        compacted topics some of these offsets no longer hold a record)
 * @param timeLag         age of the oldest unconsumed record by the log's clock, zero when caught up
 */
public record PartitionLag(TopicPartition partition, long committedOffset, long logStartOffset, long endOffset,
                           long records, Duration timeLag) {

    /** True when retention has removed offsets this group has not consumed yet. */
    public boolean outOfRange() {
        return committedOffset >= 0 && committedOffset < logStartOffset;
    }
}
