package io.tidelog.log;

/**
 * What a consumer group does when it has no committed offset, or its offset is no longer in the log
 * (Kafka's {@code auto.offset.reset}).
 */
public enum OffsetResetPolicy {
    /** Continue from the log start offset; skipped records are reported to the listener and logged. */
    EARLIEST,
    /** Continue from the end offset; skipped records are reported to the listener and logged. */
    LATEST,
    /** Throw {@link OffsetOutOfRangeException} from {@code poll}. */
    FAIL
}
