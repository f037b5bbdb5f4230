package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.LogListener;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.tidelog.log.embedded.Logs.append;
import static org.assertj.core.api.Assertions.assertThat;

class RetentionTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Logs.START);
    final TopicPartition tp = new TopicPartition("events", 0);

    @Test
    void deletesWholeOldestSegmentsBeyondRetentionBytes() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("events", Logs.small(TopicConfig.DEFAULT).withRetention(10_000, null));
            for (int i = 0; i < 500; i++) {
                append(log, tp, "k" + i, "v".repeat(50));
            }
            long[] deleted = {0};
            log.addListener(new LogListener() {
                @Override
                public void onSegmentsDeleted(TopicPartition p, int segments, long bytes, String reason) {
                    deleted[0] += segments;
                    assertThat(reason).isEqualTo("retention.bytes");
                }
            });
            log.runMaintenance();
            PartitionLog p = log.partition(tp);
            assertThat(deleted[0]).isPositive();
            assertThat(p.sizeInBytes()).isLessThanOrEqualTo(10_000 + 4096);
            assertThat(log.logStartOffset(tp)).isEqualTo(p.segmentMap().firstKey()).isPositive();
            assertThat(Logs.readAll(log, tp).get(0).offset()).isEqualTo(log.logStartOffset(tp));
            assertThat(log.endOffset(tp)).isEqualTo(500);
        }
    }

    @Test
    void deletesSegmentsOlderThanRetentionButNeverTheActiveOne() {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("events", Logs.small(TopicConfig.DEFAULT).withRetention(-1, Duration.ofHours(2)));
            for (int i = 0; i < 200; i++) {
                append(log, tp, "k" + i, "v".repeat(50));
            }
            clock.advance(Duration.ofHours(1));
            for (int i = 0; i < 200; i++) {
                append(log, tp, "k" + i, "v".repeat(50));
            }
            log.runMaintenance();
            assertThat(log.logStartOffset(tp)).isZero();

            clock.advance(Duration.ofMinutes(61));
            log.runMaintenance();
            long start = log.logStartOffset(tp);
            assertThat(start).isBetween(150L, 200L);

            clock.advance(Duration.ofDays(1));
            log.runMaintenance();
            assertThat(log.logStartOffset(tp)).isEqualTo(log.partition(tp).activeBaseOffset());
            assertThat(log.partition(tp).segmentCount()).isEqualTo(1);
        }
    }

    @Test
    void aReaderHoldingADeletedSegmentKeepsReadingIt() throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("events", Logs.small(TopicConfig.DEFAULT).withRetention(0, null));
            for (int i = 0; i < 200; i++) {
                append(log, tp, "k" + i, "v" + i);
            }
            PartitionLog p = log.partition(tp);
            LogSegment first = p.sealedSegments().get(0);
            assertThat(first.tryRetain()).isTrue();
            log.runMaintenance();
            assertThat(p.segmentMap()).doesNotContainValue(first);
            assertThat(java.nio.file.Files.exists(first.file())).as("renamed .deleted, kept for the reader").isTrue();

            java.util.List<io.tidelog.log.LogRecord> out = new java.util.ArrayList<>();
            assertThat(first.read(tp, new LogSegment.ReadCursor(0, 1 << 20), Long.MAX_VALUE, 1000, out)).isTrue();
            assertThat(out).isNotEmpty().allSatisfy(r -> assertThat(Logs.s(r.value())).isEqualTo("v" + r.offset()));
            first.release();
            assertThat(java.nio.file.Files.exists(first.file())).as("deleted after the last reader").isFalse();
        }
    }
}
