package io.tidelog.bench.sinks;

import java.time.Duration;

/**
 * Reads the sink's target (the pluggable poller): a Redis stream for Debezium Server
 * ({@link RedisStreamTarget}), keys {@code bench_rows:<id>} for Tidelog's Redis sink
 * ({@link RedisKeyTarget}). Used by the benchmark's main thread only, between {@link PipelineUnderTest#start}
 * and {@link PipelineUnderTest#close}; needs no thread-safety.
 */
public interface SinkTarget extends AutoCloseable {

    /** Receives each new version of a watched row. */
    @FunctionalInterface
    interface VersionListener {
        /**
         * @param version the row's {@code v}
         * @param tsMs the row's {@code ts_ms} (the writer's wall clock, ms, just before commit)
         * @param seenAtMs this JVM's wall clock (ms) when the poller saw it
         */
        void seen(long version, long tsMs, long seenAtMs);
    }

    /**
     * Called before each phase (after the previous one has fully arrived): later calls concern only
     * changes committed after this call. A target may drop data it has already reported (stream trimming).
     */
    void mark() throws Exception;

    /** Whether everything {@code expected} describes is visible; must not block long (called every ~1 ms). */
    boolean caughtUp(Expectation expected) throws Exception;

    /**
     * Waits at most {@code wait} for changes to row {@code id} and reports each new version it sees, in
     * order; may report nothing. A polling target may miss versions that were overwritten between two
     * polls: that only thins the latency sample.
     */
    void poll(long id, Duration wait, VersionListener listener) throws Exception;

    /** Releases connections; idempotent, never throws. */
    @Override
    void close();
}
