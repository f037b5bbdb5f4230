package io.tidelog.bench;

import io.tidelog.harness.KafkaServer;
import io.tidelog.log.embedded.LogConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.LoggerFactory;

/**
 * Issue 3's benchmark: the embedded log side by side with a real Kafka broker, in one run. The same
 * append workload ({@link AppendDriver}: 2 threads, one partition each, 100 B and 1 KB records,
 * batches of 1 and 500, 200,000 records in flight per thread) runs against
 * <ul>
 *   <li>the embedded log, with fsync per batch (group commit) and every 100 ms, and</li>
 *   <li>a KRaft broker ({@link KafkaServer}, child JVM, loopback) with acks=all and idempotence, once
 *       with the broker's defaults (acknowledged from the page cache, no fsync) and once on a topic with
 *       {@code flush.messages=1} (an fsync per appended batch: the log's per-batch guarantee);</li>
 * </ul>
 * then both read everything back from the beginning with one consumer; then the log compacts a log
 * with 10 % live keys ({@link CompactionRound}). Each configuration: warm-up round(s), then measured
 * rounds; the median is reported. Prints a Markdown table of records/s and ratios, a detail table
 * with every configuration's range and allocation, and the settings.
 *
 * <p>Run with {@code bench/log-vs-kafka.sh [seconds-per-round [measured-rounds]]} (default 2 and 3).
 */
public final class LogVsKafkaBenchmark {

    private static final int[] RECORD_BYTES = {100, 1024};
    private static final int[] BATCHES = {1, 500};
    /** Records per partition for the read comparison, per record size. */
    private static final Map<Integer, Long> READ_RECORDS = Map.of(100, 1_000_000L, 1024, 200_000L);
    private static final int[] COMPACTION_MAP_MIB = {4, 32};
    private static final String PER_BATCH = "fsync per batch";
    private static final String INTERVAL = "fsync every 100 ms";
    private static final String PAGE_CACHE = "acks=all, no fsync (page cache)";
    private static final String FLUSHED = "acks=all, flush.messages=1 (fsync per batch)";

    private static final String NOTES = """
            Settings. Both sides: 2 producer threads, thread i -> partition i of a 2-partition topic; a record \
            is a key "k<t>-<i>" (4-6 B) and a value of size - 16 B (100 B / 1 KB as the JMH AppendBenchmark \
            counts them), prepared once and sent again and again; at most min(200,000, 64 MiB / size) records \
            unacknowledged per thread (200,000 at 100 B, 65,536 at 1 KB), waiting for the oldest ack when over; \
            a round sends for its length, then waits for every ack, and its time includes that wait.
            - Embedded log: EmbeddedChangeLog, LogConfig.defaults() with FsyncPolicy.perBatch() (group commit) \
            or every(100 ms); 256 MiB segments; batch 1 = append(tp, List.of(record)), batch 500 = \
            append(tp, list of 500); an ack means forced to disk.
            - Kafka: kafka_2.13 %s broker (KRaft, broker+controller, child JVM with -Xmx1g, 127.0.0.1, harness \
            defaults otherwise); one KafkaProducer per thread, acks=all, enable.idempotence=true, \
            max.in.flight.requests.per.connection=5, compression none, buffer.memory = 2 x window bytes; \
            batch 1: send() of one record, linger.ms=0, batch.size=16384 (the client still packs queued \
            records into requests: see records/request in the detail table); batch 500: 500 send() calls, \
            batch.size=500 x size, linger.ms=5; the 500th record's future stands for the batch. \
            "no fsync" = broker defaults (log.flush.* unset): acks=all on one broker acknowledges once the \
            leader has written to the page cache, never forced - weaker than both log modes. \
            "flush.messages=1" = topic config making the broker fsync after every appended batch before it \
            acknowledges - the log's per-batch guarantee.
            - Reads: data written once by each side (batch 500), read from the beginning (page cache) in every \
            round: log GroupConsumer (assign + seekToBeginning, 500 records/poll, its fixed maximum) vs \
            KafkaConsumer (assign + seekToBeginning, no group, max.poll.records=500, fetch defaults); both \
            created once outside the timing; every value is touched.
            - Compaction: CompactionRound (the JMH CompactionBenchmark's data set), triggered through a \
            settable clock, timed by the cleaner's own LogListener.onCompaction.
            - Allocation: bytes allocated by all live threads of this (client) JVM during the median round, \
            per record; the broker's JVM is not included.
            """.formatted(org.apache.kafka.common.utils.AppInfoParser.getVersion());

