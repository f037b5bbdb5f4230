package io.tidelog.log;

import java.util.List;
import java.util.Objects;

/**
 * A record to append. The log assigns its offset.
 *
 * <p>A {@code null} value is a tombstone: on a compacted topic it deletes the key once the
 * topic's delete-retention has passed. Records on compacted topics must have a key.
 *
 * @param key       the key (the capture's primary key), or {@code null} on delete topics only
 * @param value     the value, or {@code null} for a tombstone
 * @param headers   headers, never {@code null}
 * @param timestamp the create time in epoch millis, or {@link #NO_TIMESTAMP} to use the log's clock
 */
public record Record(byte[] key, byte[] value, List<Header> headers, long timestamp) {

    /** Marker for "stamp the record with the log's clock at append". */
    public static final long NO_TIMESTAMP = -1L;

    public Record {
        Objects.requireNonNull(headers, "headers");
    }

    public static Record of(byte[] key, byte[] value) {
        return new Record(key, value, List.of(), NO_TIMESTAMP);
    }

    public static Record of(byte[] key, byte[] value, long timestamp) {
        return new Record(key, value, List.of(), timestamp);
    }

    public static Record tombstone(byte[] key) {
        return new Record(key, null, List.of(), NO_TIMESTAMP);
    }

    public boolean isTombstone() {
        return value == null;
    }
}
