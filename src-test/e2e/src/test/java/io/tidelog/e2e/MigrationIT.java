package io.tidelog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.harness.KafkaServer;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.KafkaConfig;
import io.tidelog.harness.junit.KafkaExtension;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.log.ChangeLog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, the migration path: a service captures into its embedded log under a write load; it is
 * stopped, {@code migrate-log-to-kafka} copies the log into Kafka, and the service starts again on the
 * Kafka backend with the same data directory while the writers never stop. It must resume from the
 * copied source position — no new snapshot — and the log in Kafka must hold every committed change
 * exactly once, in order per row, its compacted view equal to the table ({@link CounterLogCheck}).
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class MigrationIT {

    private static final String DB = "migration_it";
    private static final String SLOT = "migration_it";
    private static final String TABLE = "public.counters";
    private static final String TOPIC = "tidelog.public.counters";
    private static final int ROWS = 10_000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final String STREAMING = "Capture " + SLOT + ": STARTING -> RUNNING";
    private static final String SENTINEL_CAPTURED = "last: c " + TABLE + " {id=0}";
    /**
     * A broker of its own (any distinct configuration gets one): the copy needs empty topics, and
     * Tidelog's internal topic names are fixed, so a broker another suite captured into will not do.
     */
    private static final String MIGRATION_BROKER = "broker.rack=migration-it";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private PostgresServer postgres;
    private ServiceProcess service;

    @Test
    void theEmbeddedLogCopiedToKafkaResumesWithoutASnapshotAndLosesNothing(PostgresServer postgres,
            @KafkaConfig(properties = MIGRATION_BROKER) KafkaServer kafka)
            throws Exception {
        this.postgres = postgres;
        postgres.createDatabase(DB);
        postgres.execute(DB, "CREATE TABLE counters (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO counters SELECT g, 0 FROM generate_series(1, " + ROWS + ") g", "ANALYZE counters");
        List<String> source = List.of("--server.port=0", "--tidelog.data-dir=" + dir.resolve("data"),
                "--tidelog.source.url=" + postgres.jdbcUrl(DB), "--tidelog.source.username=" + postgres.superuser(),
                "--tidelog.source.tables=" + TABLE, "--tidelog.source.slot-name=" + SLOT,
                "--tidelog.source.publication-name=" + SLOT,
                "--tidelog.log.kafka.bootstrap-servers=" + kafka.bootstrapServers());
        Map<String, String> env = Map.of("TIDELOG_SOURCE_PASSWORD", postgres.superuserPassword());
        String migration;
        try (CounterWriters writers = new CounterWriters(postgres, DB, ROWS, 42)) {
            writers.start();
            service = ServiceProcess.start(dir, dir.resolve("service-1-embedded.log"), env, source);
            await("the embedded service streams").atMost(START_TIMEOUT)
                    .until(() -> service.printed(STREAMING) || !service.isAlive());
            assertThat(service.isAlive()).as("embedded service:%n%s", service.tail(40)).isTrue();
            awaitFor(Duration.ofSeconds(3), writers);
            service.stop(); // SIGTERM: capture stops, the position stored covers everything in the log

            ServiceProcess migrate = ServiceProcess.start(dir, dir.resolve("migrate.log"), env,
                    Stream.concat(Stream.of("migrate-log-to-kafka"), source.stream()).toList());
            assertThat(migrate.awaitExit(Duration.ofSeconds(120))).as("migration:%n%s", migrate.tail(40)).isZero();
            migration = migrate.output();
            assertThat(migration).contains("Copied ").contains(TOPIC).contains("_tidelog.source-offsets");

            service = ServiceProcess.start(dir, dir.resolve("service-2-kafka.log"), env,
                    Stream.concat(source.stream(), Stream.of("--tidelog.log.backend=kafka")).toList());
            await("the service streams on Kafka").atMost(START_TIMEOUT)
                    .until(() -> service.printed(STREAMING) || !service.isAlive());
            assertThat(service.isAlive()).as("kafka service:%n%s", service.tail(40)).isTrue();
            assertThat(service.output()).as("resumes from the copied position")
                    .contains("Resuming from the position stored in the log").doesNotContain("Taking the aligned initial snapshot");
            awaitFor(Duration.ofSeconds(3), writers);
        }
        postgres.execute(DB, "INSERT INTO counters VALUES (0, 0)");
        await("the last write is captured").atMost(Duration.ofSeconds(60))
                .until(() -> service.printed(SENTINEL_CAPTURED) || !service.isAlive());
        service.stop();
        System.out.println("MigrationIT: " + migration.lines().filter(l -> l.contains("Copied ")).findFirst().orElse(""));

        CapturedCounters captured;
        try (ChangeLog log = KafkaLogs.open(kafka)) {
            captured = CapturedCounters.read(log, TOPIC, TABLE);
        }
        CounterLogCheck.verify("MigrationIT", TABLE, captured, table(), 1, "work dir (kept): " + dir);
        assertThat(captured.markers()).as("one snapshot: the one taken into the embedded log, copied")
                .filteredOn(m -> "started".equals(m.path("state").asString())).hasSize(1);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (service != null && service.isAlive()) {
            service.kill();
        }
        if (postgres != null) {
            await("slot released").atMost(Duration.ofSeconds(30)).until(this::dropSlot);
        }
    }

    private boolean dropSlot() throws Exception {
        try (Connection c = postgres.connect(DB); Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + SLOT
                    + "' AND NOT active");
            ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'");
            return rs.next() && rs.getInt(1) == 0;
        }
    }

    private Map<Integer, Integer> table() throws Exception {
        Map<Integer, Integer> rows = new HashMap<>();
        try (Connection c = postgres.connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM counters")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return rows;
    }

    private void awaitFor(Duration time, CounterWriters writers) {
        long until = System.nanoTime() + time.toNanos();
        await().atMost(time.plusSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> System.nanoTime() >= until || writers.failure() != null || !service.isAlive());
        assertThat(writers.failure()).as("writers").isNull();
        assertThat(service.isAlive()).as("service running:%n%s", service.tail(40)).isTrue();
    }
}
