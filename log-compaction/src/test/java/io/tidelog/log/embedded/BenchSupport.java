package io.tidelog.log.embedded;

import io.tidelog.log.TopicPartition;

import java.io.IOException;

/** Lets the benchmarks (package {@code io.tidelog.log.bench}) drive package-private operations. Test-only. */
public final class BenchSupport {
    private BenchSupport() {
    }

    /** Runs retention and compaction now. */
    public static void compactNow(EmbeddedChangeLog log) {
        log.runMaintenance();
    }

    /** Seals the active segment so that all data so far is cleanable. */
    public static void roll(EmbeddedChangeLog log, TopicPartition tp) throws IOException {
        log.partition(tp).roll();
    }

    public static long bytes(EmbeddedChangeLog log, TopicPartition tp) {
        return log.partition(tp).sizeInBytes();
    }
}
