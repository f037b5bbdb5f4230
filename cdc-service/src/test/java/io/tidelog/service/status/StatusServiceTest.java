package io.tidelog.service.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureStats;
import io.tidelog.capture.SlotMonitor;
import io.tidelog.capture.TopicNaming;
import io.tidelog.event.Lsn;
import io.tidelog.event.TableId;
import io.tidelog.harness.ManualClock;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.Sink;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import io.tidelog.sink.runner.BatchPolicy;
import io.tidelog.sink.runner.FieldMapping;
import io.tidelog.sink.runner.RetryPolicy;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.sink.runner.SinkRunner;
import io.tidelog.sink.runner.SinkSettings;
import io.tidelog.snapshot.AlignedSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status over a real embedded log and real sink runners (with in-memory sinks), no Spring. */
class StatusServiceTest {

    private static final TableId TABLE = new TableId("public", "items");
    private static final String TOPIC = "tidelog.public.items";

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private ChangeLog log;
    private SinkFleet fleet;
    private FakeSource source;
    private StatusService status;

    @BeforeEach
    void open() {
        log = EmbeddedChangeLog.open(dir, LogConfig.defaults().withClock(clock).withFsync(LogConfig.FsyncPolicy.none()));
        log.createTopic(TOPIC, TopicConfig.compacted(2));
        source = new FakeSource();
        fleet = new SinkFleet(List.of(
                runner("cache", new MemorySink(null)),
                runner("broken", new MemorySink("open failed for redis://user:pw@cache:6379 with hunter2"))));
        status = new StatusService(source, log, fleet, Map.of("cache", "redis", "broken", "opensearch"),
                Redaction.of(List.of("hunter2")), clock);
    }

    @AfterEach
    void close() {
        status.close();
        fleet.close(Duration.ofSeconds(5));
        log.close();
    }

    @Test
    void reportsTopicsWithOffsetsSizesAndTheInternalOnes() throws Exception {
        append(10);

        StatusReport.Log report = status.report().log();

        StatusReport.Topic topic = report.topics().stream().filter(t -> t.name().equals(TOPIC)).findFirst().orElseThrow();
        assertThat(topic.internal()).isFalse();
        assertThat(topic.cleanupPolicy()).isEqualTo("compact");
        assertThat(topic.partitions()).isEqualTo(2);
        assertThat(topic.records()).isEqualTo(10);
        assertThat(topic.endOffsets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
        assertThat(topic.startOffsets()).containsOnlyKeys(0, 1).containsValues(0L);
        assertThat(topic.sizeBytes()).isPositive();
        assertThat(report.topics()).extracting(StatusReport.Topic::name).contains("_tidelog.dlq.cache");
        assertThat(report.topics().stream().filter(t -> t.name().startsWith("_")).allMatch(StatusReport.Topic::internal)).isTrue();
        assertThat(report.recordsAppended()).isEqualTo(10);
    }

    @Test
    void reportsSinksWithOffsetsLagThroughputAndRedactedErrors() throws Exception {
        fleet.start();
        status.sample();
        append(10);
        SinkRunner cache = fleet.runner("cache").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.metrics().recordsWritten() == 10 && cache.lag().stream()
                .allMatch(l -> l.records() == 0));
        clock.advance(Duration.ofSeconds(5));
        status.sample();

        StatusReport.Sink sink = status.report().sinks().get(0);
        assertThat(sink.name()).isEqualTo("cache");
        assertThat(sink.type()).isEqualTo("redis");
        assertThat(sink.state()).isEqualTo("running");
        assertThat(sink.tables()).containsExactly("public.items");
        assertThat(sink.committedOffsets().get(TOPIC).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
        assertThat(sink.lagRecords()).isZero();
        assertThat(sink.lagSeconds()).isZero();
        assertThat(sink.recordsWritten()).isEqualTo(10);
        assertThat(sink.recordsPerSecond()).isEqualTo(2.0); // 10 records between samples 5 s apart
        assertThat(sink.lastAppliedCommitTime()).isEqualTo(Instant.ofEpochMilli(1_600_000_000_000L));
        assertThat(sink.deadLetterTopic()).isEqualTo("_tidelog.dlq.cache");
        assertThat(sink.deadLetterCount()).isZero();

        cache.pause();
        await().atMost(Duration.ofSeconds(10)).until(() -> status.report().sinks().get(0).state().equals("paused"));
        append(3);
        clock.advance(Duration.ofSeconds(7));
        StatusReport.Sink behind = status.report().sinks().get(0);
        assertThat(behind.lagRecords()).isEqualTo(3);
        assertThat(behind.lagSeconds()).as("age of the oldest record not consumed").isEqualTo(7.0);

        await().atMost(Duration.ofSeconds(10)).until(() -> status.report().sinks().get(1).state().equals("failed"));
        StatusReport.Sink broken = status.report().sinks().get(1);
        assertThat(broken.lastError().message()).isEqualTo(
                "IllegalStateException: open failed for redis://******@cache:6379 with ******");
    }

    @Test
    void reportsTheSourceFromItsView() {
        source.state = Capture.State.RUNNING;
        source.slot = new SlotMonitor.SlotStatus("tidelog", true, true, Lsn.parse("0/16B3748"), Lsn.parse("0/16B4000"),
                2232, clock.instant());
        source.failure = new IllegalStateException("connection to db failed, password hunter2\nsecond line");

        StatusReport.Source s = status.report().source();

        assertThat(s.slot()).isEqualTo("tidelog");
        assertThat(s.state()).isEqualTo("running");
        assertThat(s.connected()).isTrue();
        assertThat(s.slotExists()).isTrue();
        assertThat(s.confirmedFlushLsn()).isEqualTo("0/16B3748");
        assertThat(s.walLagBytes()).isEqualTo(2232);
        assertThat(s.error()).isEqualTo("connection to db failed, password ******");

        source.slot = new SlotMonitor.SlotStatus("tidelog", true, false, 0, 0, 0, clock.instant());
        assertThat(status.report().source().connected()).as("nobody reads the slot").isFalse();
        source.slot = null;
        source.state = Capture.State.FAILED;
        assertThat(status.report().source().connected()).isFalse();
        assertThat(status.report().source().walLagBytes()).isNull();
    }

    @Test
    void reportsTheRoleAndForAStandbyWhoCaptures() {
        assertThat(status.report().source().role()).isEqualTo("active");
        assertThat(status.report().source().leaseHolder()).isNull();

        source.role = "standby";
        source.leaseHolder = "host-a/4242 (10.0.0.5)";

        StatusReport.Source s = status.report().source();
        assertThat(s.role()).isEqualTo("standby");
        assertThat(s.leaseHolder()).isEqualTo("host-a/4242 (10.0.0.5)");
        assertThat(s.state()).as("a standby's capture never started").isEqualTo("new");
    }

    @Test
    void reportsEachTablesSnapshotFromItsMarkers() throws Exception {
        StatusReport.TableSnapshot none = status.report().snapshots().get(0);
        assertThat(none.table()).isEqualTo("public.items");
        assertThat(none.state()).isEqualTo("none");

        log.createTopic(TopicNaming.SNAPSHOTS, TopicConfig.compacted(1));
        marker("{\"snapshot\":\"s1\",\"state\":\"started\",\"table\":\"public.items\",\"ts_ms\":1700000000000}");
        assertThat(status.report().snapshots().get(0).state()).isEqualTo("started");
        marker("{\"snapshot\":\"s1\",\"state\":\"completed\",\"table\":\"public.items\",\"consistent_lsn\":23803720,"
                + "\"rows\":120,\"ts_ms\":1700000001000}");

        StatusReport.TableSnapshot done = status.report().snapshots().get(0);
        assertThat(done.state()).isEqualTo("completed");
        assertThat(done.snapshotId()).isEqualTo("s1");
        assertThat(done.rows()).isEqualTo(120);
        assertThat(done.percent()).isEqualTo(100.0);
        assertThat(done.consistentLsn()).isEqualTo(Lsn.format(23803720));
        assertThat(done.updatedAt()).isEqualTo(Instant.ofEpochMilli(1700000001000L));
    }

    private void marker(String json) throws Exception {
        log.append(new TopicPartition(TopicNaming.SNAPSHOTS, 0), List.of(Record.of(
                "public.items".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)))).get();
    }

