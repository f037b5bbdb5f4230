package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.log.AppendResult;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.GroupConsumer;
import io.tidelog.log.LogListener;
import io.tidelog.log.LogMetrics;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.ReadResult;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import io.tidelog.service.capture.CaptureHealthIndicator;
import io.tidelog.service.capture.CaptureLifecycle;
import io.tidelog.service.capture.CaptureLifecycle.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Capture that fails after it started is started again by its {@link CaptureLifecycle}: the log
 * refuses appends for a while (as a full disk does), the engine fails, and once the log takes appends
 * again capture resumes from the stored position with every change exactly once. With a capture lease,
 * the failed instance gives the lease up and a standby takes over.
 */
@ExtendWith(PostgresExtension.class)
class CaptureRestartIT {

    private static final TableId TABLE = new TableId("public", "items");
    private static final String TOPIC = "tidelog.public.items";
    private static final Duration RETRY = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void aFailedCaptureIsRestartedAndResumesWithNothingLostOrTwice(PostgresServer server) throws Exception {
        String db = "capture_restart_it";
        CaptureSettings settings = prepare(server, db, "restart_slot", "restart_pub");
        try (ChangeLog real = EmbeddedChangeLog.open(dir.resolve("log"), LogConfig.defaults())) {
            RefusingLog log = new RefusingLog(real);
            CaptureLifecycle lifecycle = new CaptureLifecycle(pipelines(settings, log), null, RETRY);
            try {
                lifecycle.start();
                server.execute(db, "INSERT INTO items VALUES (3, 'three')");
                await("captured").atMost(WAIT).until(() -> names(real).contains("3=three"));

                log.refusing = true;
                server.execute(db, "INSERT INTO items VALUES (4, 'four')");
                await("capture fails on the refused append").atMost(WAIT)
                        .until(() -> lifecycle.capture().state() == Capture.State.FAILED);
                assertThat(health(lifecycle, settings).getStatus()).isEqualTo(Status.DOWN);
                assertThat(lifecycle.isRunning()).as("a failed capture is minded, not over").isTrue();
                server.execute(db, "UPDATE items SET name = 'uno' WHERE id = 1");

                log.refusing = false;
                await("capture restarted").atMost(WAIT)
                        .until(() -> lifecycle.capture().state() == Capture.State.RUNNING && names(real).contains("1=uno"));
                assertThat(lifecycle.pipeline().snapshot()).as("resumed from the stored position").isNull();
                assertThat(health(lifecycle, settings).getStatus()).isEqualTo(Status.UP);
                server.execute(db, "INSERT INTO items VALUES (5, 'five')");
                await("captures after the restart").atMost(WAIT).until(() -> names(real).contains("5=five"));
                assertThat(names(real)).as("every change once")
                        .containsExactlyInAnyOrder("1=one", "2=two", "3=three", "4=four", "1=uno", "5=five");
                assertThat(names(real)).containsSubsequence("1=one", "1=uno");
            } finally {
                lifecycle.stop();
            }
            assertThat(lifecycle.isRunning()).isFalse();
        }
    }

    @Test
    void withALeaseTheFailedInstanceHandsCaptureToAStandby(PostgresServer server) throws Exception {
        String db = "capture_restart_lease_it";
        CaptureSettings settings = prepare(server, db, "restart_lease_slot", "restart_lease_pub");
        try (ChangeLog real = EmbeddedChangeLog.open(dir.resolve("log"), LogConfig.defaults())) {
            RefusingLog faulty = new RefusingLog(real); // instance a's path to the log fails; b's does not
            CaptureLifecycle a = new CaptureLifecycle(pipelines(settings, faulty),
                    new CaptureLease(settings, "host-a/1", RETRY), RETRY);
            CaptureLifecycle b = new CaptureLifecycle(pipelines(settings, real),
                    new CaptureLease(settings, "host-b/2", RETRY), RETRY);
            try {
                a.start();
                b.start();
                assertThat(a.role()).isEqualTo(Role.ACTIVE);
                assertThat(b.role()).isEqualTo(Role.STANDBY);
                server.execute(db, "INSERT INTO items VALUES (3, 'three')");
                await("a captures").atMost(WAIT).until(() -> names(real).contains("3=three"));

                faulty.refusing = true;
                server.execute(db, "INSERT INTO items VALUES (4, 'four')");
                await("a gives the lease up, b captures").atMost(WAIT).until(() -> a.role() == Role.STANDBY
                        && b.role() == Role.ACTIVE && b.capture().state() == Capture.State.RUNNING);
                await("b captured what a could not write").atMost(WAIT).until(() -> names(real).contains("4=four"));
                assertThat(health(a, settings).getStatus()).as("the failed instance stands by").isEqualTo(Status.UP);
                assertThat(b.pipeline().snapshot()).as("b resumed from the stored position").isNull();

                server.execute(db, "UPDATE items SET name = 'uno' WHERE id = 1");
                await("b captures").atMost(WAIT).until(() -> names(real).contains("1=uno"));
                assertThat(names(real)).as("every change once")
                        .containsExactlyInAnyOrder("1=one", "2=two", "3=three", "4=four", "1=uno");
                await("a sees b holding the lease").atMost(WAIT)
                        .until(() -> a.leaseHolder() != null && a.leaseHolder().instance().equals("host-b/2"));
            } finally {
                b.stop();
                a.stop();
            }
        }
    }

