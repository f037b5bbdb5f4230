package io.tidelog.service.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * {@code /admin/snapshots} against a running Tidelog: ad-hoc snapshots through Debezium's in-process
 * signalling, their reads in the log, their progress, cancelling, refusals. A row filter with
 * {@code pg_sleep} keeps a snapshot running long enough to be refused or cancelled deterministically.
 */
class AdHocSnapshotsIT extends AdminItSupport {

    /** Makes a chunk query take about half a second, the whole table two. */
    private static final String SLOW = "pg_sleep(0.05) IS NOT NULL";

    @DynamicPropertySource
    static void quickHeartbeats(DynamicPropertyRegistry r) {
        // An idle source ends an incremental snapshot's last window on a heartbeat.
        r.add("tidelog.source.heartbeat-interval", () -> "500ms");
        // Four chunks of the table: a cancel takes effect between them.
        r.add("tidelog.snapshot.ad-hoc-chunk-rows", () -> "10");
    }

    @Test
    void anIncrementalSnapshotPutsEveryRowInTheLogAsARead() throws Exception {
        Map<TopicPartition, Long> before = ends();
        HttpResponse<String> started = post("/admin/snapshots", "{\"tables\":[\"" + TABLE + "\"],\"mode\":\"incremental\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode s = json(started);
        String id = s.path("id").asString();
        assertThat(started.headers().firstValue("Location")).hasValue("/admin/snapshots/" + id);
        assertThat(s.path("mode").asString()).isEqualTo("incremental");
        assertThat(s.path("state").asString()).isIn("requested", "running");
        assertThat(s.path("estimatedRows").asLong()).isEqualTo(ROWS);

        JsonNode done = awaitEnd(id);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("rows").asLong()).isEqualTo(ROWS);
        assertThat(done.path("percent").asDouble()).isEqualTo(100.0);
        assertThat(done.at("/tables/0/table").asString()).isEqualTo(TABLE);
        assertThat(done.at("/tables/0/rows").asLong()).isEqualTo(ROWS);
        assertThat(done.path("errors")).isEmpty();

        Map<String, Integer> reads = readsSince(before);
        assertThat(reads).as("op=r records appended after the request, by key").hasSize(ROWS)
                .allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
        assertThat(json(get("/admin/snapshots")).findValuesAsString("id")).contains(id);
        await().alias("the cache still equals the table").atMost(Duration.ofSeconds(30)).until(() -> cached().equals(rows()));
    }

