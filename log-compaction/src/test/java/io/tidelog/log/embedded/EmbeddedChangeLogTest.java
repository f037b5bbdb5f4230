package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.AppendResult;
import io.tidelog.log.Header;
import io.tidelog.log.InvalidTopicException;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.ReadResult;
import io.tidelog.log.Record;
import io.tidelog.log.RecordTooLargeException;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static io.tidelog.log.embedded.Logs.append;
import static io.tidelog.log.embedded.Logs.b;
import static io.tidelog.log.embedded.Logs.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EmbeddedChangeLogTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Logs.START);
    final TopicPartition tp = new TopicPartition("orders", 0);

    @Test
    void offsetsStartAtZeroAndRiseByOnePerRecord() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("orders", Logs.small(TopicConfig.DEFAULT));
            AppendResult first = log.append(tp, List.of(Record.of(b("k1"), b("v1")), Record.of(b("k2"), b("v2")))).join();
            AppendResult second = log.append(tp, List.of(Record.of(b("k3"), b("v3")))).join();

            assertThat(first.baseOffset()).isZero();
            assertThat(first.lastOffset()).isEqualTo(1);
            assertThat(second.baseOffset()).isEqualTo(2);
            assertThat(log.endOffset(tp)).isEqualTo(3);
            ReadResult r = log.read(tp, 1, 10, 1 << 20);
            assertThat(r.records()).extracting(LogRecord::offset).containsExactly(1L, 2L);
            assertThat(r.records()).extracting(rec -> s(rec.value())).containsExactly("v2", "v3");
            assertThat(r.nextOffset()).isEqualTo(3);
        }
    }

    @Test
    void headersTimestampsAndTombstonesRoundTrip() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.append(tp, List.of(new Record(b("k"), b("v"), List.of(new Header("op", b("u")), new Header("é", null)), 42),
                    Record.tombstone(b("k")))).join();

            List<LogRecord> rs = log.read(tp, 0, 10, 1 << 20).records();
            assertThat(rs.get(0).timestamp()).isEqualTo(42);
            assertThat(rs.get(0).headers()).extracting(Header::key).containsExactly("op", "é");
            assertThat(s(rs.get(0).headers().get(0).value())).isEqualTo("u");
            assertThat(rs.get(0).headers().get(1).value()).isNull();
            assertThat(rs.get(1).isTombstone()).isTrue();
            assertThat(rs.get(1).timestamp()).isEqualTo(Logs.START);
        }
    }

    @Test
    void readRespectsMaxRecordsAndMaxBytesButReturnsAtLeastOneRecord() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            for (int i = 0; i < 50; i++) {
                append(log, tp, "k" + i, "v".repeat(100));
            }
            assertThat(log.read(tp, 0, 7, 1 << 20).records()).hasSize(7);
            assertThat(log.read(tp, 0, 100, 1).records()).hasSize(1);
            assertThat(log.read(tp, 0, 100, 1000).records().size()).isBetween(2, 10);
            assertThat(Logs.readAll(log, tp)).extracting(LogRecord::offset)
                    .containsExactlyElementsOf(Stream.iterate(0L, i -> i + 1).limit(50).toList());
        }
    }

    @Test
    void readOutsideTheLogIsOffsetOutOfRange() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            append(log, tp, "k", "v");
            assertThat(log.read(tp, 1, 10, 100).records()).isEmpty();
            assertThatThrownBy(() -> log.read(tp, 2, 10, 100)).isInstanceOf(OffsetOutOfRangeException.class)
                    .hasMessageContaining("orders-0").hasMessageContaining("[0, 1]");
            assertThatThrownBy(() -> log.read(tp, -1, 10, 100)).isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void recordsOverTheMaximumAreRejectedAndNothingIsAppended() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("orders", TopicConfig.DEFAULT.withMaxRecordBytes(200));
            assertThatThrownBy(() -> log.append(tp, List.of(Record.of(b("a"), b("x")), Record.of(b("k"), new byte[500]))))
                    .isInstanceOf(RecordTooLargeException.class)
                    .satisfies(e -> assertThat(((RecordTooLargeException) e).maxRecordBytes()).isEqualTo(200));
            assertThat(log.endOffset(tp)).isZero();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''            | empty",
            ".             | not allowed",
            "..            | not allowed",
            "a b           | only ASCII",
            "orders/x      | only ASCII",
            "__internal    | reserved",
    })
    void invalidTopicNamesAreRejected(String name, String reason) {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThatThrownBy(() -> log.createTopic(name, TopicConfig.DEFAULT))
                    .isInstanceOf(InvalidTopicException.class).hasMessageContaining(reason);
        }
    }

    @Test
    void tooLongTopicNameAndUnknownPartitionAreRejected() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThatThrownBy(() -> log.createTopic("t".repeat(250), TopicConfig.DEFAULT))
                    .isInstanceOf(InvalidTopicException.class);
            log.createTopic("two", TopicConfig.DEFAULT.withPartitions(2));
            assertThatThrownBy(() -> log.read(new TopicPartition("two", 2), 0, 1, 1))
                    .isInstanceOf(UnknownTopicOrPartitionException.class);
        }
    }

    @Test
    void segmentsRollBySizeAndByAge() throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("orders", TopicConfig.DEFAULT.withSegment(2048, Duration.ofHours(1)));
            for (int i = 0; i < 40; i++) {
                append(log, tp, "k" + i, "v".repeat(100));
            }
            long bySize = log.partition(tp).segmentCount();
            assertThat(bySize).isGreaterThan(2);

            clock.advance(Duration.ofMinutes(59));
            append(log, tp, "k", "v");
            assertThat(log.partition(tp).segmentCount()).isEqualTo(bySize);
            clock.advance(Duration.ofMinutes(61));
            append(log, tp, "k", "v");
            assertThat(log.partition(tp).segmentCount()).isEqualTo(bySize + 1);
            assertThat(Logs.readAll(log, tp)).hasSize(42);
        }
        try (var files = java.nio.file.Files.list(LogFiles.partitionDir(dir, "orders", 0))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")))
                    .contains("00000000000000000000.log");
        }
    }

    @Test
    void dataTopicsAndOffsetsSurviveReopen() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("orders", Logs.small(TopicConfig.DEFAULT.withPartitions(3)));
            for (int i = 0; i < 100; i++) {
                append(log, tp, "k" + i, "v" + i);
            }
        }
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThat(log.topicConfig("orders").partitions()).isEqualTo(3);
            assertThat(log.topics()).containsExactly("orders");
            assertThat(Logs.readAll(log, tp)).extracting(r -> s(r.value()))
                    .containsExactlyElementsOf(Stream.iterate(0, i -> i + 1).limit(100).map(i -> "v" + i).toList());
            assertThat(append(log, tp, "k", "next")).isEqualTo(100);
        }
    }

    @Test
    void indexFilesAreRebuiltWhenMissingOrCorrupt() throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("orders", Logs.small(TopicConfig.DEFAULT));
            for (int i = 0; i < 200; i++) {
                append(log, tp, "k" + i, "v" + i);
            }
        }
        Path pdir = LogFiles.partitionDir(dir, "orders", 0);
        List<Path> indexes;
        try (var files = Files.list(pdir)) {
            indexes = files.filter(p -> p.toString().endsWith(".index") || p.toString().endsWith(".timeindex")).toList();
        }
        assertThat(indexes).isNotEmpty();
        Files.delete(indexes.get(0));
        Files.write(indexes.get(indexes.size() - 1), new byte[]{1, 2, 3});
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            for (long from : new long[]{0, 57, 133, 199}) {
                assertThat(log.read(tp, from, 1, 1000).records().get(0).offset()).isEqualTo(from);
            }
        }
    }

    @Test
    void offsetForTimestampFindsTheFirstRecordAtOrAfterIt() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("orders", Logs.small(TopicConfig.DEFAULT));
            for (int i = 0; i < 100; i++) {
                log.append(tp, List.of(Record.of(b("k"), b("v"), 1000 + i * 10L))).join();
            }
            assertThat(log.offsetForTimestamp(tp, 0)).hasValue(0);
            assertThat(log.offsetForTimestamp(tp, 1500)).hasValue(50);
            assertThat(log.offsetForTimestamp(tp, 1501)).hasValue(51);
            assertThat(log.offsetForTimestamp(tp, 5000)).isEmpty();
        }
    }

    @Test
    void tailingPollWaitsForDataAndWakesOnAppend() throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock).withFsync(LogConfig.FsyncPolicy.perBatch()))) {
            log.createTopic("orders", TopicConfig.DEFAULT);
            CompletableFuture<ReadResult> polled = CompletableFuture.supplyAsync(() -> {
                try {
                    return log.poll(tp, 0, 10, 1000, Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(polled).isNotDone();
            append(log, tp, "k", "v");
            await().alias("poll wakes up on append").atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(polled).isCompleted());
            assertThat(polled.join().records()).hasSize(1);
            assertThat(log.poll(tp, 1, 10, 1000, Duration.ofMillis(20)).records()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT0.02S"})
    void concurrentAppendersShareFsyncsAndEveryAcknowledgedRecordIsReadable(Duration interval) throws Exception {
        LogConfig.FsyncPolicy policy = interval.isZero() ? LogConfig.FsyncPolicy.perBatch() : LogConfig.FsyncPolicy.every(interval);
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock).withFsync(policy))) {
            log.createTopic("orders", TopicConfig.DEFAULT.withPartitions(4));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<CompletableFuture<AppendResult>> acks = new ArrayList<>();
            List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                TopicPartition p = new TopicPartition("orders", t);
                writers.add(pool.submit(() -> {
                    List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        mine.add(log.append(p, List.of(Record.of(b("k" + i), b("v" + i)))));
                    }
                    synchronized (acks) {
                        acks.addAll(mine);
                    }
                }));
            }
            for (var w : writers) {
                w.get();
            }
            pool.shutdown();
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            await().alias("fsync round recorded").atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(log.metrics().fsyncs()).isGreaterThan(0));
            assertThat(log.metrics().fsyncs()).as("appends share fsync rounds").isLessThan(800);
            assertThat(log.metrics().recordsAppended()).isEqualTo(800);
            for (int t = 0; t < 4; t++) {
                assertThat(log.endOffset(new TopicPartition("orders", t))).isEqualTo(200);
            }
        }
    }

    @Test
    void closedLogRejectsCalls() {
        var log = EmbeddedChangeLog.open(dir, Logs.config(clock));
        assertThat(log.state()).isEqualTo(EmbeddedChangeLog.State.RUNNING);
        log.close();
        assertThat(log.state()).isEqualTo(EmbeddedChangeLog.State.CLOSED);
        assertThatThrownBy(() -> append(log, tp, "k", "v")).hasMessageContaining("closed");
    }

    @Test
    void aDirectoryCanBeOpenedByOneLogAtATime() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThatThrownBy(() -> EmbeddedChangeLog.open(dir, Logs.config(clock)))
                    .hasMessageContaining("already open");
        }
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThat(log.state()).isEqualTo(EmbeddedChangeLog.State.RUNNING);
        }
    }
}
