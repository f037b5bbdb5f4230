package io.tidelog.bench;

import io.tidelog.log.GroupConsumer;
import io.tidelog.log.LogMetrics;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.ReadResult;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The embedded log's side of {@link LogVsKafkaBenchmark}: a fresh log per configuration in a temporary
 * directory (deleted on close), one topic with one partition per producer thread, the records of a
 * batch prepared once and appended again and again (as {@code AppendBenchmark} does).
 */
final class EmbeddedSide implements AppendDriver.Target, AutoCloseable {

    static final String TOPIC = "bench";
    /** Like the JMH AppendBenchmark: segments of 256 MiB. */
    static final int SEGMENT_BYTES = 256 * 1024 * 1024;

    private final Path dir;
    private final EmbeddedChangeLog log;
    private final TopicPartition[] partitions = new TopicPartition[AppendDriver.THREADS];
    private final List<List<Record>> batches = new ArrayList<>();
    private LogMetrics lastMetrics;
    private GroupConsumer consumer;

    EmbeddedSide(LogConfig.FsyncPolicy fsync, int recordBytes, int batch) throws Exception {
        dir = Files.createTempDirectory("bench-log-vs-kafka-");
        log = EmbeddedChangeLog.open(dir, LogConfig.defaults().withFsync(fsync));
        log.createTopic(TOPIC, TopicConfig.DEFAULT.withPartitions(AppendDriver.THREADS)
                .withSegment(SEGMENT_BYTES, Duration.ofDays(1)));
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = new TopicPartition(TOPIC, i);
            batches.add(records(recordBytes, batch, i));
        }
        lastMetrics = log.metrics();
    }

    /**
     * {@code batch} records "of {@code recordBytes}" as the JMH AppendBenchmark counts them: a key
     * {@code k<thread>-<i>} of 4-6 bytes and a value of {@code recordBytes - 16} bytes (a letter pattern).
     * Kafka gets the same key and value bytes.
     */
    static List<Record> records(int recordBytes, int batch, int thread) {
        List<Record> out = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            out.add(Record.of(key(thread, i), value(recordBytes), Record.NO_TIMESTAMP));
        }
        return out;
    }

    static byte[] key(int thread, int i) {
        return ("k" + thread + "-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    static byte[] value(int recordBytes) {
        byte[] v = new byte[recordBytes - 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) ('a' + i % 26);
        }
        return v;
    }

    @Override
    public Future<?> send(int thread) {
        return log.append(partitions[thread], batches.get(thread));
    }

    /** fsync rounds and records per fsync since the previous round. */
    @Override
    public String afterRound() {
        LogMetrics m = log.metrics();
        long fsyncs = m.fsyncs() - lastMetrics.fsyncs();
        long records = m.recordsAppended() - lastMetrics.recordsAppended();
        double avgMs = fsyncs == 0 ? 0 : (m.fsyncNanosTotal() - lastMetrics.fsyncNanosTotal()) / 1e6 / fsyncs;
        lastMetrics = m;
        return fsyncs == 0 ? "" : String.format("%,d fsync rounds (avg %.2f ms), %,d records/round", fsyncs, avgMs,
                records / fsyncs);
    }

    /** Writes {@code perPartition} records to every partition in batches of 500, waiting for all. */
    void fill(long perPartition) throws Exception {
        List<CompletableFuture<?>> last = new ArrayList<>();
        for (int p = 0; p < partitions.length; p++) {
            CompletableFuture<?> f = null;
            for (long n = 0; n < perPartition; n += batches.get(p).size()) {
                f = log.append(partitions[p], batches.get(p));
            }
            last.add(f);
        }
        for (CompletableFuture<?> f : last) {
            f.get();
        }
    }

    /**
     * Reads everything from the beginning with one {@link GroupConsumer} assigned all partitions (500
     * records per poll, its fixed maximum); created once, it seeks back to the beginning every round.
     */
    Rounds.Round consumeAll(long expected) throws Exception {
        List<TopicPartition> parts = List.of(partitions);
        if (consumer == null) {
            consumer = log.consumer("bench-read", OffsetResetPolicy.EARLIEST);
            consumer.assign(parts);
        }
        long alloc0 = Rounds.allocatedBytes();
        long t0 = System.nanoTime();
        consumer.seekToBeginning(parts);
        long count = 0;
        long bytes = 0;
        while (count < expected) {
            List<LogRecord> batch = consumer.poll(Duration.ofSeconds(5));
            if (batch.isEmpty()) {
                throw new IllegalStateException("read stalled at " + count + " of " + expected);
            }
            for (int i = 0, n = batch.size(); i < n; i++) {
                bytes += batch.get(i).value().length;
            }
            count += batch.size();
        }
        long nanos = System.nanoTime() - t0;
        if (count != expected) {
            throw new IllegalStateException("read " + count + " of " + expected);
        }
        return new Rounds.Round(count, nanos, Rounds.allocatedBytes() - alloc0,
                String.format("%,d value bytes", bytes));
    }

    /** Reads everything with {@code ChangeLog.read}, partition after partition. */
    Rounds.Round readAll(long expected, int maxRecords, int maxBytes) {
        long alloc0 = Rounds.allocatedBytes();
        long t0 = System.nanoTime();
        long count = 0;
        for (TopicPartition tp : partitions) {
            long next = log.logStartOffset(tp);
            long end = log.endOffset(tp);
            while (next < end) {
                ReadResult r = log.read(tp, next, maxRecords, maxBytes);
                count += r.records().size();
                next = r.nextOffset();
            }
        }
        long nanos = System.nanoTime() - t0;
        if (count != expected) {
            throw new IllegalStateException("read " + count + " of " + expected);
        }
        return new Rounds.Round(count, nanos, Rounds.allocatedBytes() - alloc0, "");
    }

    @Override
    public void close() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
        log.close();
        Bench.deleteTree(dir);
    }
}