    private final Duration roundLength;
    private final int measured;
    private final int warmups = 1;
    private final BenchTable main = new BenchTable("workload", "embedded log", "embedded records/s", "Kafka broker",
            "Kafka records/s", "ratio");
    private final BenchTable detail = new BenchTable("configuration", "median /s", "range of measured rounds /s",
            "client-JVM allocation B/record (median round)", "note (median round)");

    private LogVsKafkaBenchmark(Duration roundLength, int measured) {
        this.roundLength = roundLength;
        this.measured = measured;
    }

    public static void main(String[] args) throws Exception {
        Duration length = Duration.ofMillis((long) (1000 * (args.length > 0 ? Double.parseDouble(args[0]) : 2)));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        quietLogs();
        String loadBefore = loadAverage();
        long t0 = System.nanoTime();
        LogVsKafkaBenchmark b = new LogVsKafkaBenchmark(length, rounds);
        try (KafkaServer kafka = KafkaServer.builder().name("bench-kafka").heapMegabytes(1024).start();
             Admin admin = kafka.admin();
             AppendDriver driver = new AppendDriver()) {
            b.appends(kafka, admin, driver);
            b.reads(kafka, admin);
        }
        b.compaction();
        System.out.println();
        System.out.println(b.main.markdown());
        System.out.println(b.detail.markdown());
        System.out.println(NOTES);
        System.out.printf("Run: %.0f s; rounds of %.1f s (append), %d warm-up + %d measured per configuration, median"
                        + " reported; load average before: %s, after: %s; %d CPUs.%n",
                (System.nanoTime() - t0) / 1e9, length.toMillis() / 1e3, b.warmups, rounds, loadBefore,
                loadAverage(), Runtime.getRuntime().availableProcessors());
    }

    private void appends(KafkaServer kafka, Admin admin, AppendDriver driver) throws Exception {
        Map<String, LogConfig.FsyncPolicy> logFsync = new LinkedHashMap<>();
        logFsync.put(PER_BATCH, LogConfig.FsyncPolicy.perBatch());
        logFsync.put(INTERVAL, LogConfig.FsyncPolicy.every(Duration.ofMillis(100)));
        Map<String, Map<String, String>> kafkaModes = new LinkedHashMap<>();
        kafkaModes.put(PAGE_CACHE, Map.of());
        kafkaModes.put(FLUSHED, Map.of("flush.messages", "1"));
        int topicNo = 0;
        for (int recordBytes : RECORD_BYTES) {
            for (int batch : BATCHES) {
                String workload = String.format("append %s, batch %d", size(recordBytes), batch);
                Map<String, Rounds.Result> log = new LinkedHashMap<>();
                for (var e : logFsync.entrySet()) {
                    try (EmbeddedSide side = new EmbeddedSide(e.getValue(), recordBytes, batch)) {
                        log.put(e.getKey(), measure(workload + ", log " + e.getKey(),
                                () -> driver.round(side, recordBytes, batch, roundLength)));
                    }
                }
                Map<String, Rounds.Result> kafkaResults = new LinkedHashMap<>();
                for (var e : kafkaModes.entrySet()) {
                    String topic = "append-" + topicNo++;
                    try (KafkaSide side = new KafkaSide(kafka, admin, topic, e.getValue(), recordBytes, batch)) {
                        kafkaResults.put(e.getKey(), measure(workload + ", Kafka " + e.getKey(),
                                () -> driver.round(side, recordBytes, batch, roundLength)));
                    }
                }
                compare(workload, PER_BATCH, log.get(PER_BATCH), PAGE_CACHE, kafkaResults.get(PAGE_CACHE));
                compare(workload, PER_BATCH, log.get(PER_BATCH), FLUSHED, kafkaResults.get(FLUSHED));
                compare(workload, INTERVAL, log.get(INTERVAL), PAGE_CACHE, kafkaResults.get(PAGE_CACHE));
            }
        }
    }

