package io.tidelog.sink.runner;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one sink since its runner started. Written by the runner thread, read by anyone
 * (status, metrics registries); each value is individually consistent.
 */
public final class SinkMetrics {

    final LongAdder recordsWritten = new LongAdder();
    final LongAdder recordsDeadLettered = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder batchNanos = new LongAdder();
    final AtomicLong lastBatchNanos = new AtomicLong();
    final LongAdder retries = new LongAdder();
    final LongAdder errors = new LongAdder();
    final AtomicLong lastAppliedCommitTime = new AtomicLong();
    final AtomicReference<LastError> lastError = new AtomicReference<>();

    /** The last error the sink's target returned, and when. */
    public record LastError(Instant at, String message) {
    }

    /** Records written to the target and flushed (not counting dead letters). */
    public long recordsWritten() {
        return recordsWritten.sum();
    }

    public long recordsDeadLettered() {
        return recordsDeadLettered.sum();
    }

    /** Batches written and flushed. */
    public long batches() {
        return batches.sum();
    }

    /** Total time spent in write + flush of successful batches, in nanoseconds. */
    public long batchNanos() {
        return batchNanos.sum();
    }

    public long lastBatchNanos() {
        return lastBatchNanos.get();
    }

    /** Failed attempts that were retried. */
    public long retries() {
        return retries.sum();
    }

    /** Failed attempts, retriable or not. */
    public long errors() {
        return errors.sum();
    }

    /** Commit time (epoch millis) of the newest record applied; 0 before the first. */
    public long lastAppliedCommitTime() {
        return lastAppliedCommitTime.get();
    }

    /** The last error, or null if there was none. */
    public LastError lastError() {
        return lastError.get();
    }
}
