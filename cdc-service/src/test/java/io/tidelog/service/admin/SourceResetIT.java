package io.tidelog.service.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.capture.Capture;
import io.tidelog.event.PositionBytes;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.RedisServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.harness.junit.RedisExtension;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import io.tidelog.service.TidelogApplication;
import io.tidelog.service.capture.CaptureLifecycle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /admin/source/reset} against a running Tidelog: refused without the confirmation; with
 * it, capture stops, the slot and stored position are dropped, the aligned snapshot is taken again
 * (rows that vanished from the source meanwhile get tombstones) and streaming resumes from a new slot,
 * capturing later writes exactly once. A second reset while one runs answers 409. A Redis sink runs
 * throughout: the retake's tombstones and rows reach it, so it ends equal to the table too.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class SourceResetIT {

    private static final String DB = "source_reset_it";
    private static final String TABLE = "reset_items";
    private static final String TOPIC = "tidelog.public." + TABLE;
    private static final String TOKEN = "it-reset-token-4c9e2a7d1f";
    private static final int ROWS = 500;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CONFIRM = "{\"confirm\":\"drop-slot-and-resnapshot\"}";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int port;
    private RedisServer redis;

    @Test
    void resetDropsTheSlotResnapshotsAndResumesStreaming(PostgresServer pg, RedisServer redis) throws Exception {
        this.redis = redis;
        pg.createDatabase(DB);
        pg.execute(DB, "CREATE TABLE " + TABLE + " (id int PRIMARY KEY, v text NOT NULL)",
                "INSERT INTO " + TABLE + " SELECT g, 'v' || g FROM generate_series(1, " + ROWS + ") g");
        try (ConfigurableApplicationContext first = start(pg)) {
            CaptureLifecycle lifecycle = first.getBean(CaptureLifecycle.class);
            ChangeLog changeLog = first.getBean(ChangeLog.class);
            await().alias("snapshot and streaming").atMost(Duration.ofSeconds(90))
                    .until(() -> lifecycle.capture().state() == Capture.State.RUNNING && compacted(changeLog).size() == ROWS);
        }
        // While Tidelog is down, rows vanish and change outside the publication: the slot never sees them, so
        // the log misses them, and only the reset's retake of the table (tombstones for vanished rows) repairs it.
        pg.execute(DB, "ALTER PUBLICATION " + DB + " DROP TABLE " + TABLE,
                "DELETE FROM " + TABLE + " WHERE id <= 50",
                "UPDATE " + TABLE + " SET v = 'changed' WHERE id BETWEEN 51 AND 60",
                "INSERT INTO " + TABLE + " SELECT g, 'new' || g FROM generate_series(" + (ROWS + 1) + ", " + (ROWS + 20) + ") g",
                "ALTER PUBLICATION " + DB + " ADD TABLE " + TABLE);
        try (ConfigurableApplicationContext app = start(pg)) {
            port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            CaptureLifecycle lifecycle = app.getBean(CaptureLifecycle.class);
            ChangeLog changeLog = app.getBean(ChangeLog.class);
            await().alias("streaming resumed").atMost(Duration.ofSeconds(90))
                    .until(() -> lifecycle.capture().state() == Capture.State.RUNNING);
            pg.execute(DB, "UPDATE " + TABLE + " SET v = 'marker' WHERE id = 100");
            await().alias("streamed marker").atMost(Duration.ofSeconds(60))
                    .until(() -> "marker".equals(compacted(changeLog).get(100)));
            assertThat(compacted(changeLog)).as("the log missed the changes made outside the publication")
                    .containsKeys(1, 50).doesNotContainKeys(ROWS + 1).containsEntry(51, "v51");
            await().alias("the cache has the marker").atMost(Duration.ofSeconds(60))
                    .until(() -> "marker".equals(cached().get(100)));
            assertThat(cached()).as("so did the cache").containsKeys(1, 50).doesNotContainKeys(ROWS + 1).containsEntry(51, "v51");
            Capture before = lifecycle.capture();
            long oldSlotLsn = slotCreatedAt(pg);

            // Refused without the exact confirmation; nothing happens.
            for (String body : List.of("", "{}", "{\"confirm\":\"yes\"}")) {
                HttpResponse<String> refused = post("/admin/source/reset", body);
                assertThat(refused.statusCode()).as(body).isEqualTo(400);
                assertThat(JSON.readTree(refused.body()).path("field").asString()).isEqualTo("confirm");
            }
            assertThat(lifecycle.capture()).isSameAs(before);
            assertThat(lifecycle.resetting()).isFalse();

            HttpResponse<String> accepted = post("/admin/source/reset", CONFIRM);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(JSON.readTree(accepted.body()).path("status").asString()).isEqualTo("resetting");
            HttpResponse<String> second = post("/admin/source/reset", CONFIRM);
            assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
            pg.execute(DB, "DELETE FROM " + TABLE + " WHERE id BETWEEN 61 AND 70");

            await().alias("capture streams again after the reset").atMost(Duration.ofSeconds(120)).until(() ->
                    !lifecycle.resetting() && lifecycle.capture().state() == Capture.State.RUNNING);
            assertThat(lifecycle.capture()).as("a new pipeline").isNotSameAs(before);
            assertThat(before.state()).isEqualTo(Capture.State.STOPPED);
            assertThat(slotCreatedAt(pg)).as("a new slot").isGreaterThan(oldSlotLsn);
            JsonNode status = JSON.readTree(get("/admin/status").body());
            assertThat(status.at("/source/state").asString()).isEqualTo("running");
            assertThat(status.at("/source/slot").asString()).isEqualTo(DB);
            await().alias("the log's compacted view equals the table").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(compacted(changeLog)).isEqualTo(tableRows(pg)));

            // Writes after the reset: captured once each.
            Map<TopicPartition, Long> endBefore = ends(changeLog);
            pg.execute(DB, "INSERT INTO " + TABLE + " SELECT g, 'after' || g FROM generate_series(1001, 1010) g",
                    "UPDATE " + TABLE + " SET v = 'after-update' WHERE id BETWEEN 100 AND 104",
                    "DELETE FROM " + TABLE + " WHERE id BETWEEN 105 AND 107");
            await().alias("post-reset writes in the log").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(compacted(changeLog)).isEqualTo(tableRows(pg)));
            List<String> streamed = streamedSince(changeLog, endBefore);
            assertThat(streamed).as("10 inserts, 5 updates, 3 deletes and their tombstones").hasSize(10 + 5 + 3 * 2);
            assertThat(streamed).doesNotHaveDuplicates();
            Map<Integer, String> table = tableRows(pg);
            await().alias("the cache equals the table: the retake's rows and tombstones reached it").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(cached()).isEqualTo(table));
        }
    }

    private ConfigurableApplicationContext start(PostgresServer pg) {
        return new SpringApplicationBuilder(TidelogApplication.class).run(
                "--server.port=0",
                "--tidelog.source.url=" + pg.jdbcUrl(DB),
                "--tidelog.source.username=" + pg.superuser(),
                "--tidelog.source.password=" + pg.superuserPassword(),
                "--tidelog.source.tables=public." + TABLE,
                "--tidelog.source.slot-name=" + DB,
                "--tidelog.source.publication-name=" + DB,
                "--tidelog.data-dir=" + dataDir,
                "--tidelog.admin.token=" + TOKEN,
                "--tidelog.sinks.cache.type=redis",
                "--tidelog.sinks.cache.redis.uri=" + redis.uri(),
                "--tidelog.sinks.cache.redis.key-template=reset:{pk}");
    }

    /** What the Redis sink holds, id → v. */
    private Map<Integer, String> cached() {
        Map<Integer, String> out = new TreeMap<>();
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            for (String key : c.sync().keys("reset:*")) {
                String value = c.sync().get(key);
                if (value != null) {
                    out.put(Integer.parseInt(key.substring("reset:".length())), JSON.readTree(value).path("v").asString());
                }
            }
        } finally {
            client.shutdown();
        }
        return out;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The slot's identity: the LSN from which it was created on (its restart point never goes back). */
    private static long slotCreatedAt(PostgresServer pg) throws Exception {
        try (Connection c = pg.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots "
                     + "WHERE slot_name = '" + DB + "'")) {
            assertThat(rs.next()).as("slot exists").isTrue();
            return rs.getLong(1);
        }
    }

    private static Map<Integer, String> tableRows(PostgresServer pg) throws Exception {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection c = pg.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM " + TABLE)) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2));
            }
        }
        return rows;
    }

    private static Map<TopicPartition, Long> ends(ChangeLog changeLog) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (int p = 0; p < changeLog.topicConfig(TOPIC).partitions(); p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            ends.put(tp, changeLog.endOffset(tp));
        }
        return ends;
    }

    /** The table as the log's compacted view has it: each key's latest record, tombstoned keys left out. */
    private static Map<Integer, String> compacted(ChangeLog changeLog) throws Exception {
        Map<String, JsonNode> latest = new HashMap<>();
        for (LogRecord rec : records(changeLog, Map.of())) {
            String key = new String(rec.key(), StandardCharsets.UTF_8);
            latest.put(key, rec.value() == null ? null : JSON.readTree(rec.value()));
        }
        Map<Integer, String> rows = new TreeMap<>();
        latest.values().stream().filter(v -> v != null && !v.path("after").isNull()).forEach(v ->
                rows.put(v.at("/after/id").asInt(), v.at("/after/v").asString()));
        return rows;
    }

    /** Source position, tombstone flag and key of every record appended after {@code from}. */
    private static List<String> streamedSince(ChangeLog changeLog, Map<TopicPartition, Long> from) throws Exception {
        List<String> out = new ArrayList<>();
        for (LogRecord rec : records(changeLog, from)) {
            out.add(Arrays.toString(position(rec)) + (rec.value() == null ? " tombstone " : " ")
                    + new String(rec.key(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Every record of the table's topic, from {@code from}'s offset of each partition (else its start). */
    private static List<LogRecord> records(ChangeLog changeLog, Map<TopicPartition, Long> from) throws Exception {
        List<LogRecord> out = new ArrayList<>();
        if (!changeLog.topics().contains(TOPIC)) {
            return out;
        }
        for (int p = 0; p < changeLog.topicConfig(TOPIC).partitions(); p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            long offset = from.getOrDefault(tp, changeLog.logStartOffset(tp));
            long end = changeLog.endOffset(tp);
            while (offset < end) {
                ReadResult read = changeLog.read(tp, offset, 10_000, 16 << 20);
                for (LogRecord rec : read.records()) {
                    offset = rec.offset() + 1;
                    out.add(rec);
                }
                if (read.records().isEmpty()) {
                    break;
                }
            }
        }
        return out;
    }

    private static long[] position(LogRecord rec) {
        for (Header h : rec.headers()) {
            if (PositionBytes.HEADER.equals(h.key())) {
                return PositionBytes.decode(h.value());
            }
        }
        throw new AssertionError("no position on " + rec);
    }
}
