package io.tidelog.sink.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.event.PositionBytes;
import io.tidelog.event.SourcePosition;
import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkRunnerTest {

    private static final TableId TABLE = new TableId("public", "items");
    private static final String TOPIC = "t.public.items";
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5), 2, 0.2, 0);

    @TempDir
    Path dir;
    ChangeLog log;
    final List<SinkRunner> runners = new ArrayList<>();

    @BeforeEach
    void openLog() {
        log = EmbeddedChangeLog.open(dir.resolve("log"), LogConfig.defaults());
        log.createTopic(TOPIC, TopicConfig.compacted(2));
    }

    @AfterEach
    void closeAll() {
        runners.forEach(SinkRunner::close);
        log.close();
    }

    @Test
    void deliversEveryRecordInPartitionOrderAndCommitsAfterFlush() throws Exception {
        for (int v = 1; v <= 3; v++) {
            for (int id = 0; id < 50; id++) {
                append(id, v, 100L * v + id);
            }
        }
        RecordingSink sink = new RecordingSink();
        runner("orders", sink, new BatchPolicy(7, 1 << 20, Duration.ZERO));

        await().atMost(Duration.ofSeconds(20)).until(() -> sink.flushed.size() == 150);
        // Per row, versions arrive in order.
        for (int id = 0; id < 50; id++) {
            String key = key(id);
            assertThat(sink.flushedKeys().stream().filter(k -> k.startsWith(key + "=")).toList())
                    .containsExactly(key + "=1", key + "=2", key + "=3");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> totalLag("orders") == 0);
        assertThat(sink.writes.get()).isGreaterThanOrEqualTo(150 / 7);
    }

    @Test
    void restartResumesFromCommittedOffsets() throws Exception {
        IntStream.range(0, 20).forEach(id -> append(id, 1, id + 1));
        RecordingSink first = new RecordingSink();
        SinkRunner r1 = runner("resume", first, BatchPolicy.DEFAULT);
        await().atMost(Duration.ofSeconds(10)).until(() -> totalLag("resume") == 0);
        r1.close();
        assertThat(first.closed).isTrue();

        IntStream.range(20, 30).forEach(id -> append(id, 1, id + 1));
        RecordingSink second = new RecordingSink();
        runner("resume", second, BatchPolicy.DEFAULT);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.flushed.size() == 10);
        assertThat(second.flushedKeys()).allMatch(k -> Integer.parseInt(k.replaceAll("\\D+", " ").trim().split(" ")[0]) >= 20);
    }

    @Test
    void retriesRetriableErrorsUntilTheTargetIsBack() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.retriableFailures.set(5);
        IntStream.range(0, 10).forEach(id -> append(id, 1, id + 1));
        SinkRunner runner = runner("retry", sink, BatchPolicy.DEFAULT);

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.flushed.size() == 10);
        assertThat(runner.metrics().retries()).isEqualTo(5);
        assertThat(runner.metrics().lastError().message()).contains("target unavailable");
        assertThat(runner.deadLetterCount()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.state() == SinkState.RUNNING);
    }

    @Test
    void givesUpAfterMaxAttemptsAndRetriesTheSameBatchOnResume() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.retriableFailures.set(1000);
        IntStream.range(0, 10).forEach(id -> append(id, 1, id + 1));
        SinkSettings settings = new SinkSettings("limited", Set.of(TABLE), FieldMapping.IDENTITY, BatchPolicy.DEFAULT,
                new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(2), 2, 0, 3));
        SinkRunner runner = start(settings, sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.state() == SinkState.FAILED);
        assertThat(sink.flushed).isEmpty();
        assertThat(totalLag("limited")).isEqualTo(10);

        sink.retriableFailures.set(0);
        runner.resume();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.flushed.size() == 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> totalLag("limited") == 0);
    }

    @Test
    void isolatesPoisonRecordsIntoTheDeadLetterTopicWhileTheRestFlows() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.poison = r -> r.keyText().equals(key(13)) || r.keyText().equals(key(77));
        sink.rejected = r -> r.keyText().equals(key(40));
        IntStream.range(0, 100).forEach(id -> append(id, 1, id + 1));
        SinkRunner runner = runner("poison", sink, new BatchPolicy(64, 1 << 20, Duration.ofMillis(50)));

        await().atMost(Duration.ofSeconds(10)).until(() -> totalLag("poison") == 0);
        assertThat(sink.flushed).hasSize(97);
        assertThat(runner.deadLetterCount()).isEqualTo(3);
        List<LogRecord> letters = log.read(new TopicPartition(runner.deadLetterTopic(), 0), 0, 10, 1 << 20).records();
        assertThat(letters).extracting(l -> new String(l.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(key(13), key(40), key(77));
        LogRecord poisoned = letters.stream().filter(l -> new String(l.key(), StandardCharsets.UTF_8).equals(key(13)))
                .findFirst().orElseThrow();
        assertThat(DeadLetters.header(poisoned, DeadLetters.REASON)).isEqualTo("IllegalArgumentException: poison " + key(13));
        assertThat(DeadLetters.header(poisoned, DeadLetters.TOPIC)).isEqualTo(TOPIC);
        long offset = Long.parseLong(DeadLetters.header(poisoned, DeadLetters.OFFSET));
        int partition = Integer.parseInt(DeadLetters.header(poisoned, DeadLetters.PARTITION));
        LogRecord original = log.read(new TopicPartition(TOPIC, partition), offset, 1, 1 << 20).records().get(0);
        assertThat(original.value()).isEqualTo(poisoned.value());
        assertThat(runner.metrics().recordsDeadLettered()).isEqualTo(3);
    }

    @Test
    void deadLettersRedeliveredOnceTheTargetAcceptsThemAreWritten() throws Exception {
        RecordingSink sink = new RecordingSink();
        sink.poison = r -> r.keyText().equals(key(5));
        IntStream.range(0, 10).forEach(id -> append(id, 1, id + 1));
        SinkRunner runner = runner("redeliver", sink, BatchPolicy.DEFAULT);
        await().atMost(Duration.ofSeconds(10)).until(() -> totalLag("redeliver") == 0 && runner.deadLetterCount() == 1);
        assertThat(sink.flushedKeys()).doesNotContain(key(5) + "=1");

        LogRecord letter = log.read(new TopicPartition(runner.deadLetterTopic(), 0), 0, 1, 1 << 20).records().get(0);
        LogRecord original = new LogRecord(new TopicPartition(TOPIC, Integer.parseInt(DeadLetters.header(letter, DeadLetters.PARTITION))),
                Long.parseLong(DeadLetters.header(letter, DeadLetters.OFFSET)), letter.timestamp(), letter.key(), letter.value(),
                letter.headers().stream().filter(h -> !h.key().startsWith("tidelog.dlq.")).toList());
        // Still poisoned: rejected again, with a second dead letter.
        assertThat(runner.redeliver(List.of(original)).get()).isEqualTo(new SinkRunner.Redelivery(0, 1));
        assertThat(runner.deadLetterCount()).isEqualTo(2);

        sink.poison = r -> false;
        assertThat(runner.redeliver(List.of(original)).get()).isEqualTo(new SinkRunner.Redelivery(1, 0));
        assertThat(sink.flushedKeys()).contains(key(5) + "=1");
        assertThat(runner.deadLetterCount()).isEqualTo(2);
    }

    @Test
    void recordsThatAreNotChangesGoToTheDeadLetterTopic() throws Exception {
        RecordingSink sink = new RecordingSink();
        append(1, 1, 10);
        log.append(TOPIC, new Record(key(2).getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8),
                List.of(), 0)).get();
        log.append(TOPIC, new Record(key(3).getBytes(StandardCharsets.UTF_8), "{\"op\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                List.of(), 0)).get();
        append(4, 1, 11);
        SinkRunner runner = runner("undecodable", sink, BatchPolicy.DEFAULT);

        await().atMost(Duration.ofSeconds(10)).until(() -> totalLag("undecodable") == 0);
        assertThat(sink.flushedKeys()).containsExactlyInAnyOrder(key(1) + "=1", key(4) + "=1");
        List<LogRecord> letters = log.read(new TopicPartition(runner.deadLetterTopic(), 0), 0, 10, 1 << 20).records();
        assertThat(letters).extracting(l -> DeadLetters.header(l, DeadLetters.REASON))
                .anyMatch(r -> r.startsWith("undecodable: value is not JSON"))
                .anyMatch(r -> r.startsWith("undecodable: envelope has no valid op"));
    }

    @Test
    void pauseStopsDeliveryAndResumeContinuesWhereItStopped() throws Exception {
        RecordingSink sink = new RecordingSink();
        SinkRunner runner = runner("pausing", sink, BatchPolicy.DEFAULT);
        append(1, 1, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.flushed.size() == 1);

        runner.pause();
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.state() == SinkState.PAUSED);
        IntStream.range(2, 12).forEach(id -> append(id, 1, id + 1));
        // Paused: the records wait in the log, visible as lag, while the sink receives nothing.
        await().atMost(Duration.ofSeconds(10)).until(() -> totalLag("pausing") == 10);
        assertThat(sink.flushed).hasSize(1);

        runner.resume();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.flushed.size() == 11);
        assertThat(runner.state()).isEqualTo(SinkState.RUNNING);
    }

    @Test
    void resetReplaysFromTheStartSkipsToTheEndOrMovesToGivenOffsets() throws Exception {
        RecordingSink sink = new RecordingSink();
        IntStream.range(0, 20).forEach(id -> append(id, 1, id + 1));
        SinkRunner runner = runner("resetting", sink, BatchPolicy.DEFAULT);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.flushed.size() == 20);

        Map<TopicPartition, Long> positions = runner.reset(new ResetTarget.Earliest()).get();
        assertThat(positions.values()).containsOnly(0L);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.flushed.size() == 40);
        assertThat(sink.flushedKeys().subList(20, 40)).containsExactlyInAnyOrderElementsOf(sink.flushedKeys().subList(0, 20));

        runner.pause();
        IntStream.range(20, 25).forEach(id -> append(id, 1, id + 1));
        runner.reset(new ResetTarget.Latest()).get(); // allowed while paused
        assertThat(totalLag("resetting")).isZero();
        runner.resume();

        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        long end = log.endOffset(p0);
        assertThat(runner.reset(new ResetTarget.Offsets(Map.of(p0, end + 1))))
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("is outside [0, " + end + "]");
        assertThat(runner.reset(new ResetTarget.Offsets(Map.of(new TopicPartition("other", 0), 0L))))
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("is not a partition of sink resetting");
        runner.reset(new ResetTarget.Offsets(Map.of(p0, end - 1))).get();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.flushed.size() == 41);
        assertThat(sink.flushed.get(40).offset()).isEqualTo(end - 1);
    }

    @Test
    void fieldMappingAndVersionsReachTheSink() throws Exception {
        RecordingSink sink = new RecordingSink();
        append(1, 7, 500);
        // A snapshot read: no commit LSN; its version is (consistent point, 0).
        appendEnvelope(2, "{\"before\":null,\"after\":{\"id\":2,\"v\":1,\"secret\":\"s\",\"name\":\"n\"},\"op\":\"r\","
                + "\"source\":{\"lsn\":900,\"commit_lsn\":0,\"ts_ms\":5}}", new SourcePosition(900, 0, 0, Instant.EPOCH, true));
        FieldMapping mapping = new FieldMapping(Set.of(), Set.of("items.secret"), Map.of("name", "label"));
        start(new SinkSettings("mapped", Set.of(TABLE), mapping, BatchPolicy.DEFAULT, FAST_RETRY), sink);

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.flushed.size() == 2);
        var snapshotRead = sink.flushed.stream().filter(r -> r.keyText().equals(key(2))).findFirst().orElseThrow();
        assertThat(snapshotRead.after().toString()).isEqualTo("{\"id\":2,\"v\":1,\"label\":\"n\"}");
        assertThat(snapshotRead.version()).hasToString("900/0");
        var streamed = sink.flushed.stream().filter(r -> r.keyText().equals(key(1))).findFirst().orElseThrow();
        assertThat(streamed.version()).hasToString("500/499");
    }

    private SinkRunner runner(String name, RecordingSink sink, BatchPolicy batch) {
        return start(new SinkSettings(name, Set.of(TABLE), FieldMapping.IDENTITY, batch, FAST_RETRY), sink);
    }

    private SinkRunner start(SinkSettings settings, RecordingSink sink) {
        SinkRunner runner = new SinkRunner(settings, sink, log, Map.of(TABLE, TOPIC), Clock.systemUTC());
        runners.add(runner);
        runner.start();
        return runner;
    }

    private long totalLag(String sink) {
        return log.lag("tidelog.sink." + sink, TOPIC).stream().mapToLong(l -> l.records()).sum();
    }

    private static String key(int id) {
        return "{\"id\":" + id + "}";
    }

    /** Appends an update of row {@code id} to value {@code v}, committed at {@code commitLsn}. */
    private void append(int id, int v, long commitLsn) {
        appendEnvelope(id, "{\"before\":null,\"after\":{\"id\":" + id + ",\"v\":" + v + "},\"op\":\"u\",\"source\":{\"lsn\":"
                + (commitLsn - 1) + ",\"commit_lsn\":" + commitLsn + ",\"ts_ms\":1}}",
                new SourcePosition(commitLsn - 1, commitLsn, 7, Instant.EPOCH, false));
    }

    private void appendEnvelope(int id, String envelope, SourcePosition position) {
        try {
            log.append(TOPIC, new Record(key(id).getBytes(StandardCharsets.UTF_8), envelope.getBytes(StandardCharsets.UTF_8),
                    List.of(new Header(PositionBytes.HEADER, PositionBytes.encode(position))), 0)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