    @Test
    void aFilteredSnapshotReadsOnlyTheMatchingRows() throws Exception {
        Map<TopicPartition, Long> before = ends();
        JsonNode s = json(post("/admin/snapshots",
                "{\"tables\":[\"" + TABLE + "\"],\"mode\":\"incremental\",\"filter\":\"id <= 10\"}"));
        assertThat(s.path("filtered").asBoolean()).isTrue();
        assertThat(s.path("estimatedRows").isNull()).as("no estimate for a filter").isTrue();
        JsonNode done = awaitEnd(s.path("id").asString());
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("rows").asLong()).isEqualTo(10);
        assertThat(new TreeSet<>(readsSince(before).keySet())).as("keys read")
                .isEqualTo(new TreeSet<>(Set.of("{\"id\":1}", "{\"id\":2}", "{\"id\":3}", "{\"id\":4}", "{\"id\":5}",
                        "{\"id\":6}", "{\"id\":7}", "{\"id\":8}", "{\"id\":9}", "{\"id\":10}")));
    }

    @Test
    void aRunningSnapshotRefusesASecondOneAndCanBeCancelled() throws Exception {
        String id = json(post("/admin/snapshots",
                "{\"tables\":[\"" + TABLE + "\"],\"mode\":\"incremental\",\"filter\":\"" + SLOW + "\"}")).path("id").asString();
        HttpResponse<String> second = post("/admin/snapshots", "{\"tables\":[\"" + TABLE + "\"],\"mode\":\"incremental\"}");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second).path("error").asString()).contains(id).contains("one ad-hoc snapshot runs at a time");

        HttpResponse<String> cancel = post("/admin/snapshots/" + id + "/cancel", null);
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        assertThat(json(cancel).path("state").asString()).isEqualTo("cancelling");
        JsonNode done = awaitEnd(id);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("cancelled");
        assertThat(done.path("rows").asLong()).as("rows read before the cancel took effect").isLessThan(ROWS);

        HttpResponse<String> again = post("/admin/snapshots/" + id + "/cancel", null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).path("error").asString()).contains("already ended: cancelled");
    }

    @Test
    void aBlockingSnapshotReadsEveryRowAndCannotBeCancelled() throws Exception {
        Map<TopicPartition, Long> before = ends();
        String id = json(post("/admin/snapshots",
                "{\"tables\":[\"" + TABLE + "\"],\"mode\":\"blocking\",\"filter\":\"" + SLOW + "\"}")).path("id").asString();
        HttpResponse<String> cancel = post("/admin/snapshots/" + id + "/cancel", null);
        assertThat(cancel.statusCode()).isEqualTo(409);
        assertThat(json(cancel).path("error").asString()).contains("cannot be cancelled");
        JsonNode done = awaitEnd(id);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("mode").asString()).isEqualTo("blocking");
        assertThat(done.path("rows").asLong()).isEqualTo(ROWS);
        assertThat(readsSince(before)).hasSize(ROWS);
        // Streaming resumed after the blocking read.
        pg.execute(DB, "UPDATE admin_items SET v = 'after-blocking' WHERE id = 2");
        await().atMost(Duration.ofSeconds(30)).until(() -> "after-blocking".equals(cached().get(2)));
    }

    @Test
    void aFilterThePostgresqlRejectsFailsTheSnapshotAndCaptureGoesOn() throws Exception {
        String id = json(post("/admin/snapshots",
                "{\"tables\":[\"" + TABLE + "\"],\"mode\":\"incremental\",\"filter\":\"no_such_column = 1\"}")).path("id").asString();
        JsonNode done = awaitEnd(id);
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("failed");
        assertThat(done.path("errors").get(0).asString()).isEqualTo(TABLE + ": sql exception (check the filter)");
        assertThat(json(get("/admin/status")).at("/source/state").asString()).isEqualTo("running");
        pg.execute(DB, "UPDATE admin_items SET v = 'after-failure' WHERE id = 3");
        await().atMost(Duration.ofSeconds(30)).until(() -> "after-failure".equals(cached().get(3)));
    }

    private JsonNode awaitEnd(String id) {
        JsonNode[] last = new JsonNode[1];
        await().alias("snapshot " + id + " ends").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    HttpResponse<String> r = get("/admin/snapshots/" + id);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    last[0] = json(r);
                    return !Set.of("requested", "running", "cancelling").contains(last[0].path("state").asString());
                });
        return last[0];
    }

    private Map<TopicPartition, Long> ends() {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (int p = 0; p < changeLog.topicConfig(TOPIC).partitions(); p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            out.put(tp, changeLog.endOffset(tp));
        }
        return out;
    }

    /** Key → number of {@code op=r} records appended to the table's topic since these end offsets. */
    private Map<String, Integer> readsSince(Map<TopicPartition, Long> from) {
        Map<String, Integer> reads = new HashMap<>();
        from.forEach((tp, offset) -> {
            long next = offset;
            while (next < changeLog.endOffset(tp)) {
                ReadResult r = changeLog.read(tp, next, 1000, 1 << 20);
                for (LogRecord rec : r.records()) {
                    if (rec.value() != null && "r".equals(JSON.readTree(rec.value()).path("op").asString())) {
                        reads.merge(new String(rec.key(), java.nio.charset.StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                }
                next = r.nextOffset();
            }
        });
        return reads;
    }
}
