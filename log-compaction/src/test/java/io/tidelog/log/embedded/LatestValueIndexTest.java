package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import static io.tidelog.log.embedded.Logs.append;
import static io.tidelog.log.embedded.Logs.b;
import static io.tidelog.log.embedded.Logs.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogRecord;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatestValueIndexTest {

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Logs.START);

    private EmbeddedChangeLog open() {
        EmbeddedChangeLog log = EmbeddedChangeLog.open(dir, Logs.config(clock));
        log.createTopic("users", Logs.small(TopicConfig.compacted(3))
                .withCompaction(Duration.ofHours(1), Duration.ZERO, 0.0));
        return log;
    }

    private static String latest(LatestValueIndex index, String key) {
        return index.latest("users", b(key)).map(r -> s(r.value())).orElse(null);
    }

    private static long put(ChangeLog log, String key, String value) {
        return log.append("users", new Record(b(key), b(value), List.of(), Record.NO_TIMESTAMP)).join().baseOffset();
    }

    @Test
    void followsAppendsAndForgetsDeletedKeys() {
        try (var log = open()) {
            LatestValueIndex index = new LatestValueIndex(log, 1 << 20);
            assertThat(index.latest("users", b("k1"))).isEmpty();
            put(log, "k1", "a");
            put(log, "k2", "b");
            assertThat(latest(index, "k1")).isEqualTo("a");
            put(log, "k1", "c");
            assertThat(latest(index, "k1")).as("appended after the index was built").isEqualTo("c");
            log.append("users", Record.tombstone(b("k2"))).join();
            assertThat(index.latest("users", b("k2"))).as("a tombstone removes the key").isEmpty();
            put(log, "k2", "d");
            assertThat(latest(index, "k2")).as("re-inserted after the delete").isEqualTo("d");

            Optional<LogRecord> record = index.latest("users", b("k1"));
            assertThat(record).get().extracting(r -> s(r.key())).isEqualTo("k1");
        }
    }

    @Test
    void isRebuiltFromTheLogAfterReopenAndAfterCompaction() throws Exception {
        Map<String, String> expected = new HashMap<>();
        try (var log = open()) {
            for (int i = 0; i < 3000; i++) {
                String k = "k" + (i % 100);
                String v = "v" + i;
                put(log, k, v);
                expected.put(k, v);
            }
            for (int k = 0; k < 100; k += 10) {
                log.append("users", Record.tombstone(b("k" + k))).join();
                expected.remove("k" + k);
            }
        }
        try (var log = open()) {
            LatestValueIndex beforeCompaction = new LatestValueIndex(log, 1 << 20);
            assertIndexMatches(beforeCompaction, expected);

            for (int p = 0; p < 3; p++) {
                log.partition(new TopicPartition("users", p)).roll();
            }
            log.runMaintenance();
            assertThat(log.metrics().compactionRuns()).isPositive();
            put(log, "k1", "after-compaction");
            expected.put("k1", "after-compaction");

            assertIndexMatches(beforeCompaction, expected);
            assertIndexMatches(new LatestValueIndex(log, 1 << 20), expected);
        }
    }

    @Test
    void aKeyEvictedByTheMemoryBoundIsUnknownNeverAnotherKeysValue() {
        try (var log = open()) {
            for (int i = 0; i < 2000; i++) {
                put(log, "k" + i, "v" + i);
            }
            LatestValueIndex index = new LatestValueIndex(log, 3 * 1024); // 64 slots a partition: 48 keys
            List<String> known = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                String value = latest(index, "k" + i);
                if (value != null) {
                    assertThat(value).isEqualTo("v" + i);
                    known.add(value);
                }
            }
            assertThat(known).hasSizeLessThanOrEqualTo(3 * 48).isNotEmpty();
            assertThat(index.evictions()).isEqualTo(2000 - 3 * 48);
            assertThat(index.memoryBytes()).isLessThanOrEqualTo(3 * 1024);
        }
    }

    private static void assertIndexMatches(LatestValueIndex index, Map<String, String> expected) {
        for (int k = 0; k < 100; k++) {
            assertThat(latest(index, "k" + k)).as("k%d", k).isEqualTo(expected.get("k" + k));
        }
    }

    @Test
    void indexesEachRecordOnceAndAnswersAgainWithoutNewAppends() {
        try (var log = open()) {
            TopicPartition tp = new TopicPartition("users", log.partitionFor("users", b("only")));
            append(log, tp, "only", "x");
            LatestValueIndex index = new LatestValueIndex(log, 1 << 20);
            assertThat(latest(index, "only")).isEqualTo("x");
            assertThat(index.size(tp)).isEqualTo(1);
            assertThat(latest(index, "only")).isEqualTo("x");
        }
    }
}
