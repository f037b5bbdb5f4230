package io.tidelog.log;

import java.util.List;

/**
 * A record read back from the log, with the offset the log assigned to it.
 *
 * @param partition the partition it was read from
 * @param offset    its offset; never changes, not even by compaction
 * @param timestamp its timestamp in epoch millis
 * @param key       the key, or {@code null}
 * @param value     the value, or {@code null} for a tombstone
 * @param headers   headers, never {@code null}
 */
public record LogRecord(TopicPartition partition, long offset, long timestamp, byte[] key, byte[] value,
                        List<Header> headers) {

    public boolean isTombstone() {
        return value == null;
    }
}