    private void reads(KafkaServer kafka, Admin admin) throws Exception {
        for (int recordBytes : RECORD_BYTES) {
            long perPartition = READ_RECORDS.get(recordBytes);
            long total = perPartition * AppendDriver.THREADS;
            String workload = String.format("read %s from the beginning, %,d records in 2 partitions",
                    size(recordBytes), total);
            try (EmbeddedSide log = new EmbeddedSide(LogConfig.FsyncPolicy.every(Duration.ofMillis(100)), recordBytes,
                    500);
                 KafkaSide k = new KafkaSide(kafka, admin, "read-" + recordBytes, Map.of(), recordBytes, 500)) {
                log.fill(perPartition);
                k.fill(perPartition);
                Rounds.Result consumer = measure(workload + ", log GroupConsumer", () -> log.consumeAll(total));
                Rounds.Result kafkaConsumer = measure(workload + ", KafkaConsumer", () -> k.consumeAll(total));
                compare(workload, "one GroupConsumer, 500 records/poll", consumer,
                        "one KafkaConsumer, max.poll.records=500", kafkaConsumer);
                Rounds.Result raw = measure(workload + ", log ChangeLog.read 5,000 records / 1 MiB per call",
                        () -> log.readAll(total, 5000, 1 << 20));
                main.row(workload, "ChangeLog.read, 5,000 records / 1 MiB per call", BenchTable.rate(raw.perSecond()),
                        "—", "—", "—");
                // What the GroupConsumer does per partition and poll, and the same with maxBytes fitting 500 records.
                measure(workload + ", log ChangeLog.read 500 records / 1 MiB per call",
                        () -> log.readAll(total, 500, 1 << 20));
                measure(workload + ", log ChangeLog.read 500 records / " + (recordBytes * 500 + 1023) / 1024
                        + " KiB per call", () -> log.readAll(total, 500, recordBytes * 500));
            }
        }
    }

    private void compaction() throws Exception {
        for (int mib : COMPACTION_MAP_MIB) {
            String what = String.format("compaction, 1M x 100 B (~125 MB), 10 %% live keys, %d MiB key map", mib);
            Rounds.Result r = Rounds.run(what, warmups, measured, () -> CompactionRound.run(mib * 1024 * 1024));
            detail.row(what, megabytes(r.perSecond()), megabytes(r.min()) + " – " + megabytes(r.max()), "—",
                    r.median().note());
            main.row(what, "cleaner thread", megabytes(r.perSecond()), "—", "—", "—");
        }
    }

    private Rounds.Result measure(String label, Rounds.Body body) throws Exception {
        Rounds.Result r = Rounds.run(label, warmups, measured, body);
        detail.row(label, BenchTable.rate(r.perSecond()), BenchTable.rate(r.min()) + " – " + BenchTable.rate(r.max()),
                r.allocationPerUnit(), r.median().note());
        return r;
    }

    private void compare(String workload, String logMode, Rounds.Result log, String kafkaMode, Rounds.Result kafka) {
        main.row(workload, logMode, BenchTable.rate(log.perSecond()), kafkaMode, BenchTable.rate(kafka.perSecond()),
                String.format("%.2f×", log.perSecond() / kafka.perSecond()));
    }

    private static String megabytes(double bytesPerSecond) {
        return String.format("%.0f MB/s", bytesPerSecond / 1e6);
    }

    private static String size(int recordBytes) {
        return recordBytes >= 1024 ? recordBytes / 1024 + " KB" : recordBytes + " B";
    }

    private static String loadAverage() {
        try {
            List<String> f = List.of(Files.readString(Path.of("/proc/loadavg")).trim().split(" "));
            return String.join(" ", f.subList(0, 3));
        } catch (Exception e) {
            return "n/a";
        }
    }

    /** The log's INFO lines (topic created, log closed) would bury the progress lines. */
    private static void quietLogs() {
        if (LoggerFactory.getLogger("io.tidelog.log") instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
