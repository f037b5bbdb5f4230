package io.tidelog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot taken again on a log that already holds rows of the table (the earlier snapshot was
 * interrupted, or the slot was lost) must leave the compacted view equal to the table: a row that
 * was deleted while nothing streamed is in the old rows but neither in the new snapshot nor in the
 * stream, and must not survive in the log.
 *
 * <p>The minimal, deterministic form of what {@link CrashRecoveryIT} hits when it kills the service
 * during its first snapshot: here the retake is forced by dropping the slot while the service is down.
 */
@ExtendWith(PostgresExtension.class)
class SnapshotRetakeIT {

    private static final String DB = "snapshot_retake_it";
    private static final String SLOT = "snapshot_retake_it";
    private static final String STREAMING = "Capture " + SLOT + ": STARTING -> RUNNING";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void rowDeletedBeforeTheRetakenSnapshotLeavesTheCompactedView(PostgresServer server) throws Exception {
        server.createDatabase(DB);
        server.execute(DB, "CREATE TABLE counters (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO counters VALUES (1, 0), (2, 0), (3, 0)");

        runUntilStreaming(server, 1);
        server.execute(DB, "SELECT pg_drop_replication_slot('" + SLOT + "')", "DELETE FROM counters WHERE id = 2");
        ServiceProcess second = runUntilStreaming(server, 2);
        assertThat(second.output()).as("the second start snapshots again")
                .contains("Taking the aligned initial snapshot: replication slot " + SLOT + " no longer exists");

        Map<Integer, Integer> compacted;
        try (ChangeLog log = EmbeddedChangeLog.open(dir.resolve("data/log"), LogConfig.defaults())) {
            compacted = CapturedCounters.read(log, "tidelog.public.counters", "public.counters").compacted();
        }
        try {
            assertThat(compacted).as("compacted view of the log").isEqualTo(Map.of(1, 0, 3, 0));
        } finally {
            server.execute(DB, "SELECT pg_drop_replication_slot('" + SLOT + "')");
        }
    }

    /** Starts the service, waits until it streams, and stops it cleanly. */
    private ServiceProcess runUntilStreaming(PostgresServer server, int run) throws Exception {
        ServiceProcess service = ServiceProcess.start(dir, dir.resolve("service-" + run + ".log"),
                Map.of("TIDELOG_SOURCE_PASSWORD", server.superuserPassword()),
                List.of("--server.port=0", "--tidelog.data-dir=" + dir.resolve("data"),
                        "--tidelog.source.url=" + server.jdbcUrl(DB), "--tidelog.source.username=" + server.superuser(),
                        "--tidelog.source.tables=public.counters", "--tidelog.source.slot-name=" + SLOT,
                        "--tidelog.source.publication-name=" + SLOT));
        try {
            await("service " + run + " streams").atMost(Duration.ofSeconds(90))
                    .until(() -> service.printed(STREAMING) || !service.isAlive());
            assertThat(service.isAlive()).as("service %d running:%n%s", run, service.tail(40)).isTrue();
        } finally {
            service.stop();
        }
        return service;
    }
}
