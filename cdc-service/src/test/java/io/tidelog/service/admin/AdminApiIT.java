package io.tidelog.service.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.log.Record;
import io.tidelog.log.TopicPartition;
import io.tidelog.sink.runner.SinkState;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every admin endpoint against a running Tidelog: the happy path and each error it answers. */
class AdminApiIT extends AdminItSupport {

    @Test
    void statusShowsSourceLogSinksAndSnapshots() throws Exception {
        await().alias("slot measured as read").atMost(Duration.ofSeconds(30))
                .until(() -> json(get("/admin/status")).at("/source/connected").asBoolean());
        HttpResponse<String> response = get("/admin/status");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode status = json(response);
        assertThat(Instant.parse(status.path("generatedAt").asString())).isBeforeOrEqualTo(Instant.now());

        JsonNode source = status.path("source");
        assertThat(source.path("slot").asString()).isEqualTo(DB);
        assertThat(source.path("state").asString()).isEqualTo("running");
        assertThat(source.path("slotExists").asBoolean()).isTrue();
        assertThat(source.path("confirmedFlushLsn").asString()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(source.path("walLagBytes").isIntegralNumber()).isTrue();
        assertThat(source.has("lastEventAt")).isTrue();
        assertThat(source.path("error").isNull()).isTrue();

        JsonNode topic = find(status.at("/log/topics"), "name", TOPIC);
        assertThat(topic.path("internal").asBoolean()).isFalse();
        assertThat(topic.path("cleanupPolicy").asString()).isEqualTo("compact");
        assertThat(topic.path("partitions").asInt()).isEqualTo(4);
        assertThat(topic.path("sizeBytes").asLong()).isPositive();
        assertThat(topic.path("records").asLong()).isEqualTo(endOffsets());
        assertThat(topic.path("endOffsets").propertyNames()).containsExactly("0", "1", "2", "3");
        assertThat(find(status.at("/log/topics"), "name", "_tidelog.snapshots").path("internal").asBoolean()).isTrue();
        assertThat(status.at("/log/recordsAppended").asLong()).as("since start: at least the marker").isPositive();

        JsonNode sinks = status.path("sinks");
        assertThat(sinks).hasSize(2);
        JsonNode cache = find(sinks, "name", "cache");
        assertThat(cache.path("type").asString()).isEqualTo("redis");
        assertThat(find(sinks, "name", "warehouse").path("type").asString()).isEqualTo("duckdb");
        assertThat(cache.path("state").asString()).isEqualTo("running");
        assertThat(cache.path("tables").get(0).asString()).isEqualTo(TABLE);
        long committed = 0;
        for (JsonNode offset : cache.at("/committedOffsets/" + TOPIC.replace("/", "~1"))) {
            committed += offset.asLong();
        }
        assertThat(committed).isEqualTo(endOffsets());
        assertThat(cache.path("lagRecords").asLong()).isZero();
        assertThat(cache.path("lagSeconds").asDouble()).isZero();
        assertThat(cache.path("recordsWritten").asLong()).as("since start: at least the marker").isPositive();
        assertThat(cache.path("deadLetterTopic").asString()).isEqualTo("_tidelog.dlq.cache");
        assertThat(cache.has("recordsPerSecond")).isTrue();
        assertThat(cache.has("retries")).isTrue();
        assertThat(cache.has("errors")).isTrue();
        assertThat(cache.has("deadLetterCount")).isTrue();

        JsonNode snapshot = status.path("snapshots").get(0);
        assertThat(snapshot.path("table").asString()).isEqualTo(TABLE);
        assertThat(snapshot.path("state").asString()).isEqualTo("completed");
        assertThat(snapshot.path("rows").asLong()).isEqualTo(ROWS);
        assertThat(snapshot.path("percent").asDouble()).isEqualTo(100.0);
    }

    @Test
    void noSecretInTheStatus() throws Exception {
        String body = get("/admin/status").body();
        assertThat(body).doesNotContain(pg.superuserPassword()).doesNotContain(TOKEN);
    }

    @Test
    void throughputIsMeasuredWhileChangesFlow() throws Exception {
        await().alias("cache writes show as records per second").atMost(Duration.ofSeconds(30)).until(() -> {
            pg.execute(DB, "UPDATE admin_items SET v = v || '.' WHERE id <= 5");
            return find(json(get("/admin/status")).path("sinks"), "name", "cache").path("recordsPerSecond").asDouble() > 0
                    && json(get("/admin/status")).at("/source/eventsPerSecond").asDouble() > 0;
        });
    }

    @Test
    void pauseHoldsTheSinkBackAndResumeCatchesItUp() throws Exception {
        HttpResponse<String> paused = post("/admin/sinks/cache/pause", null);
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(json(paused).path("state").asString()).isEqualTo("paused");
        assertThat(runner("cache").state()).isEqualTo(SinkState.PAUSED);
        try {
            pg.execute(DB, "INSERT INTO admin_items VALUES (1001, 'while paused')");
            await().alias("paused cache lags").atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode cache = find(json(get("/admin/status")).path("sinks"), "name", "cache");
                return cache.path("lagRecords").asLong() > 0 && cache.path("lagSeconds").asDouble() > 0;
            });
            assertThat(find(json(get("/admin/status")).path("sinks"), "name", "cache").path("state").asString())
                    .isEqualTo("paused");
            await().alias("the other sink carries on").atMost(Duration.ofSeconds(30)).until(() -> lag("warehouse") == 0);
            assertThat(runner("cache").state()).isEqualTo(SinkState.PAUSED);
        } finally {
            HttpResponse<String> resumed = post("/admin/sinks/cache/resume", null);
            assertThat(resumed.statusCode()).isEqualTo(200);
            assertThat(json(resumed).path("state").asString()).isEqualTo("running");
        }
        await().alias("cache catches up").atMost(Duration.ofSeconds(30)).until(() -> cached().equals(rows()));
    }

    @Test
    void unknownOrMalformedSinkNames() throws Exception {
        for (String action : List.of("pause", "resume", "reset", "dlq/retry")) {
            HttpResponse<String> unknown = post("/admin/sinks/nope/" + action, "{\"to\":\"earliest\"}");
            assertThat(unknown.statusCode()).as(action).isEqualTo(404);
            assertThat(json(unknown).path("field").asString()).isEqualTo("name");
            assertThat(json(unknown).path("error").asString()).isEqualTo("no sink named nope");
            HttpResponse<String> malformed = post("/admin/sinks/Bad%20Name/" + action, "{\"to\":\"earliest\"}");
            assertThat(malformed.statusCode()).as(action).isEqualTo(400);
            assertThat(json(malformed).path("field").asString()).isEqualTo("name");
        }
        assertThat(get("/admin/sinks/nope/dlq").statusCode()).isEqualTo(404);
        assertThat(get("/admin/sinks/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> one = get("/admin/sinks/cache");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(json(one).path("name").asString()).isEqualTo("cache");
    }

    @Test
    void resetToEarliestRebuildsTheCacheFromTheLogAlone() throws Exception {
        pg.execute(DB, "UPDATE admin_items SET v = 'before-reset' WHERE id = 3", "DELETE FROM admin_items WHERE id = 4");
        await().atMost(Duration.ofSeconds(30)).until(() -> cached().equals(rows()));
        long written = runner("cache").metrics().recordsWritten();
        wipeCache();
        assertThat(cached()).isEmpty();

        HttpResponse<String> reset = post("/admin/sinks/cache/reset", "{\"to\":\"earliest\"}");

        assertThat(reset.statusCode()).isEqualTo(200);
        JsonNode body = json(reset);
        assertThat(body.path("status").asString()).isEqualTo("applied");
        assertThat(body.path("to").asString()).isEqualTo("earliest");
        for (JsonNode offset : body.path("committedOffsets").path(TOPIC)) {
            assertThat(offset.asLong()).isZero();
        }
        await().alias("the cache converges to the source again").atMost(Duration.ofSeconds(60))
                .until(() -> cached().equals(rows()));
        assertThat(runner("cache").metrics().recordsWritten()).isGreaterThanOrEqualTo(written + ROWS - 1);
        HttpResponse<String> warehouse = post("/admin/sinks/warehouse/reset", "{\"to\":\"earliest\"}");
        assertThat(warehouse.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> lag("warehouse") == 0);
    }

    @Test
    void resetToLatestTimestampAndOffsets() throws Exception {
        HttpResponse<String> latest = post("/admin/sinks/warehouse/reset", "{\"to\":\"latest\"}");
        assertThat(latest.statusCode()).isEqualTo(200);
        Map<String, Long> ends = new TreeMap<>();
        for (int p = 0; p < 4; p++) {
            ends.put(Integer.toString(p), changeLog.endOffset(new TopicPartition(TOPIC, p)));
        }
        Map<String, Long> answered = new TreeMap<>();
        json(latest).path("committedOffsets").path(TOPIC).properties().forEach(e -> answered.put(e.getKey(), e.getValue().asLong()));
        assertThat(answered).isEqualTo(ends);

        HttpResponse<String> future = post("/admin/sinks/warehouse/reset",
                "{\"to\":\"timestamp\",\"timestamp\":\"2999-01-01T00:00:00Z\"}");
        assertThat(future.statusCode()).isEqualTo(200);
        HttpResponse<String> past = post("/admin/sinks/warehouse/reset",
                "{\"to\":\"timestamp\",\"timestamp\":\"2000-01-01T00:00:00+02:00\"}");
        assertThat(past.statusCode()).isEqualTo(200);
        for (JsonNode offset : json(past).path("committedOffsets").path(TOPIC)) {
            assertThat(offset.asLong()).isZero();
        }

        long end0 = changeLog.endOffset(new TopicPartition(TOPIC, 0));
        HttpResponse<String> exact = post("/admin/sinks/warehouse/reset",
                "{\"to\":\"offsets\",\"offsets\":{\"" + TOPIC + "\":{\"0\":" + (end0 - 1) + "}}}");
        assertThat(exact.statusCode()).isEqualTo(200);
        assertThat(json(exact).path("committedOffsets").path(TOPIC).path("0").asLong()).isEqualTo(end0 - 1);
        assertThat(committed("warehouse").get(new TopicPartition(TOPIC, 0))).isEqualTo(end0 - 1);
    }

    @Test
    void resetRejectsBadBodiesNamingTheField() throws Exception {
        Map<TopicPartition, Long> before = committed("cache");
        String t = "\"" + TOPIC + "\"";
        Object[][] cases = {
                {"", "to"},
                {"{}", "to"},
                {"{\"to\":\"everything\"}", "to"},
                {"{\"to\":7}", "to"},
                {"{\"to\":\"earliest\",\"mode\":\"x\"}", "mode"},
                {"{\"to\":\"earliest\",\"timestamp\":\"2024-01-01T00:00:00Z\"}", "timestamp"},
                {"{\"to\":\"timestamp\"}", "timestamp"},
                {"{\"to\":\"timestamp\",\"timestamp\":\"yesterday\"}", "timestamp"},
                {"{\"to\":\"timestamp\",\"timestamp\":\"2024-01-01T00:00:00\"}", "timestamp"},
                {"{\"to\":\"offsets\"}", "offsets"},
                {"{\"to\":\"offsets\",\"offsets\":[]}", "offsets"},
                {"{\"to\":\"offsets\",\"offsets\":{\"tidelog.public.other\":{\"0\":0}}}", "offsets.tidelog.public.other"},
                {"{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"7\":0}}}", "offsets." + TOPIC + ".7"},
                {"{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":-1}}}", "offsets." + TOPIC + ".0"},
                {"{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":\"1\"}}}", "offsets." + TOPIC + ".0"},
                {"{\"to\":\"offsets\",\"offsets\":{" + t + ":{\"0\":99999999}}}", "offsets." + TOPIC + ".0"},
                {"{\"to\":", null},
        };
        for (Object[] c : cases) {
            HttpResponse<String> r = post("/admin/sinks/cache/reset", (String) c[0]);
            assertThat(r.statusCode()).as((String) c[0]).isEqualTo(400);
            JsonNode error = json(r);
            assertThat(error.path("error").asString()).as((String) c[0]).isNotBlank();
            if (c[1] != null) {
                assertThat(error.path("field").asString()).as((String) c[0]).isEqualTo(c[1]);
            }
        }
        assertThat(send("POST", "/admin/sinks/cache/reset", "{\"to\":\"earliest\"}", "Bearer " + TOKEN, "text/plain")
                .statusCode()).isEqualTo(415);
        assertThat(send("GET", "/admin/sinks/cache/reset", null, "Bearer " + TOKEN, null).statusCode()).isEqualTo(405);
        assertThat(committed("cache")).isEqualTo(before);
    }

    @Test
    void deadLettersArePagedWithTheirOrigin() throws Exception {
        long before = runner("cache").deadLetterCount();
        int partition = changeLog.partitionFor(TOPIC, "{\"id\":-1}".getBytes(StandardCharsets.UTF_8));
        changeLog.append(new TopicPartition(TOPIC, partition), List.of(Record.of(
                "{\"id\":-1}".getBytes(StandardCharsets.UTF_8), "this is not json".getBytes(StandardCharsets.UTF_8)))).get();
        await().alias("both sinks dead-letter the record").atMost(Duration.ofSeconds(30)).until(() ->
                runner("cache").deadLetterCount() == before + 1 && runner("warehouse").deadLetterCount() >= 1);

        HttpResponse<String> page = get("/admin/sinks/cache/dlq?offset=" + before + "&limit=10");
        assertThat(page.statusCode()).isEqualTo(200);
        JsonNode body = json(page);
        assertThat(body.path("topic").asString()).isEqualTo("_tidelog.dlq.cache");
        assertThat(body.path("endOffset").asLong()).isEqualTo(before + 1);
        assertThat(body.path("nextOffset").asLong()).isEqualTo(before + 1);
        JsonNode letter = body.path("letters").get(0);
        assertThat(letter.path("offset").asLong()).isEqualTo(before);
        assertThat(letter.path("originalTopic").asString()).isEqualTo(TOPIC);
        assertThat(letter.path("originalPartition").asInt()).isEqualTo(partition);
        assertThat(letter.path("originalOffset").asLong()).isNotNegative();
        assertThat(letter.path("reason").asString()).startsWith("undecodable: value is not JSON");
        assertThat(Instant.parse(letter.path("deadLetteredAt").asString())).isBeforeOrEqualTo(Instant.now());
        assertThat(letter.path("key").asString()).isEqualTo("{\"id\":-1}");
        assertThat(letter.path("value").asString()).isEqualTo("this is not json");
        assertThat(json(get("/admin/status")).at("/sinks").findValues("deadLetterCount").get(0).asLong()).isEqualTo(before + 1);

        assertThat(json(get("/admin/sinks/cache/dlq")).path("letters")).hasSize((int) (before + 1));
        assertThat(json(get("/admin/sinks/cache/dlq?offset=" + (before + 1))).path("letters")).isEmpty();
        assertThat(json(get("/admin/sinks/cache/dlq?limit=100000")).path("letters").size()).isLessThanOrEqualTo(500);
        for (String query : List.of("offset=-1", "offset=99999", "offset=abc", "limit=0", "limit=abc", "limit=-3")) {
            HttpResponse<String> bad = get("/admin/sinks/cache/dlq?" + query);
            assertThat(bad.statusCode()).as(query).isEqualTo(400);
            assertThat(json(bad).path("field").asString()).as(query).isEqualTo(query.substring(0, query.indexOf('=')));
        }

        // Retrying the letter: still not JSON, so it is rejected again and dead-lettered once more.
        HttpResponse<String> retry = post("/admin/sinks/cache/dlq/retry", "{\"offset\":" + before + "}");
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(json(retry).path("written").asInt()).isZero();
        assertThat(json(retry).path("deadLetteredAgain").asInt()).isEqualTo(1);
        assertThat(json(retry).path("nextOffset").asLong()).isEqualTo(before + 1);
        assertThat(json(get("/admin/sinks/cache/dlq")).path("endOffset").asLong()).isEqualTo(before + 2);
        assertThat(post("/admin/sinks/cache/dlq/retry", "{\"x\":1}").statusCode()).isEqualTo(400);
        assertThat(post("/admin/sinks/cache/dlq/retry", "{\"offset\":\"1\"}").statusCode()).isEqualTo(400);
        assertThat(post("/admin/sinks/cache/dlq/retry", "{\"limit\":0}").statusCode()).isEqualTo(400);
    }

    @Test
    void compactionRunsOnDemand() throws Exception {
        HttpResponse<String> all = post("/admin/log/compact", null);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(json(all).path("topics").findValuesAsString("topic")).contains(TOPIC, "_tidelog.snapshots");
        assertThat(json(all).path("compactionRuns").asLong()).isNotNegative();

        HttpResponse<String> one = post("/admin/log/compact", "{\"topic\":\"" + TOPIC + "\"}");
        assertThat(one.statusCode()).isEqualTo(200);
        JsonNode size = json(one).path("topics").get(0);
        assertThat(size.path("topic").asString()).isEqualTo(TOPIC);
        assertThat(size.path("bytesAfter").asLong()).isPositive().isLessThanOrEqualTo(size.path("bytesBefore").asLong());

        HttpResponse<String> unknown = post("/admin/log/compact", "{\"topic\":\"tidelog.public.nope\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("field").asString()).isEqualTo("topic");
        assertThat(changeLog.topics()).doesNotContain("tidelog.public.nope");
        for (String body : List.of("{\"topic\":5}", "{\"topic\":\"../../etc\"}", "{\"topics\":\"x\"}", "[1]", "{\"topic\":\"a\" \"b\"}")) {
            assertThat(post("/admin/log/compact", body).statusCode()).as(body).isEqualTo(400);
        }
    }

    @Test
    void recordsOfATopicAreReadable() throws Exception {
        int partition = -1;
        for (int p = 0; p < 4 && partition < 0; p++) {
            if (changeLog.endOffset(new TopicPartition(TOPIC, p)) >= 3) {
                partition = p;
            }
        }
        HttpResponse<String> page = get("/admin/log/topics/" + TOPIC + "/records?partition=" + partition + "&offset=0&limit=2");
        assertThat(page.statusCode()).isEqualTo(200);
        JsonNode body = json(page);
        assertThat(body.path("topic").asString()).isEqualTo(TOPIC);
        assertThat(body.path("partition").asInt()).isEqualTo(partition);
        JsonNode records = body.path("records");
        assertThat(records).hasSize(2);
        JsonNode first = records.get(0);
        assertThat(JSON.readTree(first.path("key").asString()).has("id")).isTrue();
        assertThat(JSON.readTree(first.path("value").asString()).path("op").asString()).isIn("r", "c", "u");
        assertThat(Instant.parse(first.path("timestamp").asString())).isBeforeOrEqualTo(Instant.now());
        JsonNode header = first.path("headers").get(0);
        assertThat(header.path("key").asString()).isEqualTo("tidelog.position");
        assertThat(header.path("base64").asString()).isNotBlank();
        assertThat(body.path("nextOffset").asLong()).isEqualTo(records.get(1).path("offset").asLong() + 1);

        assertThat(json(get("/admin/log/topics/" + TOPIC + "/records?limit=100000")).path("records").size()).isLessThanOrEqualTo(500);
        assertThat(get("/admin/log/topics/_tidelog.snapshots/records").statusCode()).isEqualTo(200);
        assertThat(json(get("/admin/log/topics/_tidelog.snapshots/records")).path("records").get(0).path("value").asString())
                .contains("\"table\":\"" + TABLE + "\"");

        assertThat(get("/admin/log/topics/tidelog.public.nope/records").statusCode()).isEqualTo(404);
        assertThat(changeLog.topics()).doesNotContain("tidelog.public.nope");
        assertThat(json(get("/admin/log/topics/" + TOPIC + "/records?partition=4")).path("field").asString()).isEqualTo("partition");
        assertThat(get("/admin/log/topics/" + TOPIC + "/records?partition=4").statusCode()).isEqualTo(404);
        for (String query : List.of("partition=-1", "partition=x", "offset=-1", "offset=999999999", "limit=0", "limit=1.5")) {
            HttpResponse<String> bad = get("/admin/log/topics/" + TOPIC + "/records?" + query);
            assertThat(bad.statusCode()).as(query).isEqualTo(400);
            assertThat(json(bad).path("field").asString()).as(query).isEqualTo(query.substring(0, query.indexOf('=')));
        }
        HttpResponse<String> badName = get("/admin/log/topics/a%20b/records");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(json(badName).path("field").asString()).isEqualTo("topic");
    }

    @Test
    void sourceResetNeedsItsConfirmation() throws Exception {
        for (String body : List.of("", "{}", "{\"confirm\":\"yes\"}", "{\"confirm\":true}")) {
            HttpResponse<String> refused = post("/admin/source/reset", body);
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(json(refused).path("field").asString()).as(body).isEqualTo("confirm");
        }
        // A confirmed reset (202, then a retake of the table) is SourceResetIT's: here it would change the
        // shared app's snapshot counts and log under the other tests.
        assertThat(json(get("/admin/status")).at("/source/state").asString()).isEqualTo("running");
    }

    @Test
    void snapshotsValidateTheirRequest() throws Exception {
        // Valid requests, which start snapshots: AdHocSnapshotsIT.
        HttpResponse<String> unknown = post("/admin/snapshots", "{\"tables\":[\"public.nope\"],\"mode\":\"incremental\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("field").asString()).isEqualTo("tables[0]");
        Object[][] bad = {
                {"{\"tables\":[\"" + TABLE + "\"],\"mode\":\"sometimes\"}", "mode"},
                {"{\"tables\":[\"" + TABLE + "\"]}", "mode"},
                {"{\"mode\":\"blocking\"}", "tables"},
                {"{\"tables\":[],\"mode\":\"blocking\"}", "tables"},
                {"{\"tables\":\"" + TABLE + "\",\"mode\":\"blocking\"}", "tables"},
                {"{\"tables\":[1],\"mode\":\"blocking\"}", "tables[0]"},
                {"{\"tables\":[\"public.x; DROP TABLE admin_items\"],\"mode\":\"blocking\"}", "tables[0]"},
                {"{\"tables\":[\"" + TABLE + "\"],\"mode\":\"blocking\",\"filter\":5}", "filter"},
                {"{\"tables\":[\"" + TABLE + "\"],\"mode\":\"blocking\",\"filter\":\"" + "x".repeat(5000) + "\"}", "filter"},
        };
        for (Object[] c : bad) {
            HttpResponse<String> r = post("/admin/snapshots", (String) c[0]);
            assertThat(r.statusCode()).as((String) c[0]).isEqualTo(400);
            assertThat(json(r).path("field").asString()).as((String) c[0]).isEqualTo(c[1]);
        }
        String id = "0b4f1a6e-8c2d-4e59-9a7b-3c1d2e3f4a5b";
        assertThat(get("/admin/snapshots/" + id).statusCode()).isEqualTo(404);
        assertThat(post("/admin/snapshots/" + id + "/cancel", null).statusCode()).isEqualTo(404);
        assertThat(get("/admin/snapshots/not-an-id").statusCode()).isEqualTo(400);
        assertThat(json(get("/admin/snapshots/not-an-id")).path("field").asString()).isEqualTo("id");
    }

    @Test
    void theOpenApiDocumentDescribesTheAdminApi() throws Exception {
        HttpResponse<String> doc = get("/v3/api-docs");
        assertThat(doc.statusCode()).isEqualTo(200);
        JsonNode paths = json(doc).path("paths");
        assertThat(paths.propertyNames()).contains("/admin/status", "/admin/sinks/{name}/reset", "/admin/sinks/{name}/dlq",
                "/admin/log/compact", "/admin/log/topics/{topic}/records", "/admin/source/reset", "/admin/snapshots");
    }

    @Test
    void unknownAdminPathsAndMethods() throws Exception {
        HttpResponse<String> nowhere = get("/admin/nowhere");
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(json(nowhere).path("error").asString()).isNotBlank();
        HttpResponse<String> wrongMethod = send("DELETE", "/admin/status", null, "Bearer " + TOKEN, null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET");
    }

    static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asString())) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }
}
