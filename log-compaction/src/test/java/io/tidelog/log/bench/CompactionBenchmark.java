package io.tidelog.log.bench;

import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.BenchSupport;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import org.openjdk.jmh.annotations.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One full compaction of a freshly written log of 1M x 100 B records (~125 MB) with 10% live keys
 * (100k distinct keys), the cleaner's key map fixed at {@code mapMiB}. Score: seconds per cleaning;
 * MB/s = 125.1 / score (also printed as a {@code COMPACTION} line per iteration).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CompactionBenchmark {
    static final int RECORDS = 1_000_000;
    final TopicPartition tp = new TopicPartition("bench", 0);

    @Param({"4", "16", "64"})
    public int mapMiB;

    EmbeddedChangeLog log;
    Path dir;
    long bytesBefore;
    long start;

    @Setup(Level.Iteration)
    public void fill() throws Exception {
        dir = Files.createTempDirectory("bench-compact");
        log = EmbeddedChangeLog.open(dir, LogConfig.defaults().withFsync(LogConfig.FsyncPolicy.none())
                .withCleaner(mapMiB * 1024 * 1024, Duration.ofDays(1)));
        log.createTopic("bench", TopicConfig.compacted(1).withSegment(16 * 1024 * 1024, Duration.ofDays(1))
                .withCompaction(Duration.ofDays(1), Duration.ZERO, 0.0));
        byte[] value = new byte[84];
        for (int i = 0; i < RECORDS; i += 500) {
            List<Record> batch = new ArrayList<>(500);
            for (int j = 0; j < 500; j++) {
                batch.add(Record.of(String.format("key-%08d", (i + j) % (RECORDS / 10)).getBytes(), value, 0));
            }
            log.append(tp, batch).join();
        }
        BenchSupport.roll(log, tp);
        bytesBefore = BenchSupport.bytes(log, tp);
    }

    @TearDown(Level.Iteration)
    public void close() throws Exception {
        long after = BenchSupport.bytes(log, tp);
        log.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        System.out.printf("%nCOMPACTION map=%d MiB before=%d after=%d bytes%n", mapMiB, bytesBefore, after);
    }

    @Benchmark
    public long compaction10PercentLive() {
        BenchSupport.compactNow(log);
        return BenchSupport.bytes(log, tp);
    }
}
