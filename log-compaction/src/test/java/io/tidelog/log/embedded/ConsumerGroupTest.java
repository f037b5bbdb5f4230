package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.LogListener;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tidelog.log.embedded.Logs.append;
import static io.tidelog.log.embedded.Logs.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerGroupTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Logs.START);
    final TopicPartition p0 = new TopicPartition("orders", 0);
    final TopicPartition p1 = new TopicPartition("orders", 1);

    @Test
    void committedOffsetsSurviveRestartAndLagIsExact() throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("orders", TopicConfig.DEFAULT.withPartitions(2));
            for (int i = 0; i < 10; i++) {
                append(log, p0, "k" + i, "v" + i);
                append(log, p1, "k" + i, "v" + i);
            }
            try (var consumer = log.consumer("sink-a", OffsetResetPolicy.EARLIEST)) {
                consumer.subscribe(List.of("orders"));
                List<LogRecord> got = new ArrayList<>();
                while (got.size() < 20) {
                    got.addAll(consumer.poll(Duration.ofSeconds(1)));
                }
                consumer.commitSync(Map.of(p0, 7L, p1, 10L));
            }
        }
        clock.advance(Duration.ofSeconds(30));
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThat(log.committedOffsets("sink-a")).containsExactlyInAnyOrderEntriesOf(Map.of(p0, 7L, p1, 10L));
            List<PartitionLag> lag = log.lag("sink-a", "orders");
            assertThat(lag).extracting(PartitionLag::records).containsExactly(3L, 0L);
            assertThat(lag.get(0).timeLag()).isEqualTo(Duration.ofSeconds(30));
            assertThat(lag.get(1).timeLag()).isZero();
            try (var consumer = log.consumer("sink-a", OffsetResetPolicy.FAIL)) {
                consumer.assign(List.of(p0));
                assertThat(consumer.poll(Duration.ofSeconds(1))).extracting(LogRecord::offset).containsExactly(7L, 8L, 9L);
                consumer.commitSync();
                assertThat(consumer.lag()).singleElement().satisfies(l -> assertThat(l.records()).isZero());
            }
        }
    }

    @Test
    void seekToBeginningEndOffsetAndTimestamp() throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            for (int i = 0; i < 10; i++) {
                log.append(p0, List.of(Record.of(b("k"), b("v"), 100L * i))).join();
            }
            try (var c = log.consumer("g", OffsetResetPolicy.LATEST)) {
                c.assign(List.of(p0));
                assertThat(c.position(p0)).isEqualTo(10);
                c.seekToBeginning(List.of(p0));
                assertThat(c.position(p0)).isZero();
                c.seekToTimestamp(List.of(p0), 450);
                assertThat(c.poll(Duration.ZERO)).extracting(LogRecord::offset).startsWith(5L);
                c.seek(p0, 8);
                assertThat(c.poll(Duration.ZERO)).extracting(LogRecord::offset).containsExactly(8L, 9L);
                c.seekToEnd(List.of(p0));
                assertThat(c.poll(Duration.ofMillis(10))).isEmpty();
            }
        }
    }

    private void overtakeByRetention(EmbeddedChangeLog log) {
        log.createTopic("orders", Logs.small(TopicConfig.DEFAULT).withRetention(5000, null));
        for (int i = 0; i < 20; i++) {
            append(log, p0, "k" + i, "v".repeat(50));
        }
        log.commitOffsets("slow", Map.of(p0, 3L)).join();
        for (int i = 0; i < 300; i++) {
            append(log, p0, "k" + i, "v".repeat(50));
        }
        log.runMaintenance();
        assertThat(log.logStartOffset(p0)).isGreaterThan(3);
    }

    @Test
    void aGroupOvertakenByRetentionIsSignalledAndResetToEarliest() throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            overtakeByRetention(log);
            assertThat(log.lag("slow", "orders")).singleElement().satisfies(l -> assertThat(l.outOfRange()).isTrue());
            long[] reset = {-1, -1};
            log.addListener(new LogListener() {
                @Override
                public void onOffsetReset(String group, TopicPartition tp, long from, long to, OffsetResetPolicy policy) {
                    reset[0] = from;
                    reset[1] = to;
                }
            });
            try (var c = log.consumer("slow", OffsetResetPolicy.EARLIEST)) {
                c.assign(List.of(p0));
                List<LogRecord> got = c.poll(Duration.ofSeconds(1));
                assertThat(got.get(0).offset()).isEqualTo(log.logStartOffset(p0));
                assertThat(reset).containsExactly(3, log.logStartOffset(p0));
            }
        }
    }

    @Test
    void resetPolicyLatestAndFail() throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            overtakeByRetention(log);
            try (var c = log.consumer("slow", OffsetResetPolicy.LATEST)) {
                c.assign(List.of(p0));
                assertThat(c.poll(Duration.ZERO)).isEmpty();
                assertThat(c.position(p0)).isEqualTo(320);
            }
            try (var c = log.consumer("slow", OffsetResetPolicy.FAIL)) {
                c.assign(List.of(p0));
                assertThatThrownBy(() -> c.poll(Duration.ZERO)).isInstanceOf(OffsetOutOfRangeException.class)
                        .satisfies(e -> assertThat(((OffsetOutOfRangeException) e).offset()).isEqualTo(3));
            }
        }
    }

    @Test
    void pollWaitsWithoutSpinningAndWakesOnDurableAppend() throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock).withFsync(LogConfig.FsyncPolicy.perBatch()))) {
            log.createTopic("orders", TopicConfig.DEFAULT.withPartitions(2));
            var consumer = log.consumer("tail", OffsetResetPolicy.LATEST);
            consumer.subscribe(List.of("orders"));
            java.util.concurrent.CompletableFuture<List<LogRecord>> polled = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return consumer.poll(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(polled).isNotDone();
            append(log, p1, "k", "v");
            org.awaitility.Awaitility.await().alias("consumer wakes on append").atMost(Duration.ofSeconds(5))
                    .until(polled::isDone);
            assertThat(polled.join()).singleElement().satisfies(r -> assertThat(r.partition()).isEqualTo(p1));
            consumer.close();
        }
    }
}
