package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.CorruptRecordException;
import io.tidelog.log.LogListener;
import io.tidelog.log.LogRecord;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static io.tidelog.log.embedded.Logs.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Corruption injection, then reopen: recovery does what {@link LogSegment#recover()} and {@link LogLoader} say. */
class RecoveryTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Logs.START);
    final TopicPartition tp = new TopicPartition("t", 0);

    private List<Path> segments() throws Exception {
        try (var files = Files.list(LogFiles.partitionDir(dir, "t", 0))) {
            return files.filter(p -> LogFiles.isSegmentName(p.getFileName().toString())).sorted().toList();
        }
    }

    private void write(int records) {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.createTopic("t", Logs.small(TopicConfig.DEFAULT));
            for (int i = 0; i < records; i++) {
                append(log, tp, "k" + i, "value-" + i);
            }
        }
    }

    @ParameterizedTest(name = "cut {0} bytes off the tail")
    @CsvSource({"1", "7", "30", "51"})
    void tornTailIsCutAndReported(int cut) throws Exception {
        write(100);
        Path active = segments().get(segments().size() - 1);
        long size = Files.size(active);
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE)) {
            ch.truncate(size - cut);
        }
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            List<LogRecord> all = Logs.readAll(log, tp);
            assertThat(all).hasSize(99);
            assertThat(log.metrics().recoveredBytesDropped()).isEqualTo((size - cut) - Files.size(active));
            assertThat(append(log, tp, "k", "after")).isEqualTo(99);
        }
    }

    @Test
    void flippedByteInTheTailDropsTheCorruptBatchAndEverythingAfter() throws Exception {
        write(100);
        Path active = segments().get(segments().size() - 1);
        long size = Files.size(active);
        flip(active, size - 5);
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThat(Logs.readAll(log, tp)).hasSize(99)
                    .allSatisfy(r -> assertThat(Logs.s(r.value())).isEqualTo("value-" + r.offset()));
            assertThat(log.metrics().recoveredBytesDropped()).isPositive();
        }
    }

    @Test
    void recoveryReportsBytesAndRecordsToListeners() throws Exception {
        write(10);
        Path active = segments().get(segments().size() - 1);
        flip(active, RecordBatch.SEGMENT_HEADER_SIZE + RecordBatch.BATCH_OVERHEAD + 3);
        long[] reported = new long[2];
        LogStats stats = new LogStats();
        stats.add(new LogListener() {
            @Override
            public void onRecoveryTruncation(TopicPartition partition, long bytes, long records) {
                reported[0] = bytes;
                reported[1] = records;
            }
        });
        long size = Files.size(active);
        PartitionLog p = PartitionLog.open(tp, active.getParent(), Logs.small(TopicConfig.DEFAULT), Logs.config(clock),
                stats, new LogFlusher(Long.MAX_VALUE, stats, "f"), new DataNotifier(), FileIo.DEFAULT);
        assertThat(p.highWatermark()).isZero();
        assertThat(reported[0]).isEqualTo(size - RecordBatch.SEGMENT_HEADER_SIZE);
        assertThat(reported[1]).isEqualTo(10);
        p.close();
    }

    @Test
    void flippedByteInAMiddleSegmentIsNeverServed() throws Exception {
        write(300);
        List<Path> segs = segments();
        assertThat(segs.size()).isGreaterThan(3);
        Path middle = segs.get(1);
        long base = LogFiles.offsetFromFileName(middle.getFileName().toString());
        flip(middle, Files.size(middle) / 2);
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThat(log.read(tp, 0, 10, 1000).records()).isNotEmpty();
            assertThatThrownBy(() -> Logs.readAll(log, tp)).isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("t-0");
            long after = LogFiles.offsetFromFileName(segs.get(2).getFileName().toString());
            assertThat(log.read(tp, after, 10, 1000).records().get(0).offset()).isEqualTo(after);
            assertThat(log.read(tp, base, 1, 100).records()).allSatisfy(
                    r -> assertThat(Logs.s(r.value())).isEqualTo("value-" + r.offset()));
        }
    }

    @Test
    void tornSegmentHeaderIsRewritten() throws Exception {
        write(5);
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            log.partition(tp).roll();
        }
        Path active = segments().get(segments().size() - 1);
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE)) {
            ch.truncate(3);
        }
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThat(Logs.readAll(log, tp)).hasSize(5);
            assertThat(append(log, tp, "k", "v")).isEqualTo(5);
        }
    }

    @Test
    void leftoverCleanerFilesAreRemovedAndAnInterruptedSwapIsCompleted() throws Exception {
        write(300);
        List<Path> segs = segments();
        Path pdir = segs.get(0).getParent();
        Files.write(pdir.resolve("00000000000000000000.log.cleaned"), new byte[]{1, 2});
        // a swap holding segments 0 and 1 (their data copied as-is) as if the cleaner crashed mid-swap
        byte[] first = Files.readAllBytes(segs.get(0));
        byte[] second = Files.readAllBytes(segs.get(1));
        byte[] swap = new byte[first.length + second.length - RecordBatch.SEGMENT_HEADER_SIZE];
        System.arraycopy(first, 0, swap, 0, first.length);
        System.arraycopy(second, RecordBatch.SEGMENT_HEADER_SIZE, swap, first.length, second.length - RecordBatch.SEGMENT_HEADER_SIZE);
        Files.write(pdir.resolve("00000000000000000000.log.swap"), swap);
        Files.move(segs.get(1), LogFiles.withSuffix(segs.get(1), LogFiles.DELETED_SUFFIX));
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThat(Logs.readAll(log, tp)).extracting(LogRecord::offset)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 300).boxed().toList());
        }
        try (var files = Files.list(pdir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap") || n.endsWith(".deleted"))
                    .doesNotContain(segs.get(1).getFileName().toString());
        }
    }

    static void flip(Path file, long position) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x5a);
        }
    }
}
