package io.tidelog.log;

/**
 * Hooks for observability; all methods have empty defaults. Called on the log's own threads (the
 * appender, flusher, cleaner): implementations must be quick and must not call back into the log.
 */
public interface LogListener {

    default void onFsync(long nanos, int partitionsFlushed) {
    }

    default void onSegmentRolled(TopicPartition partition, long baseOffset) {
    }

    default void onSegmentsDeleted(TopicPartition partition, int segments, long bytes, String reason) {
    }

    default void onCompaction(TopicPartition partition, long bytesBefore, long bytesAfter, long nanos) {
    }

    /** Recovery on open cut a torn or corrupt tail: these bytes and (at least) records were dropped. */
    default void onRecoveryTruncation(TopicPartition partition, long bytesDropped, long recordsDropped) {
    }

    /** A consumer group's position was moved by its reset policy; records in between were skipped. */
    default void onOffsetReset(String groupId, TopicPartition partition, long from, long to,
                               OffsetResetPolicy policy) {
    }
}
