package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import io.tidelog.service.capture.CaptureHealthIndicator;
import io.tidelog.service.capture.CaptureLifecycle;
import io.tidelog.service.capture.CaptureLifecycle.Role;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two {@link CaptureLifecycle}s with the same configuration and one log, as two instances on the
 * Kafka backend: one captures, the other stands by; when the capturer's lease session ends, it stops
 * capturing and the standby takes over, resuming from the stored position, so every change reaches
 * the log exactly once. (In one JVM, so only one engine may run at a time: the lease sees to that.)
 */
@ExtendWith(PostgresExtension.class)
class CaptureFailoverIT {

    private static final String DB = "capture_failover_it";
    private static final TableId TABLE = new TableId("public", "items");
    private static final String TOPIC = "tidelog.public.items";
    private static final Duration RETRY = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void theStandbyTakesOverWhenTheCapturersLeaseEndsAndResumesFromTheStoredPosition(PostgresServer server)
            throws Exception {
        server.createDatabase(DB);
        server.execute(DB, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO items VALUES (1, 'one'), (2, 'two')");
        CaptureSettings settings = new CaptureSettings(new SourceAddress(server.host(), server.port(), DB),
                server.superuser(), server.superuserPassword(), List.of(TABLE), "failover_slot", "failover_pub",
                Duration.ofMillis(10), 512, OffsetStorage.memory(), Duration.ofSeconds(60),
                CaptureSettings.SnapshotMode.STREAM_ONLY, Duration.ZERO);

        try (ChangeLog log = EmbeddedChangeLog.open(dir.resolve("log"), LogConfig.defaults())) {
            CaptureLifecycle a = lifecycle(settings, log, "host-a/1");
            CaptureLifecycle b = lifecycle(settings, log, "host-b/2");
            try {
                a.start();
                assertThat(a.role()).isEqualTo(Role.ACTIVE);
                assertThat(a.capture().state()).isEqualTo(Capture.State.RUNNING);
                assertThat(a.pipeline().snapshot()).as("the first capturer snapshots").isNotNull();

                b.start();
                assertThat(b.role()).isEqualTo(Role.STANDBY);
                assertThat(b.isRunning()).as("a standby is a started lifecycle").isTrue();
                assertThat(b.leaseHolder().instance()).isEqualTo("host-a/1");
                assertThat(b.capture().state()).as("the standby does not capture").isEqualTo(Capture.State.NEW);
                assertThat(health(b, settings).getStatus()).as("a standby is healthy").isEqualTo(Status.UP);
                assertThat(health(b, settings).getDetails()).containsEntry("role", "standby")
                        .containsEntry("leaseHolder", "host-a/1 (127.0.0.1)");
                assertThat(health(a, settings).getDetails()).containsEntry("role", "active");
                assertThatThrownBy(b::resetSource).isInstanceOf(CaptureLifecycle.StandbyException.class)
                        .hasMessageContaining("host-a/1");

                server.execute(DB, "INSERT INTO items VALUES (3, 'three')");
                await("a captures").atMost(WAIT).until(() -> names(log).contains("3=three"));

                terminate(server, b.leaseHolder().backendPid()); // a's session ends, as when its process dies
                await("a stops capturing").atMost(WAIT).until(() -> a.role() == Role.STANDBY
                        && a.capture().state() != Capture.State.RUNNING);
                await("b captures").atMost(WAIT).until(() -> b.role() == Role.ACTIVE
                        && b.capture().state() == Capture.State.RUNNING);
                assertThat(b.pipeline().snapshot()).as("b resumed from the stored position").isNull();
                assertThat(a.isRunning()).isTrue();
                assertThat(health(a, settings).getStatus()).as("the old capturer stands by, healthy").isEqualTo(Status.UP);

                server.execute(DB, "INSERT INTO items VALUES (4, 'four')", "UPDATE items SET name = 'uno' WHERE id = 1");
                await("b captures").atMost(WAIT).until(() -> names(log).contains("1=uno"));
                assertThat(names(log)).as("every change once, in order")
                        .containsExactlyInAnyOrder("1=one", "2=two", "3=three", "4=four", "1=uno");
                assertThat(names(log)).containsSubsequence("1=one", "1=uno");
                await("a sees b holding the lease").atMost(WAIT)
                        .until(() -> a.leaseHolder() != null && a.leaseHolder().instance().equals("host-b/2"));
            } finally {
                b.stop();
                a.stop();
            }
            assertThat(a.isRunning()).isFalse();
            assertThat(b.isRunning()).isFalse();
        }
    }

    private static Health health(CaptureLifecycle lifecycle, CaptureSettings settings) {
        return new CaptureHealthIndicator(lifecycle, new SlotMonitor(settings, 1L << 30, Clock.systemUTC())).health();
    }

    private static CaptureLifecycle lifecycle(CaptureSettings settings, ChangeLog log, String instance) {
        ChangeLogWriter writer = new ChangeLogWriter(log, new TopicNaming("tidelog"), TopicConfig.compacted(1),
                settings.tables(), Clock.systemUTC());
        Supplier<SourcePipeline> pipelines = () -> new SourcePipeline(settings, new SnapshotOptions(1, 1_000), log,
                writer, batch -> { }, Clock.systemUTC());
        return new CaptureLifecycle(pipelines, new CaptureLease(settings, instance, RETRY), RETRY);
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

    private static void terminate(PostgresServer server, int pid) throws Exception {
        try (Connection c = server.connect(DB); PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            ps.execute();
        }
    }
}
