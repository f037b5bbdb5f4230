package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.LogRecord;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.tidelog.log.embedded.Logs.b;
import static io.tidelog.log.embedded.Logs.s;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of appends, tombstones, rolls, compactions (with time passing) and simulated
 * crashes (the log is closed, an unacknowledged batch is left torn or corrupt at the tail of the
 * active segment, then the log is reopened and recovers). After every
 * sequence: (1) reading from 0 gives every key its latest acknowledged value, or nothing / a tombstone
 * if deleted; (2) offsets strictly increase and each still holds the value acknowledged for it;
 * (3) every acknowledged record that compaction may not remove survives; (4) a key's records keep
 * their relative order.
 */
class ChangeLogProperties {
    private static final TopicPartition TP = new TopicPartition("p", 0);

    enum Kind { APPEND, TOMBSTONE, ROLL, COMPACT, CRASH }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Kind, Integer, Integer>>> ops() {
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.just(Kind.APPEND)), Tuple.of(4, Arbitraries.just(Kind.TOMBSTONE)),
                Tuple.of(2, Arbitraries.just(Kind.ROLL)), Tuple.of(2, Arbitraries.just(Kind.COMPACT)),
                Tuple.of(1, Arbitraries.just(Kind.CRASH)));
        return Combinators.of(kind, Arbitraries.integers().between(0, 15),
                Arbitraries.integers().between(1, 40)).list().ofMinSize(1).ofMaxSize(120);
    }

    /** Avoids a dependency on jqwik's combinator imports in the signature above. */
    private static final class Combinators {
        static Arbitrary<Tuple.Tuple3<Kind, Integer, Integer>> of(Arbitrary<Kind> k, Arbitrary<Integer> a, Arbitrary<Integer> b) {
            return net.jqwik.api.Combinators.combine(k, a, b).as(Tuple::of);
        }
    }

    @Property(tries = 150)
    void logBehavesLikeAMapWithHistory(@ForAll("ops") List<Tuple.Tuple3<Kind, Integer, Integer>> ops) throws Exception {
        Path dir = Files.createTempDirectory("changelog-prop");
        ManualClock clock = new ManualClock(Logs.START);
        LogConfig config = Logs.config(clock).withCleaner(1024, Duration.ofDays(1));
        Map<Long, String[]> acked = new HashMap<>();
        boolean compacted = false;
        EmbeddedChangeLog log = EmbeddedChangeLog.open(dir, config);
        try {
            log.createTopic("p", TopicConfig.compacted(1).withSegment(2048, Duration.ofDays(7))
                    .withCompaction(Duration.ofMinutes(5), Duration.ZERO, 0.1));
            for (var op : ops) {
                String key = "k" + op.get2();
                switch (op.get1()) {
                    case APPEND -> {
                        List<Record> batch = new ArrayList<>();
                        for (int i = 0; i < 1 + op.get3() % 4; i++) {
                            batch.add(Record.of(b(key), b("v" + op.get3() + "-" + i + "-" + acked.size())));
                        }
                        long base = log.append(TP, batch).join().baseOffset();
                        for (int i = 0; i < batch.size(); i++) {
                            acked.put(base + i, new String[]{key, s(batch.get(i).value())});
                        }
                    }
                    case TOMBSTONE -> acked.put(log.append(TP, List.of(Record.tombstone(b(key)))).join().baseOffset(),
                            new String[]{key, null});
                    case ROLL -> log.partition(TP).roll();
                    case COMPACT -> {
                        clock.advance(Duration.ofMinutes(op.get3()));
                        log.runMaintenance();
                        compacted = true;
                    }
                    case CRASH -> {
                        log.close();
                        tearTail(dir, log.endOffset(TP), op.get3());
                        log = EmbeddedChangeLog.open(dir, config);
                    }
                }
            }
            check(log, acked, compacted);
            log.close();
            log = EmbeddedChangeLog.open(dir, config);
            check(log, acked, compacted);
        } finally {
            log.close();
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Simulates a crash during an unacknowledged append: the next batch (real encoding, next offsets)
     * is left in the active segment either cut at a random byte or whole with one byte flipped.
     */
    private static void tearTail(Path root, long nextOffset, int seed) throws IOException {
        Path pdir = LogFiles.partitionDir(root, "p", 0);
        Path active;
        try (var files = Files.list(pdir)) {
            active = files.filter(p -> LogFiles.isSegmentName(p.getFileName().toString())).max(Path::compareTo).orElseThrow();
        }
        Random random = new Random(seed);
        List<Record> lost = List.of(Record.of(b("k1"), b("lost-" + seed)), Record.of(b("k2"), b("lost")));
        int size = lost.stream().mapToInt(RecordBatch::sizeOf).sum();
        ByteBuffer batch = new BatchWriter().encode(nextOffset, lost, size, Logs.START);
        if (random.nextBoolean()) {
            batch.limit(1 + random.nextInt(batch.limit() - 1));
        } else {
            int at = RecordBatch.CRC_OFFSET + random.nextInt(batch.limit() - RecordBatch.CRC_OFFSET);
            batch.put(at, (byte) (batch.get(at) ^ (1 + random.nextInt(255))));
        }
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(batch);
        }
    }

    private static void check(EmbeddedChangeLog log, Map<Long, String[]> acked, boolean compacted) {
        List<LogRecord> all = Logs.readAll(log, TP);
        Map<String, Long> latestOffset = new HashMap<>();
        acked.forEach((offset, kv) -> latestOffset.merge(kv[0], offset, Math::max));
        long previous = -1;
        Map<String, Long> lastSeen = new HashMap<>();
        for (LogRecord r : all) {
            assertThat(r.offset()).as("offsets strictly increase").isGreaterThan(previous);
            previous = r.offset();
            String[] expected = acked.get(r.offset());
            assertThat(expected).as("offset %d was acknowledged", r.offset()).isNotNull();
            assertThat(s(r.key())).isEqualTo(expected[0]);
            assertThat(s(r.value())).as("offset %d never changes", r.offset()).isEqualTo(expected[1]);
            lastSeen.put(s(r.key()), r.offset());
        }
        latestOffset.forEach((key, offset) -> {
            String[] latest = acked.get(offset);
            if (latest[1] != null) {
                assertThat(lastSeen.get(key)).as("latest value of %s survives", key).isEqualTo(offset);
            } else if (lastSeen.containsKey(key)) {
                assertThat(lastSeen.get(key)).as("tombstone of %s is the last record seen", key).isEqualTo(offset);
            }
        });
        for (long from = log.logStartOffset(TP); from < acked.size(); from += 7) {
            long f = from;
            long expectedFirst = all.stream().mapToLong(LogRecord::offset).filter(o -> o >= f).findFirst().orElse(-1);
            List<LogRecord> one = log.read(TP, from, 1, 1).records();
            if (expectedFirst < 0) {
                assertThat(one).isEmpty();
            } else {
                assertThat(one).as("read from %d starts at the next existing offset", from).singleElement()
                        .satisfies(r -> assertThat(r.offset()).isEqualTo(expectedFirst));
            }
        }
        if (!compacted) {
            assertThat(all).as("without compaction every acknowledged record survives").hasSize(acked.size());
        }
        assertThat(log.endOffset(TP)).isEqualTo(acked.size());
    }
}
