package io.tidelog.log.embedded;

import io.tidelog.log.TopicConfig;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link EmbeddedChangeLog} as a whole (per-topic settings are {@link TopicConfig}).
 *
 * @param defaultTopic          config for auto-created topics
 * @param autoCreateTopics      create a topic with {@code defaultTopic} on first append or read
 * @param fsync                 when appended batches are forced to disk (and acknowledged)
 * @param clock                 time source for record timestamps, segment age, retention, compaction lag
 *                              and delete-retention; inject a fixed or mutable clock in tests
 * @param indexIntervalBytes    bytes between sparse offset/time index entries
 * @param cleanerMapBytes       memory of the compaction key map; bounds cleaner memory
 * @param cleanerInterval       how often the cleaner and retention look for work
 */
public record LogConfig(TopicConfig defaultTopic, boolean autoCreateTopics, FsyncPolicy fsync, Clock clock,
                        int indexIntervalBytes, int cleanerMapBytes, Duration cleanerInterval) {

    public LogConfig {
        Objects.requireNonNull(defaultTopic, "defaultTopic");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(cleanerInterval, "cleanerInterval");
        if (indexIntervalBytes < 1) {
            throw new IllegalArgumentException("indexIntervalBytes must be >= 1");
        }
        if (cleanerMapBytes < 1024) {
            throw new IllegalArgumentException("cleanerMapBytes must be >= 1024");
        }
    }

    public static LogConfig defaults() {
        return new LogConfig(TopicConfig.DEFAULT, true, FsyncPolicy.perBatch(), Clock.systemUTC(), 4096,
                32 * 1024 * 1024, Duration.ofSeconds(15));
    }

    public LogConfig withFsync(FsyncPolicy policy) {
        return new LogConfig(defaultTopic, autoCreateTopics, policy, clock, indexIntervalBytes, cleanerMapBytes,
                cleanerInterval);
    }

    public LogConfig withClock(Clock c) {
        return new LogConfig(defaultTopic, autoCreateTopics, fsync, c, indexIntervalBytes, cleanerMapBytes,
                cleanerInterval);
    }

    public LogConfig withDefaultTopic(TopicConfig topic) {
        return new LogConfig(topic, autoCreateTopics, fsync, clock, indexIntervalBytes, cleanerMapBytes,
                cleanerInterval);
    }

    public LogConfig withCleaner(int mapBytes, Duration interval) {
        return new LogConfig(defaultTopic, autoCreateTopics, fsync, clock, indexIntervalBytes, mapBytes, interval);
    }

    public LogConfig withIndexIntervalBytes(int bytes) {
        return new LogConfig(defaultTopic, autoCreateTopics, fsync, clock, bytes, cleanerMapBytes, cleanerInterval);
    }

    /**
     * When appended data is forced to disk. Appends are acknowledged only after the force that covers
     * them; concurrent appends (to any partition) share one force round (group commit).
     *
     * @param interval {@code null} for {@link #none()}; zero for a force as soon as a batch is written
     *                 (batches arriving during a force share the next one); otherwise the period
     */
    public record FsyncPolicy(Duration interval) {

        /** Force after every batch; appends arriving meanwhile share the next force. */
        public static FsyncPolicy perBatch() {
            return new FsyncPolicy(Duration.ZERO);
        }

        /**
         * Force every {@code interval}; acknowledgements wait for it, and readers see records only once
         * they are forced (latency up to one interval).
         */
        public static FsyncPolicy every(Duration interval) {
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("interval must be positive");
            }
            return new FsyncPolicy(interval);
        }

        /**
         * Never force; acknowledge once written to the OS. Survives a process crash, not a power loss
         * or kernel crash. For tests and benchmarks.
         */
        public static FsyncPolicy none() {
            return new FsyncPolicy(null);
        }

        public boolean forces() {
            return interval != null;
        }
    }
}
