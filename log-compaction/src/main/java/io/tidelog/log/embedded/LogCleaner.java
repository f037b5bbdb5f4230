package io.tidelog.log.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tidelog.log.TopicPartition;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The background thread that applies retention to delete topics and compacts compact topics
 * (Kafka's {@code LogCleaner}): every cleaner interval it runs {@link #runOnce()}. The algorithm is in
 * {@link Cleaner}, the state in {@link CleanerManager}; memory is bounded by one fixed-size
 * {@link SkimpyOffsetMap}.
 *
 * <p>Thread-safety: {@link #runOnce()} is synchronized, so a manual run (tests, admin) never overlaps
 * the scheduled one.
 */
final class LogCleaner {
    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);
    private static final int MAX_PASSES_PER_RUN = 1000;

    private final LogConfig config;
    private final LogStats stats;
    private final Supplier<List<PartitionLog>> partitions;
    private final CleanerManager manager = new CleanerManager();
    private final Cleaner cleaner;
    private ScheduledExecutorService executor;

    LogCleaner(LogConfig config, LogStats stats, Supplier<List<PartitionLog>> partitions) {
        this.config = config;
        this.stats = stats;
        this.partitions = partitions;
        this.cleaner = new Cleaner(new SkimpyOffsetMap(config.cleanerMapBytes()));
    }

    void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tidelog-cleaner");
            t.setDaemon(true);
            return t;
        });
        long ms = config.cleanerInterval().toMillis();
        executor.scheduleWithFixedDelay(this::runOnceSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void runOnceSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.error("Cleaner run failed", e);
        }
    }

    /** Applies retention everywhere, then cleans due compacted partitions until none is due. */
    synchronized void runOnce() {
        List<PartitionLog> logs = partitions.get();
        for (PartitionLog p : logs) {
            try {
                p.applyRetention();
            } catch (RuntimeException e) {
                log.error("Retention of {} failed; will retry next run", p.partition(), e);
            }
        }
        Set<TopicPartition> done = new HashSet<>();
        for (int pass = 0; pass < MAX_PASSES_PER_RUN; pass++) {
            long now = config.clock().millis();
            CleanerManager.Candidate c = manager.grabFilthiestLog(logs, now, done);
            if (c == null) {
                return;
            }
            long start = System.nanoTime();
            try {
                Cleaner.Result r = cleaner.clean(c.log(), c.firstDirty(), c.firstUncleanable(), now);
                if (r == null || r.endOffset() <= c.firstDirty()) {
                    done.add(c.log().partition());
                }
                if (r == null) {
                    continue;
                }
                manager.doneCleaning(c.log(), r);
                stats.onCompaction(c.log().partition(), r.bytesBefore(), r.bytesAfter(), System.nanoTime() - start);
            } catch (Exception e) {
                manager.markUncleanable(c.log(), e);
            }
        }
    }

    CleanerManager manager() {
        return manager;
    }

    void shutdown() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
