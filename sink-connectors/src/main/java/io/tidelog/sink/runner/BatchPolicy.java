package io.tidelog.sink.runner;

import java.time.Duration;

/**
 * When the runner hands a batch to its sink: once it holds {@code maxRecords} records or
 * {@code maxBytes} bytes, or {@code linger} after the batch's first record arrived, whichever comes
 * first. A linger of zero sends whatever one poll of the log returned.
 */
public record BatchPolicy(int maxRecords, int maxBytes, Duration linger) {

    public static final BatchPolicy DEFAULT = new BatchPolicy(2000, 4 << 20, Duration.ofMillis(5));

    public BatchPolicy {
        if (maxRecords < 1) {
            throw new IllegalArgumentException("batch max-records must be at least 1, was " + maxRecords);
        }
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("batch max-bytes must be at least 1KB, was " + maxBytes);
        }
        if (linger == null || linger.isNegative()) {
            throw new IllegalArgumentException("batch linger must be zero or positive, was " + linger);
        }
    }
}
