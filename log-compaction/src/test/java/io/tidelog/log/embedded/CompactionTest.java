package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tidelog.log.embedded.Logs.append;
import static io.tidelog.log.embedded.Logs.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompactionTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Logs.START);
    final TopicPartition tp = new TopicPartition("users", 0);

    private EmbeddedChangeLog open(int mapBytes, TopicConfig topic) {
        EmbeddedChangeLog log = EmbeddedChangeLog.open(dir, Logs.config(clock).withCleaner(mapBytes, Duration.ofDays(1)));
        log.createTopic("users", topic);
        return log;
    }

    private static TopicConfig compacted() {
        return Logs.small(TopicConfig.compacted(1)).withCompaction(Duration.ofHours(1), Duration.ZERO, 0.0);
    }

    private static Map<String, String> latest(List<LogRecord> records) {
        Map<String, String> m = new LinkedHashMap<>();
        for (LogRecord r : records) {
            m.put(s(r.key()), s(r.value()));
        }
        return m;
    }

    @Test
    void keepsTheLatestRecordPerKeyAndNeverChangesOffsets() throws Exception {
        try (var log = open(64 * 1024, compacted())) {
            Map<String, Long> lastOffset = new HashMap<>();
            for (int i = 0; i < 1000; i++) {
                String k = "k" + (i % 20);
                lastOffset.put(k, append(log, tp, k, "v" + i));
            }
            int segmentsBefore = log.partition(tp).segmentCount();
            long bytesBefore = log.partition(tp).sizeInBytes();
            log.runMaintenance();

            List<LogRecord> after = Logs.readAll(log, tp);
            long activeBase = log.partition(tp).activeBaseOffset();
            assertThat(after.stream().filter(r -> r.offset() < activeBase).map(r -> s(r.key())))
                    .doesNotHaveDuplicates();
            for (LogRecord r : after) {
                assertThat(s(r.value())).isEqualTo("v" + r.offset());
            }
            assertThat(latest(after)).hasSize(20).allSatisfy((k, v) -> assertThat(v).isEqualTo("v" + lastOffset.get(k)));
            assertThat(log.partition(tp).sizeInBytes()).isLessThan(bytesBefore / 4);
            int segmentsAfterFirstPass = log.partition(tp).segmentCount();
            for (int i = 1000; i < 1100; i++) {
                append(log, tp, "k" + (i % 20), "v" + i);
            }
            log.partition(tp).roll();
            log.runMaintenance();
            assertThat(log.partition(tp).segmentCount()).as("small cleaned segments are merged")
                    .isLessThan(Math.min(segmentsBefore, segmentsAfterFirstPass));
            assertThat(latest(Logs.readAll(log, tp))).hasSize(20).containsEntry("k19", "v1099");
            assertThat(log.endOffset(tp)).isEqualTo(1100);
            assertThat(log.metrics().compactionRuns()).isPositive();
            assertThat(log.metrics().bytesReclaimed()).isPositive();
            ReadResult fromGap = log.read(tp, 1, 1, 1000);
            assertThat(fromGap.records().get(0).offset()).isGreaterThan(1);
        }
    }

    @Test
    void aMapSmallerThanTheLogCleansInSeveralPasses() {
        try (var log = open(2048, compacted())) {
            for (int i = 0; i < 700; i++) {
                append(log, tp, "k" + (i % 150), "v" + i);
            }
            log.runMaintenance();
            List<LogRecord> after = Logs.readAll(log, tp);
            long activeBase = log.partition(tp).activeBaseOffset();
            assertThat(after.stream().filter(r -> r.offset() < activeBase).map(r -> s(r.key()))).doesNotHaveDuplicates();
            assertThat(latest(after)).hasSize(150).allSatisfy((k, v) -> {
                int j = Integer.parseInt(k.substring(1));
                assertThat(v).isEqualTo("v" + (j < 100 ? 600 + j : 450 + j));
            });
            assertThat(log.metrics().compactionRuns()).isGreaterThan(1);
        }
    }

    @Test
    void tombstonesSurviveDeleteRetentionThenAreDropped() throws Exception {
        try (var log = open(64 * 1024, compacted())) {
            for (int i = 0; i < 100; i++) {
                append(log, tp, "k" + (i % 10), "v" + i);
            }
            log.append(tp, List.of(io.tidelog.log.Record.tombstone(Logs.b("k3")))).join();
            for (int i = 0; i < 100; i++) {
                append(log, tp, "other" + (i % 10), "v" + i);
            }
            log.partition(tp).roll();
            log.runMaintenance();
            assertThat(Logs.readAll(log, tp)).filteredOn(r -> s(r.key()).equals("k3"))
                    .singleElement().satisfies(r -> assertThat(r.isTombstone()).isTrue());

            clock.advance(Duration.ofMinutes(59));
            log.runMaintenance();
            assertThat(Logs.readAll(log, tp)).filteredOn(r -> s(r.key()).equals("k3")).hasSize(1);

            clock.advance(Duration.ofMinutes(2));
            log.runMaintenance();
            assertThat(Logs.readAll(log, tp)).noneMatch(r -> s(r.key()).equals("k3"));
            assertThat(latest(Logs.readAll(log, tp))).hasSize(19);
        }
    }

    @Test
    void theActiveSegmentAndRecordsYoungerThanTheMinLagAreNotCompacted() {
        TopicConfig topic = compacted().withCompaction(Duration.ofHours(1), Duration.ofMinutes(10), 0.0);
        try (var log = open(64 * 1024, topic)) {
            for (int i = 0; i < 300; i++) {
                append(log, tp, "k" + (i % 5), "v" + i);
            }
            log.runMaintenance();
            assertThat(Logs.readAll(log, tp)).hasSize(300);

            clock.advance(Duration.ofMinutes(11));
            log.runMaintenance();
            List<LogRecord> after = Logs.readAll(log, tp);
            long activeBase = log.partition(tp).activeBaseOffset();
            assertThat(after.stream().filter(r -> r.offset() >= activeBase).count()).isEqualTo(300 - activeBase);
            assertThat(after.size()).isLessThan(300);
        }
    }

    @Test
    void aLowDirtyRatioDoesNotTriggerCleaning() {
        TopicConfig topic = compacted().withCompaction(Duration.ofHours(1), Duration.ZERO, 0.99);
        try (var log = open(64 * 1024, topic)) {
            for (int i = 0; i < 300; i++) {
                append(log, tp, "k" + i, "v" + i);
            }
            log.runMaintenance();
            int segments = log.partition(tp).segmentCount();
            for (int i = 0; i < 30; i++) {
                append(log, tp, "k" + i, "again" + i);
            }
            log.runMaintenance();
            assertThat(log.partition(tp).segmentCount()).isGreaterThanOrEqualTo(segments);
            assertThat(Logs.readAll(log, tp)).filteredOn(r -> s(r.key()).equals("k1")).hasSize(2);
        }
    }

    @Test
    void readersPositionedOnReplacedSegmentsKeepWorking() throws Exception {
        try (var log = open(64 * 1024, compacted())) {
            for (int i = 0; i < 500; i++) {
                append(log, tp, "k" + (i % 7), "v" + i);
            }
            PartitionLog p = log.partition(tp);
            LogSegment old = p.sealedSegments().get(1);
            assertThat(old.tryRetain()).isTrue();
            log.runMaintenance();
            assertThat(p.segmentMap()).doesNotContainValue(old);
            List<LogRecord> out = new java.util.ArrayList<>();
            LogSegment.ReadCursor cursor = new LogSegment.ReadCursor(old.baseOffset(), 1 << 20);
            assertThat(old.read(tp, cursor, Long.MAX_VALUE, 1000, out)).isTrue();
            assertThat(out).isNotEmpty().allSatisfy(r -> assertThat(s(r.value())).isEqualTo("v" + r.offset()));
            old.release();
            assertThat(old.tryRetain()).isFalse();
        }
    }

    @Test
    void compactionStateSurvivesRestartAndCleanedLogReopens() {
        try (var log = open(64 * 1024, compacted())) {
            for (int i = 0; i < 600; i++) {
                append(log, tp, "k" + (i % 9), "v" + i);
            }
            log.runMaintenance();
        }
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            Map<String, String> m = latest(Logs.readAll(log, tp));
            assertThat(m).hasSize(9).containsEntry("k0", "v594");
            assertThat(append(log, tp, "k0", "new")).isEqualTo(600);
        }
    }

    @Test
    void concurrentReadersSeeConsistentRecordsWhileAppendsAndCompactionRun() throws Exception {
        try (var log = open(4096, compacted())) {
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.CompletableFuture<Void> reader = java.util.concurrent.CompletableFuture.runAsync(() -> {
                while (!done.get()) {
                    long previous = -1;
                    for (LogRecord r : Logs.readAll(log, tp)) {
                        assertThat(r.offset()).isGreaterThan(previous);
                        assertThat(s(r.value())).isEqualTo("v" + r.offset());
                        previous = r.offset();
                    }
                    reads.incrementAndGet();
                }
            });
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 100; i++) {
                    long next = log.endOffset(tp);
                    append(log, tp, "k" + (next % 30), "v" + next);
                }
                log.runMaintenance();
            }
            done.set(true);
            reader.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(reads.get()).isPositive();
            assertThat(latest(Logs.readAll(log, tp))).hasSize(30);
            assertThat(log.metrics().compactionRuns()).isGreaterThan(5);
        }
    }

    @Test
    void aCorruptSegmentStopsCompactionOfThePartitionInsteadOfLosingData() throws Exception {
        try (var log = open(64 * 1024, compacted())) {
            for (int i = 0; i < 500; i++) {
                append(log, tp, "k" + (i % 7), "v" + i);
            }
            PartitionLog p = log.partition(tp);
            LogSegment victim = p.sealedSegments().get(2);
            RecoveryTest.flip(victim.file(), victim.size() - 10);
            long bytesBefore = p.sizeInBytes();

            log.runMaintenance();

            assertThat(log.cleaner().manager().isUncleanable(tp)).isTrue();
            assertThat(p.sizeInBytes()).as("nothing rewritten").isEqualTo(bytesBefore);
            assertThat(log.read(tp, 0, (int) victim.baseOffset(), 1 << 20).records()).hasSize((int) victim.baseOffset())
                    .allSatisfy(r -> assertThat(s(r.value())).isEqualTo("v" + r.offset()));
            assertThatThrownBy(() -> Logs.readAll(log, tp)).isInstanceOf(io.tidelog.log.CorruptRecordException.class);
        }
    }
}
