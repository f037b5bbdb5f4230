package io.tidelog.log.embedded;

import io.tidelog.harness.ManualClock;
import io.tidelog.log.AppendResult;
import io.tidelog.log.LogRecord;
import io.tidelog.log.LogStorageException;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static io.tidelog.log.embedded.Logs.append;
import static io.tidelog.log.embedded.Logs.b;
import static io.tidelog.log.embedded.Logs.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A full disk or failing fsync fails the append, leaves no half batch, and the log recovers. */
class IoFailureTest {
    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Logs.START);
    final TopicPartition tp = new TopicPartition("t", 0);
    final FaultyFileIo io = new FaultyFileIo();

    private long activeSize() throws Exception {
        try (var files = Files.list(LogFiles.partitionDir(dir, "t", 0))) {
            return Files.size(files.filter(p -> LogFiles.isSegmentName(p.getFileName().toString())).max(Path::compareTo).orElseThrow());
        }
    }

    @ParameterizedTest(name = "disk full after {0} more bytes")
    @CsvSource({"0", "1", "20", "60"})
    void aFullDiskFailsTheAppendWithoutAPartialBatchAndTheLogRecovers(long budget) throws Exception {
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock), io)) {
            log.createTopic("t", TopicConfig.DEFAULT);
            append(log, tp, "k0", "v0");
            long sizeBefore = activeSize();

            io.writeBudget = budget;
            CompletableFuture<AppendResult> failed = log.append(tp, List.of(Record.of(b("k1"), b("v".repeat(100)))));
            assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(LogStorageException.class)
                    .satisfies(e -> assertThat(((LogStorageException) e).isRetriable()).isTrue())
                    .hasMessageContaining("append failed for t-0").hasMessageContaining("No space left");
            assertThat(activeSize()).isEqualTo(sizeBefore);
            assertThat(log.endOffset(tp)).isEqualTo(1);
            assertThat(Logs.readAll(log, tp)).hasSize(1);

            io.writeBudget = -1;
            assertThat(append(log, tp, "k2", "v2")).isEqualTo(1);
        }
        try (var log = EmbeddedChangeLog.open(dir, Logs.config(clock))) {
            assertThat(Logs.readAll(log, tp)).extracting(r -> s(r.value())).containsExactly("v0", "v2");
            assertThat(log.metrics().recoveredBytesDropped()).isZero();
        }
    }

    @Test
    void aFailedFsyncFailsTheUnforcedAppendsAndCutsThemOff() throws Exception {
        LogConfig config = Logs.config(clock).withFsync(LogConfig.FsyncPolicy.perBatch());
        try (var log = EmbeddedChangeLog.open(dir, config, io)) {
            log.createTopic("t", TopicConfig.DEFAULT);
            append(log, tp, "k0", "v0");
            long sizeBefore = activeSize();

            io.failForce = true;
            CompletableFuture<AppendResult> failed = log.append(tp, List.of(Record.of(b("k1"), b("v1"))));
            assertThatThrownBy(failed::join).cause().isInstanceOf(LogStorageException.class)
                    .hasMessageContaining("fsync");
            assertThat(activeSize()).isEqualTo(sizeBefore);
            assertThat(log.endOffset(tp)).isEqualTo(1);

            io.failForce = false;
            assertThat(append(log, tp, "k2", "v2")).isEqualTo(1);
            assertThat(Logs.readAll(log, tp)).extracting(LogRecord::offset).containsExactly(0L, 1L);
            assertThat(s(Logs.readAll(log, tp).get(1).value())).isEqualTo("v2");
        }
    }
}
