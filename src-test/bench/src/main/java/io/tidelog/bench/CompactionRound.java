package io.tidelog.bench;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.LogListener;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One full compaction of a freshly written log, the data set of the JMH {@code CompactionBenchmark}:
 * 1,000,000 records of 100 B (key {@code key-%08d}, 84-byte value, ~125 MB) over 100,000 distinct
 * keys (10 % live), one partition, 16 MiB segments, the cleaner's key map fixed at
 * {@code mapBytes}. Unlike the JMH benchmark the data is written with fsync per batch, so that the
 * cleaner does not compete with the kernel writing back 125 MB of dirty pages it has just been given
 * (which made the first rounds after a fill up to 2x slower).
 *
 * <p>Driven through the public API only, by the log's own cleaner thread: a settable clock holds the
 * written data under min-compaction-lag (1 h) while it is written, then moves on by 31 min (the
 * active segment is now older than segment.ms = 30 min, so one more append seals it) and by 2 h
 * (everything sealed is past the lag), and the cleaner, scheduled every 10 ms, compacts it. Time and
 * bytes come from {@link LogListener#onCompaction}, i.e. the cleaner's own measure of its passes
 * (reading, CRC checks, writing and forcing {@code .cleaned} files, swaps); waiting for the schedule is
 * not counted but is reported.
 */
final class CompactionRound {

    static final int RECORDS = 1_000_000;
    static final int KEYS = RECORDS / 10;
    private static final TopicPartition TP = new TopicPartition("bench", 0);

    private CompactionRound() {
    }

    static Rounds.Round run(int mapBytes) throws Exception {
        Path dir = Files.createTempDirectory("bench-compaction-");
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        AtomicLong bytesBefore = new AtomicLong();
        AtomicLong bytesAfter = new AtomicLong();
        AtomicLong nanos = new AtomicLong();
        AtomicLong passes = new AtomicLong();
        try (EmbeddedChangeLog log = EmbeddedChangeLog.open(dir, LogConfig.defaults()
                .withFsync(LogConfig.FsyncPolicy.perBatch()).withClock(clock)
                .withCleaner(mapBytes, Duration.ofMillis(10)))) {
            log.addListener(new LogListener() {
                @Override
                public void onCompaction(TopicPartition partition, long before, long after, long n) {
                    bytesBefore.addAndGet(before);
                    bytesAfter.addAndGet(after);
                    nanos.addAndGet(n);
                    passes.incrementAndGet();
                }
            });
            log.createTopic(TP.topic(), TopicConfig.compacted(1)
                    .withSegment(16 * 1024 * 1024, Duration.ofMinutes(30))
                    .withCompaction(Duration.ofDays(1), Duration.ofHours(1), 0.0));
            byte[] value = new byte[84];
            CompletableFuture<?> last = null;
            for (int i = 0; i < RECORDS; i += 500) {
                List<Record> batch = new ArrayList<>(500);
                for (int j = 0; j < 500; j++) {
                    batch.add(Record.of(key((i + j) % KEYS), value));
                }
                last = log.append(TP, batch);
            }
            last.join();
            clock.advance(Duration.ofMinutes(31));
            log.append(TP, List.of(Record.of(key(0), value))).join();
            long allocBefore = Rounds.allocatedBytes();
            long t0 = System.nanoTime();
            clock.advance(Duration.ofHours(2));
            long lastChange = t0;
            long seen = 0;
            // Done when no pass has finished for 200 ms (20 cleaner intervals) after the first one.
            while (true) {
                long now = System.nanoTime();
                long p = passes.get();
                if (p != seen) {
                    seen = p;
                    lastChange = now;
                }
                if (seen > 0 && now - lastChange >= 200_000_000L) {
                    break;
                }
                if (now - t0 > 120_000_000_000L) {
                    throw new IllegalStateException("no compaction within 120 s");
                }
                LockSupport.parkNanos(1_000_000);
            }
            long wall = lastChange - t0;
            long allocated = Rounds.allocatedBytes() - allocBefore;
            return new Rounds.Round(bytesBefore.get(), nanos.get(), allocated, String.format(
                    "%d pass(es), %,d -> %,d bytes, cleaner %.0f ms, from clock move to last pass %.0f ms",
                    passes.get(), bytesBefore.get(), bytesAfter.get(), nanos.get() / 1e6, wall / 1e6));
        } finally {
            Bench.deleteTree(dir);
        }
    }

    private static byte[] key(int k) {
        return String.format("key-%08d", k).getBytes(StandardCharsets.US_ASCII);
    }
}
