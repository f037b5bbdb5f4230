package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.ChangeEventJson;
import io.tidelog.event.Op;
import io.tidelog.event.TableId;
import io.tidelog.event.Unavailable;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LatestValues;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LatestValueIndex;
import io.tidelog.log.embedded.LogConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Unchanged TOASTed values on a table without {@code REPLICA IDENTITY FULL}: PostgreSQL does not send
 * them, Debezium puts its placeholder in, and the log must still carry the full value — from the
 * row's latest record in the log, else by re-selecting the row.
 */
@ExtendWith(PostgresExtension.class)
class ToastIT {

    private static final TableId TABLE = new TableId("public", "docs");
    private static final String TOPIC = "tidelog.public.docs";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** ~100 kB of md5 hex per row, stored out of line and uncompressed: really TOASTed. */
    private static final String SCHEMA = """
            CREATE TABLE docs (id int PRIMARY KEY, n int NOT NULL, body text NOT NULL);
            ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
            INSERT INTO docs SELECT i, 0, (SELECT string_agg(md5(i || ':' || g), '') FROM generate_series(1, 3125) g)
                FROM generate_series(1, 3) i;
            """;

    @TempDir
    Path dir;

    @Test
    void anUpdateOfAnotherColumnCarriesTheFullTextFromTheLog(PostgresServer server) throws Exception {
        CaptureSettings settings = setUp(server, "toast_log_it");
        List<ChangeEvent> delivered = new CopyOnWriteArrayList<>();
        AtomicInteger reselects = new AtomicInteger();
        try (ChangeLog log = EmbeddedChangeLog.open(dir.resolve("log"), LogConfig.defaults());
             SourcePipeline pipeline = new SourcePipeline(settings, new SnapshotOptions(1, 1000), log,
                     writer(log, settings, new LatestValueIndex(log, 1 << 20), reselects, new AtomicInteger()), delivered::addAll,
                     Clock.systemUTC())) {
            pipeline.start();
            server.execute(settings.address().database(), "UPDATE docs SET n = 1 WHERE id = 1",
                    "UPDATE docs SET n = 2 WHERE id = 1", "UPDATE docs SET n = 1 WHERE id = 2");

            Map<Integer, String> bodies = bodies(server, settings.address().database());
            assertThat(bodies.get(1)).hasSize(100_000);
            awaitUpdates(log, 3);
            await("the observer saw the raw batches").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(rawBodies(delivered)).as("Debezium did send its placeholder")
                            .hasSize(3).containsOnly(Unavailable.VALUE));
            assertEveryEventCarriesTheFullText(log, bodies);
            assertThat(reselects).as("the log held every value").hasValue(0);
        }
    }

    @Test
    void aRowTheLogDoesNotKnowIsReselected(PostgresServer server) throws Exception {
        CaptureSettings settings = setUp(server, "toast_reselect_it");
        LatestValues knowsNothing = (topic, key) -> Optional.empty();
        AtomicInteger reselects = new AtomicInteger();
        AtomicInteger reselectedKeys = new AtomicInteger();
        try (ChangeLog log = EmbeddedChangeLog.open(dir.resolve("log"), LogConfig.defaults());
             SourcePipeline pipeline = new SourcePipeline(settings, new SnapshotOptions(1, 1000), log,
                     writer(log, settings, knowsNothing, reselects, reselectedKeys), batch -> { }, Clock.systemUTC())) {
            pipeline.start();
            server.execute(settings.address().database(), "UPDATE docs SET n = 5 WHERE id IN (1, 3)");

            awaitUpdates(log, 2);
            assertEveryEventCarriesTheFullText(log, bodies(server, settings.address().database()));
            // One re-select per batch Debezium hands over: both rows of the one transaction share it when
            // they arrive in one batch, as they usually do; a poll may still split them.
            assertThat(reselectedKeys).as("each row re-selected once").hasValue(2);
            assertThat(reselects.get()).as("re-selects, one per batch").isBetween(1, 2);
        }
    }

    private static CaptureSettings setUp(PostgresServer server, String db) throws Exception {
        server.createDatabase(db);
        server.execute(db, SCHEMA);
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'docs'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("body is stored out of line").isGreaterThan(300_000);
        }
        return new CaptureSettings(new SourceAddress(server.host(), server.port(), db), server.superuser(),
                server.superuserPassword(), List.of(TABLE), db, db, Duration.ofMillis(10), 512, OffsetStorage.memory(),
                Duration.ofSeconds(60), CaptureSettings.SnapshotMode.STREAM_ONLY, Duration.ZERO);
    }

    private static ChangeLogWriter writer(ChangeLog log, CaptureSettings settings, LatestValues latest,
                                          AtomicInteger reselects, AtomicInteger reselectedKeys) {
        RowSource jdbc = new JdbcRowSource(settings);
        RowSource counting = (table, keys, columns) -> {
            reselects.incrementAndGet();
            reselectedKeys.addAndGet(keys.size());
            return jdbc.select(table, keys, columns);
        };
        return new ChangeLogWriter(log, new TopicNaming("tidelog"), TopicConfig.compacted(2), settings.tables(),
                Clock.systemUTC(), latest, counting);
    }

    private static List<Object> rawBodies(List<ChangeEvent> delivered) {
        return delivered.stream().filter(e -> e.op() == Op.UPDATE).map(e -> e.after().get("body")).toList();
    }

    private static void awaitUpdates(ChangeLog log, int updates) {
        await("the updates reach the log").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(envelopes(log).stream().filter(e -> e.path("op").asString().equals("u"))).hasSize(updates));
    }

    private static void assertEveryEventCarriesTheFullText(ChangeLog log, Map<Integer, String> bodies) {
        for (JsonNode event : envelopes(log)) {
            JsonNode after = event.path("after");
            assertThat(after.path("body").asString()).as("%s of row %s", event.path("op"), after.path("id"))
                    .isEqualTo(bodies.get(after.path("id").asInt()));
        }
    }

    /** Every envelope in the topic, checking on the way that no record holds the placeholder anywhere. */
    private static List<JsonNode> envelopes(ChangeLog log) {
        List<JsonNode> out = new ArrayList<>();
        for (int p = 0; p < log.topicConfig(TOPIC).partitions(); p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            long offset = log.logStartOffset(tp);
            while (offset < log.endOffset(tp)) {
                ReadResult r = log.read(tp, offset, 1000, 16 << 20);
                for (LogRecord rec : r.records()) {
                    String value = new String(rec.value(), StandardCharsets.UTF_8);
                    assertThat(value).doesNotContain(ChangeEventJson.UNAVAILABLE);
                    out.add(JSON.readTree(value));
                }
                offset = r.nextOffset();
            }
        }
        return out;
    }

    private static Map<Integer, String> bodies(PostgresServer server, String db) throws Exception {
        Map<Integer, String> bodies = new HashMap<>();
        try (Connection c = server.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, body FROM docs")) {
            while (rs.next()) {
                bodies.put(rs.getInt(1), rs.getString(2));
            }
        }
        return bodies;
    }
}
