package io.tidelog.log;

/** What happens to old records of a topic (Kafka's {@code cleanup.policy}). */
public enum CleanupPolicy {
    /** Whole old segments are deleted by total size and by age. */
    DELETE,
    /** The latest record per key is kept; tombstones are dropped after delete-retention. */
    COMPACT
}