    private void append(int rows) throws Exception {
        for (int i = 0; i < rows; i++) {
            String key = "{\"id\":" + (1000 + i + (int) (clock.millis() % 1000)) + "}";
            String value = "{\"before\":null,\"after\":{\"id\":" + i + "},\"op\":\"c\",\"source\":{\"lsn\":" + (100 + i)
                    + ",\"commit_lsn\":100,\"ts_ms\":1600000000000}}";
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            log.append(new TopicPartition(TOPIC, log.partitionFor(TOPIC, k)), List.of(Record.of(k, value.getBytes(StandardCharsets.UTF_8)))).get();
        }
    }

    private SinkRunner runner(String name, Sink sink) {
        return new SinkRunner(new SinkSettings(name, Set.of(TABLE), FieldMapping.IDENTITY, BatchPolicy.DEFAULT,
                RetryPolicy.DEFAULT), sink, log, Map.of(TABLE, TOPIC), clock);
    }

    /** Accepts everything, or fails to open (permanently) with {@code openFailure}. */
    private record MemorySink(String openFailure) implements Sink {
        @Override
        public void open(SinkContext context) {
            if (openFailure != null) {
                throw new IllegalStateException(openFailure);
            }
        }

        @Override
        public List<Rejection> write(List<SinkRecord> batch) {
            return List.of();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private final class FakeSource implements SourceView {
        volatile Capture.State state = Capture.State.NEW;
        volatile SlotMonitor.SlotStatus slot;
        volatile Throwable failure;
        volatile String role = "active";
        volatile String leaseHolder;
        final AtomicLong events = new AtomicLong();

        @Override
        public String role() {
            return role;
        }

        @Override
        public String leaseHolder() {
            return leaseHolder;
        }

        @Override
        public String slotName() {
            return "tidelog";
        }

        @Override
        public List<TableId> tables() {
            return List.of(TABLE);
        }

        @Override
        public Capture.State state() {
            return state;
        }

        @Override
        public Throwable failure() {
            return failure;
        }

        @Override
        public CaptureStats.Snapshot stats() {
            return new CaptureStats.Snapshot(events.get(), 0, 0, 0, 0, null, null, 0);
        }

        @Override
        public SlotMonitor.SlotStatus slot() {
            return slot;
        }

        @Override
        public AlignedSnapshot snapshot() {
            return null;
        }
    }
}
