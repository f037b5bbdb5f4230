package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.event.Lsn;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Streams through column changes, tables without a primary key, and quiet periods with heartbeats. */
@ExtendWith(PostgresExtension.class)
class StreamShapesIT {

    private static final String DB = "shapes_it";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void columnChangesKeylessRowsAndHeartbeats(PostgresServer server) throws Exception {
        server.createDatabase(DB);
        server.execute(DB, """
                CREATE TABLE evolving (id int PRIMARY KEY, a int);
                CREATE TABLE keyless (a int, b text);
                ALTER TABLE keyless REPLICA IDENTITY FULL;
                CREATE TABLE not_captured (id serial PRIMARY KEY, pad text);
                INSERT INTO evolving VALUES (1, 10);
                INSERT INTO keyless VALUES (1, 'one'), (2, 'two');
                """);
        CaptureSettings settings = new CaptureSettings(new SourceAddress(server.host(), server.port(), DB),
                server.superuser(), server.superuserPassword(),
                List.of(new TableId("public", "evolving"), new TableId("public", "keyless")), "shapes_it", "shapes_it",
                Duration.ofMillis(10), 512, OffsetStorage.memory(), Duration.ofSeconds(60),
                CaptureSettings.SnapshotMode.STREAM_ONLY, Duration.ofMillis(500));

        try (ChangeLog log = EmbeddedChangeLog.open(dir.resolve("log"), LogConfig.defaults());
             SourcePipeline pipeline = new SourcePipeline(settings, new SnapshotOptions(1, 1000), log,
                     new ChangeLogWriter(log, new TopicNaming("t"), TopicConfig.compacted(2), settings.tables(), Clock.systemUTC()),
                     batch -> { }, Clock.systemUTC());
             SlotMonitor slots = new SlotMonitor(settings, 1 << 20, Clock.systemUTC())) {
            pipeline.start();

            server.execute(DB,
                    "INSERT INTO evolving VALUES (2, 20)",
                    "ALTER TABLE evolving ADD COLUMN c text DEFAULT 'x'",
                    "INSERT INTO evolving VALUES (3, 30, 'three')",
                    "UPDATE evolving SET c = 'one' WHERE id = 1",
                    "ALTER TABLE evolving DROP COLUMN a",
                    "INSERT INTO evolving VALUES (4, 'four')",
                    "UPDATE keyless SET b = 'uno' WHERE a = 1",
                    "DELETE FROM keyless WHERE a = 2");

            // Every change arrives, later ones in the new shape. Debezium decodes a row with the catalog
            // as it is when it processes the row, so an insert it reads after the DDL ran (id 2 here)
            // takes the new shape too: documented; the compacted view still equals the table.
            await("every change of evolving").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<String> rows = afterRows(log, "t.public.evolving");
                assertThat(rows).hasSize(5);
                assertThat(rows.get(0)).isEqualTo("{\"id\":1,\"a\":10}");
                assertThat(rows.get(1)).startsWith("{\"id\":2");
                assertThat(rows.subList(2, 5)).containsExactly("{\"id\":3,\"a\":30,\"c\":\"three\"}",
                        "{\"id\":1,\"a\":10,\"c\":\"one\"}", "{\"id\":4,\"c\":\"four\"}");
            });

            await("keyless table's compacted view is the table").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(latestByKey(log, "t.public.keyless")).containsOnlyKeys("{\"a\":1,\"b\":\"uno\"}"));

            // The insert position, not pg_current_wal_lsn(): the fixture commits asynchronously, so the
            // written position may still trail the commit when the next statement runs.
            long walBefore = insertLsn(server);
            server.execute(DB, "INSERT INTO not_captured (pad) SELECT repeat('x', 200) FROM generate_series(1, 5000)");
            long walAfter = insertLsn(server);
            assertThat(walAfter - walBefore).as("uncaptured writes produce WAL").isGreaterThan(500_000);
            await("heartbeats move the slot past uncaptured WAL").atMost(Duration.ofSeconds(30))
                    .until(() -> slots.measure().confirmedFlushLsn() >= walAfter);
            assertThat(slots.latest().active()).isTrue();
        }
    }

    private static long insertLsn(PostgresServer server) throws SQLException {
        try (Connection c = server.connect(DB);
             ResultSet rs = c.createStatement().executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    /** The after-row of every non-tombstone event of a topic, in log order (one partition per key). */
    private static List<String> afterRows(ChangeLog log, String topic) {
        List<LogRecord> records = all(log, topic);
        records.sort((x, y) -> Long.compare(JSON.readTree(x.value()).path("source").path("lsn").asLong(),
                JSON.readTree(y.value()).path("source").path("lsn").asLong()));
        return records.stream().map(r -> JSON.readTree(r.value()).path("after").toString()).toList();
    }

    private static Map<String, JsonNode> latestByKey(ChangeLog log, String topic) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        for (int p = 0; p < log.topicConfig(topic).partitions(); p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            ReadResult r = log.read(tp, log.logStartOffset(tp), 10_000, 1 << 24);
            for (LogRecord rec : r.records()) {
                String key = new String(rec.key(), StandardCharsets.UTF_8);
                if (rec.value() == null) {
                    latest.remove(key);
                } else {
                    latest.put(key, JSON.readTree(rec.value()));
                }
            }
        }
        return latest;
    }

    private static List<LogRecord> all(ChangeLog log, String topic) {
        List<LogRecord> out = new ArrayList<>();
        for (int p = 0; p < log.topicConfig(topic).partitions(); p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            ReadResult r = log.read(tp, log.logStartOffset(tp), 10_000, 1 << 24);
            r.records().stream().filter(rec -> rec.value() != null).forEach(out::add);
        }
        return out;
    }
}
