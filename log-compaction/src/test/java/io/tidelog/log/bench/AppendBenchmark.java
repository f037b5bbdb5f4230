package io.tidelog.log.bench;

import io.tidelog.log.AppendResult;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import org.openjdk.jmh.annotations.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Append throughput. One op = one append call of {@code batch} records (bench.sh converts to
 * records/s). Each benchmark thread appends to its own partition (2 threads, 4-partition topic) and
 * keeps up to {@code window} records in flight, waiting for the oldest acknowledgement when over it,
 * the way a capture pipeline would; acknowledgements are durable per the fsync policy. Keys are
 * 5-6 bytes, values {@code recordBytes - 16}. The workload (record size, batch size, in-flight window,
 * one partition per thread, ack = durable) is what a Kafka-producer variant must replay
 * (acks=all, linger.ms=0, batch.size = batch x record size, max.in.flight matching window).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 2, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Threads(2)
public class AppendBenchmark {
    /** Records in flight per thread; with interval fsync throughput is capped at threads * window / interval. */
    @Param({"200000"})
    public int window;

    @Param({"100", "1024"})
    public int recordBytes;
    @Param({"1", "500"})
    public int batch;
    @Param({"batch", "interval100ms"})
    public String fsync;

    EmbeddedChangeLog log;
    Path dir;
    final AtomicInteger nextPartition = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory("bench-append");
        LogConfig.FsyncPolicy policy = fsync.equals("batch") ? LogConfig.FsyncPolicy.perBatch()
                : LogConfig.FsyncPolicy.every(Duration.ofMillis(100));
        log = EmbeddedChangeLog.open(dir, LogConfig.defaults().withFsync(policy));
        log.createTopic("bench", TopicConfig.DEFAULT.withPartitions(4).withSegment(256 * 1024 * 1024, Duration.ofDays(1)));
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        log.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @State(Scope.Thread)
    public static class Appender {
        TopicPartition tp;
        List<Record> records;
        final ArrayList<CompletableFuture<AppendResult>> inFlight = new ArrayList<>();
        int head;

        @Setup(Level.Trial)
        public void setUp(AppendBenchmark b) {
            tp = new TopicPartition("bench", b.nextPartition.getAndIncrement() % 4);
            records = new ArrayList<>(b.batch);
            byte[] value = new byte[b.recordBytes - 16];
            for (int i = 0; i < b.batch; i++) {
                records.add(Record.of(("key-" + i).getBytes(), value, 0));
            }
        }

        @TearDown(Level.Iteration)
        public void drain() {
            for (int i = head; i < inFlight.size(); i++) {
                inFlight.get(i).join();
            }
            inFlight.clear();
            head = 0;
        }
    }

    @Benchmark
    public void append(Appender a) {
        a.inFlight.add(log.append(a.tp, a.records));
        while ((a.inFlight.size() - a.head) * batch > window) {
            a.inFlight.get(a.head).join();
            a.inFlight.set(a.head++, null);
        }
        if (a.head > 100_000) {
            a.inFlight.subList(0, a.head).clear();
            a.head = 0;
        }
    }
}