    private static CaptureSettings prepare(PostgresServer server, String db, String slot, String publication)
            throws Exception {
        server.createDatabase(db);
        server.execute(db, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO items VALUES (1, 'one'), (2, 'two')");
        return new CaptureSettings(new SourceAddress(server.host(), server.port(), db),
                server.superuser(), server.superuserPassword(), List.of(TABLE), slot, publication,
                Duration.ofMillis(10), 512, OffsetStorage.memory(), Duration.ofSeconds(60),
                CaptureSettings.SnapshotMode.STREAM_ONLY, Duration.ZERO);
    }

    private static Supplier<SourcePipeline> pipelines(CaptureSettings settings, ChangeLog log) {
        ChangeLogWriter writer = new ChangeLogWriter(log, new TopicNaming("tidelog"), TopicConfig.compacted(1),
                settings.tables(), Clock.systemUTC());
        return () -> new SourcePipeline(settings, new SnapshotOptions(1, 1_000), log, writer, batch -> { },
                Clock.systemUTC());
    }

    private static org.springframework.boot.health.contributor.Health health(CaptureLifecycle lifecycle,
            CaptureSettings settings) {
        return new CaptureHealthIndicator(lifecycle, new SlotMonitor(settings, 1L << 30, Clock.systemUTC())).health();
    }

    /** Every row version in the log, {@code id=name}, in log order (one partition). */
    private static List<String> names(ChangeLog log) {
        List<String> out = new ArrayList<>();
        if (!log.topics().contains(TOPIC)) {
            return out;
        }
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        long offset = log.logStartOffset(tp);
        while (offset < log.endOffset(tp)) {
            ReadResult r = log.read(tp, offset, 10_000, 16 << 20);
            for (LogRecord rec : r.records()) {
                if (rec.value() != null) {
                    JsonNode after = JSON.readTree(rec.value()).path("after");
                    out.add(after.path("id").asInt() + "=" + after.path("name").asString());
                }
            }
            offset = r.nextOffset();
        }
        return out;
    }

    /** A real log whose appends fail while {@link #refusing}, as those of a log on a full disk do. */
    private static final class RefusingLog implements ChangeLog {

        private final ChangeLog log;
        volatile boolean refusing;

        RefusingLog(ChangeLog log) {
            this.log = log;
        }

        @Override
        public CompletableFuture<AppendResult> append(TopicPartition partition, List<Record> records) {
            if (refusing) {
                return CompletableFuture.failedFuture(new IOException("No space left on device"));
            }
            return log.append(partition, records);
        }

        @Override
        public boolean createTopic(String topic, TopicConfig config) {
            return log.createTopic(topic, config);
        }

        @Override
        public Set<String> topics() {
            return log.topics();
        }

        @Override
        public TopicConfig topicConfig(String topic) {
            return log.topicConfig(topic);
        }

        @Override
        public ReadResult read(TopicPartition partition, long fromOffset, int maxRecords, int maxBytes) {
            return log.read(partition, fromOffset, maxRecords, maxBytes);
        }

        @Override
        public ReadResult poll(TopicPartition partition, long fromOffset, int maxRecords, int maxBytes, Duration timeout)
                throws InterruptedException {
            return log.poll(partition, fromOffset, maxRecords, maxBytes, timeout);
        }

        @Override
        public long logStartOffset(TopicPartition partition) {
            return log.logStartOffset(partition);
        }

        @Override
        public long endOffset(TopicPartition partition) {
            return log.endOffset(partition);
        }

        @Override
        public OptionalLong offsetForTimestamp(TopicPartition partition, long timestamp) {
            return log.offsetForTimestamp(partition, timestamp);
        }

        @Override
        public GroupConsumer consumer(String groupId, OffsetResetPolicy resetPolicy) {
            return log.consumer(groupId, resetPolicy);
        }

        @Override
        public Map<TopicPartition, Long> committedOffsets(String groupId) {
            return log.committedOffsets(groupId);
        }

        @Override
        public CompletableFuture<Void> commitOffsets(String groupId, Map<TopicPartition, Long> offsets) {
            return log.commitOffsets(groupId, offsets);
        }

        @Override
        public List<PartitionLag> lag(String groupId, String topic) {
            return log.lag(groupId, topic);
        }

        @Override
        public LogMetrics metrics() {
            return log.metrics();
        }

        @Override
        public void addListener(LogListener listener) {
            log.addListener(listener);
        }

        @Override
        public void close() {
            // the test closes the real log
        }
    }
}
