package io.tidelog.log.bench;

import io.tidelog.log.ReadResult;
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

/** Sequential read of 1M x 100 B records through {@code ChangeLog.read} (ops = records). */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class ReadBenchmark {
    static final int RECORDS = 1_000_000;
    final TopicPartition tp = new TopicPartition("bench", 0);
    EmbeddedChangeLog log;
    Path dir;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        dir = Files.createTempDirectory("bench-read");
        log = EmbeddedChangeLog.open(dir, LogConfig.defaults().withFsync(LogConfig.FsyncPolicy.none())
                .withCleaner(64 * 1024 * 1024, Duration.ofDays(1)));
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
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        log.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 2, time = 3)
    @OperationsPerInvocation(RECORDS)
    public long sequentialRead() {
        long next = 0;
        long sum = 0;
        while (next < RECORDS) {
            ReadResult r = log.read(tp, next, 5000, 1024 * 1024);
            sum += r.records().size();
            next = r.nextOffset();
        }
        return sum;
    }
}
