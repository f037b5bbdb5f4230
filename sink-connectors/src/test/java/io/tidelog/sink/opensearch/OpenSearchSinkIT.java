package io.tidelog.sink.opensearch;

import static io.tidelog.sink.TestRecords.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tidelog.event.Op;
import io.tidelog.event.TableId;
import io.tidelog.harness.OpenSearchServer;
import io.tidelog.harness.junit.OpenSearchExtension;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import io.tidelog.sink.TestRecords;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The sink against a real OpenSearch node; each test writes its own table's index and deletes it afterwards. */
@ExtendWith(OpenSearchExtension.class)
class OpenSearchSinkIT {

    private static final String RUN = Long.toString(System.nanoTime(), 36);
    private static final AtomicInteger TABLES = new AtomicInteger();

    private final OpenSearchServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<OpenSearchSink> sinks = new ArrayList<>();
    private final List<String> indices = new ArrayList<>();

    OpenSearchSinkIT(OpenSearchServer server) {
        this.server = server;
    }

    @AfterEach
    void cleanUp() throws Exception {
        sinks.forEach(OpenSearchSink::close);
        for (String index : indices) {
            call("DELETE", "/" + index, null);
        }
    }

    @Test
    void writesInsertsUpdatesDeletesAndTombstones() throws Exception {
        TableId table = newTable();
        OpenSearchSink sink = open(settings(), table);
        SinkRecord ada = TestRecords.upsert(table, "{\"id\":1}", """
                {"id":1,"name":"Ada «Countess» Lovelace","score":12.75,"active":true,"nick":null,
                 "tags":["math","poetry"],"address":{"city":"London","zip":"W1"},"big":9007199254740993}""",
                Op.CREATE, 1000, 990);
        SinkRecord bob = TestRecords.upsert(table, "{\"id\":2}", "{\"id\":2,\"name\":\"Bob\",\"score\":1}", Op.READ, 900, 0);
        SinkRecord carl = TestRecords.upsert(table, "{\"id\":3}", "{\"id\":3,\"name\":\"Carl\"}", Op.CREATE, 1000, 995);
        assertThat(sink.write(List.of(ada, bob, carl))).isEmpty();

        SinkRecord bobUpdated = TestRecords.upsert(table, "{\"id\":2}", "{\"id\":2,\"name\":\"Bob\",\"score\":2}",
                Op.UPDATE, 1100, 1050);
        SinkRecord carlDeleted = TestRecords.delete(table, "{\"id\":3}", 1200, 1150);
        SinkRecord carlTombstone = TestRecords.tombstone(table, "{\"id\":3}", 1200, 1150);
        SinkRecord neverThere = TestRecords.delete(table, "{\"id\":4}", 1200, 1160);
        assertThat(sink.write(List.of(bobUpdated, carlDeleted, carlTombstone, neverThere))).isEmpty();
        sink.flush();

        Map<String, JsonNode> docs = documents(index(table));
        assertThat(docs.keySet()).containsExactly("1", "2");
        assertThat(docs.get("1").get("_source")).isEqualTo(expectedSource(ada));
        assertThat(docs.get("1").get("_version").asLong()).isEqualTo(1000);
        assertThat(docs.get("2").get("_source")).isEqualTo(expectedSource(bobUpdated));
        assertThat(docs.get("2").get("_version").asLong()).isEqualTo(1100);
        assertThat(expectedSource(bobUpdated).get(OpenSearchSink.META_FIELD)).hasToString(
                "{\"version\":\"1100/1050\",\"op\":\"u\",\"commit_ts\":1700000001100}");
    }

    @Test
    void ignoresAnOlderVersionAfterANewerOne() throws Exception {
        TableId table = newTable();
        OpenSearchSink sink = open(settings(), table);
        SinkRecord newer = TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1,\"state\":\"new\"}", 2000);
        assertThat(sink.write(List.of(newer))).isEmpty();

        SinkRecord olderUpsert = TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1,\"state\":\"old\"}", 1000);
        SinkRecord olderDelete = TestRecords.delete(table, "{\"id\":1}", 1500, 1500);
        assertThat(sink.write(List.of(olderUpsert))).isEmpty();
        assertThat(sink.write(List.of(olderDelete))).isEmpty();
        assertThat(document(table, "1").get("_source")).isEqualTo(expectedSource(newer));
        assertThat(document(table, "1").get("_version").asLong()).isEqualTo(2000);

        // a delete's version outlives the document (for index.gc_deletes): an older upsert does not resurrect it
        assertThat(sink.write(List.of(TestRecords.delete(table, "{\"id\":1}", 3000, 3000)))).isEmpty();
        assertThat(sink.write(List.of(TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1,\"state\":\"zombie\"}", 2500))))
                .isEmpty();
        assertThat(document(table, "1").get("found").asBoolean()).isFalse();
    }

    @Test
    void replayingTheWholeSequenceLeavesTheIndexUnchanged() throws Exception {
        TableId table = newTable();
        OpenSearchSink sink = open(settings().withMaxBulk(4, 1 << 20), table);
        List<SinkRecord> sequence = new ArrayList<>();
        for (int id = 1; id <= 6; id++) {
            sequence.add(TestRecords.upsert(table, "{\"id\":" + id + "}", "{\"id\":" + id + ",\"v\":0}", Op.READ, 5000, 0));
        }
        for (int id = 1; id <= 6; id += 2) {
            sequence.add(TestRecords.upsert(table, "{\"id\":" + id + "}", "{\"id\":" + id + ",\"v\":1}", Op.UPDATE,
                    6000 + id, 5990 + id));
        }
        sequence.add(TestRecords.upsert(table, "{\"id\":2}", "{\"id\":2,\"v\":2}", Op.UPDATE, 7000, 6990));
        sequence.add(TestRecords.upsert(table, "{\"id\":2}", "{\"id\":2,\"v\":3}", Op.UPDATE, 7000, 6995));
        sequence.add(TestRecords.delete(table, "{\"id\":4}", 7100, 7100));
        sequence.add(TestRecords.tombstone(table, "{\"id\":4}", 7100, 7100));
        sequence.add(TestRecords.upsert(table, "{\"id\":7}", "{\"id\":7,\"v\":0}", Op.CREATE, 7200, 7150));

        assertThat(sink.write(sequence)).isEmpty();
        Map<String, JsonNode> before = documents(index(table));
        assertThat(before.keySet()).containsExactly("1", "2", "3", "5", "6", "7");
        assertThat(before.get("2").at("/_source/v").asInt()).isEqualTo(3);

        for (int replay = 0; replay < 2; replay++) {
            assertThat(sink.write(sequence)).isEmpty();
        }
        assertThat(documents(index(table))).isEqualTo(before);
    }

    @Test
    void appliesChangesOfOneTransactionInLogOrder() throws Exception {
        TableId table = newTable();
        OpenSearchSink sink = open(settings(), table);
        assertThat(sink.write(List.of(
                TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1,\"step\":\"first\"}", Op.CREATE, 8000, 7901),
                TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1,\"step\":\"second\"}", Op.UPDATE, 8000, 7902),
                TestRecords.upsert(table, "{\"id\":2}", "{\"id\":2}", Op.CREATE, 8000, 7903),
                TestRecords.delete(table, "{\"id\":2}", 8000, 7904),
                TestRecords.delete(table, "{\"id\":3}", 8000, 7905),
                TestRecords.upsert(table, "{\"id\":3}", "{\"id\":3,\"step\":\"re-inserted\"}", Op.CREATE, 8000, 7906))))
                .isEmpty();
        // the same transaction's later change in a later batch still applies (equal major)
        assertThat(sink.write(List.of(
                TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1,\"step\":\"third\"}", Op.UPDATE, 8000, 7907))))
                .isEmpty();

        Map<String, JsonNode> docs = documents(index(table));
        assertThat(docs.keySet()).containsExactly("1", "3");
        assertThat(docs.get("1").at("/_source/step").asString()).isEqualTo("third");
        assertThat(docs.get("1").at("/_source/_tidelog/version").asString()).isEqualTo("8000/7907");
        assertThat(docs.get("3").at("/_source/step").asString()).isEqualTo("re-inserted");
    }

    @Test
    void rejectsExactlyThePoisonDocument() throws Exception {
        TableId table = newTable();
        OpenSearchSink sink = open(settings().withIndex(null, "{\"properties\":{\"price\":{\"type\":\"integer\"}}}"), table);
        SinkRecord poison = TestRecords.upsert(table, "{\"id\":2}", "{\"id\":2,\"price\":\"not a number\"}", 9000);
        List<Rejection> rejected = sink.write(List.of(
                TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1,\"price\":10}", 9000),
                poison,
                TestRecords.upsert(table, "{\"id\":3}", "{\"id\":3,\"price\":30}", 9000)));

        assertThat(rejected).singleElement().satisfies(rejection -> {
            assertThat(rejection.record()).isSameAs(poison);
            assertThat(rejection.reason()).startsWith("mapper_parsing_exception: ").contains("[price]");
        });
        Map<String, JsonNode> docs = documents(index(table));
        assertThat(docs.keySet()).containsExactly("1", "3");
        assertThat(docs.get("3").at("/_source/price").asInt()).isEqualTo(30);
    }

    @Test
    void splitsBulkRequestsByBytesAndByActions() throws Exception {
        TableId table = newTable();
        List<SinkRecord> records = IntStream.rangeClosed(1, 10)
                .mapToObj(id -> TestRecords.upsert(table, "{\"id\":" + id + "}",
                        "{\"id\":" + id + ",\"text\":\"" + "x".repeat(100) + "\"}", 10_000))
                .toList();
        OpenSearchSink byBytes = open(settings().withMaxBulk(1000, 700), table);
        assertThat(byBytes.write(records)).isEmpty();
        // each record is some 290 bytes of NDJSON, so a request holds two
        assertThat(byBytes.bulkRequests()).isEqualTo(5);
        assertThat(documents(index(table))).hasSize(10);

        OpenSearchSink byActions = open(settings().withMaxBulk(3, 1 << 20), table);
        assertThat(byActions.write(records)).isEmpty();
        assertThat(byActions.bulkRequests()).isEqualTo(4);
    }

    @Test
    void theIdOfACompositeKeyIsItsValues() throws Exception {
        TableId table = newTable();
        OpenSearchSink sink = open(settings(), table);
        String longKey = "k".repeat(600);
        assertThat(sink.write(List.of(
                TestRecords.upsert(table, "{\"tenant\":\"acme\",\"id\":3}", "{\"tenant\":\"acme\",\"id\":3,\"n\":1}", 100),
                TestRecords.upsert(table, "{\"tenant\":\"a:b\",\"id\":3}", "{\"tenant\":\"a:b\",\"id\":3,\"n\":2}", 100),
                TestRecords.upsert(table, "{\"tenant\":\"a\",\"id\":\"b:3\"}", "{\"tenant\":\"a\",\"n\":3}", 100),
                TestRecords.upsert(table, "{\"tenant\":\"" + longKey + "\",\"id\":3}", "{\"id\":3,\"n\":4}", 100))))
                .isEmpty();

        assertThat(document(table, "acme:3").at("/_source/n").asInt()).isEqualTo(1);
        assertThat(document(table, "a\\:b:3").at("/_source/n").asInt()).isEqualTo(2);
        assertThat(document(table, "a:b\\:3").at("/_source/n").asInt()).isEqualTo(3);
        assertThat(documents(index(table))).hasSize(4)
                .hasEntrySatisfying(DocumentId.of((ObjectNode) JSON.readTree("{\"tenant\":\"" + longKey + "\",\"id\":3}")),
                        doc -> assertThat(doc.at("/_source/n").asInt()).isEqualTo(4));
    }

    @Test
    void createsTheIndexWithTheConfiguredSettingsAndMappingsOnce() throws Exception {
        TableId table = newTable();
        OpenSearchSinkSettings settings = settings().withIndex(
                "{\"number_of_shards\":2,\"number_of_replicas\":0,\"refresh_interval\":\"7s\"}",
                "{\"dynamic\":\"strict\",\"properties\":{\"id\":{\"type\":\"long\"},\"name\":{\"type\":\"keyword\"}}}");
        OpenSearchSink sink = open(settings, table);
        open(settings, table); // the index exists now: opening again is fine

        JsonNode indexSettings = call("GET", "/" + index(table) + "/_settings", null).at("/" + index(table) + "/settings/index");
        assertThat(indexSettings.get("number_of_shards").asString()).isEqualTo("2");
        assertThat(indexSettings.get("number_of_replicas").asString()).isEqualTo("0");
        assertThat(indexSettings.get("refresh_interval").asString()).isEqualTo("7s");
        JsonNode mappings = call("GET", "/" + index(table) + "/_mapping", null).at("/" + index(table) + "/mappings");
        assertThat(mappings.get("dynamic").asString()).isEqualTo("strict");
        assertThat(mappings.at("/properties/name/type").asString()).isEqualTo("keyword");
        assertThat(mappings.at("/properties/_tidelog/properties/commit_ts/type").asString()).isEqualTo("date");

        SinkRecord extraColumn = TestRecords.upsert(table, "{\"id\":2}", "{\"id\":2,\"name\":\"b\",\"extra\":1}", 100);
        List<Rejection> rejected = sink.write(List.of(
                TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1,\"name\":\"a\"}", 100), extraColumn));
        assertThat(rejected).singleElement().satisfies(rejection -> {
            assertThat(rejection.record()).isSameAs(extraColumn);
            assertThat(rejection.reason()).startsWith("strict_dynamic_mapping_exception: ");
        });
        assertThat(document(table, "1").get("found").asBoolean()).isTrue();
    }

    @Test
    void invalidIndexSettingsFailOpenForGood() {
        TableId table = newTable();
        OpenSearchSink sink = new OpenSearchSink(settings().withIndex("{\"number_of_shards\":\"many\"}", null));
        sinks.add(sink);
        Throwable failure = catchThrowable(() -> sink.open(new SinkContext("search", Set.of(table))));
        assertThat(failure).isInstanceOf(OpenSearchRequestException.class)
                .hasMessageContaining("creating index " + index(table) + " failed with HTTP 400")
                .hasMessageContaining("number_of_shards");
        assertThat(sink.classifier().isRetriable(failure)).isFalse();
    }

    @Test
    void aFrozenServerGivesARetriableErrorAndTheNextWriteSucceeds() throws Exception {
        TableId table = newTable();
        open(settings(), table); // creating an index may take longer than the short timeout
        OpenSearchSink sink = open(settings().withRequestTimeout(Duration.ofSeconds(1)), table);
        List<SinkRecord> batch = List.of(TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1}", 100));
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(server.processHandle());
        server.processHandle().descendants().forEach(tree::add);
        Throwable failure;
        signal("STOP", tree);
        try {
            failure = catchThrowable(() -> sink.write(batch));
        } finally {
            signal("CONT", tree);
        }
        assertThat(failure).isNotNull();
        assertThat(sink.classifier().isRetriable(failure)).as("retriable: %s", failure).isTrue();

        assertThat(sink.write(batch)).isEmpty(); // the runner's retry of the same batch
        assertThat(document(table, "1").get("found").asBoolean()).isTrue();
    }

    @Test
    void refreshMakesWritesSearchableWhenTheBulkReturns() throws Exception {
        TableId table = newTable();
        OpenSearchSink sink = open(settings().withRefresh(true), table);
        assertThat(sink.write(List.of(TestRecords.upsert(table, "{\"id\":1}", "{\"id\":1}", 100)))).isEmpty();
        sink.flush();
        JsonNode hits = call("GET", "/" + index(table) + "/_search", null).at("/hits/hits");
        assertThat(hits).hasSize(1);
    }

    @Test
    void closeIsIdempotentAndEndsTheSink() throws Exception {
        TableId table = newTable();
        OpenSearchSink sink = open(settings(), table);
        sink.close();
        sink.close();
        assertThatThrownBy(() -> sink.write(List.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    // --- helpers

    private OpenSearchSinkSettings settings() {
        return OpenSearchSinkSettings.defaults(server.uri());
    }

    private TableId newTable() {
        TableId table = new TableId("it", "t_" + RUN + "_" + TABLES.incrementAndGet());
        indices.add(index(table));
        return table;
    }

    private static String index(TableId table) {
        return table.schema() + "." + table.table();
    }

    private OpenSearchSink open(OpenSearchSinkSettings settings, TableId table) throws Exception {
        OpenSearchSink sink = new OpenSearchSink(settings);
        sinks.add(sink);
        sink.open(new SinkContext("search", Set.of(table)));
        return sink;
    }

    /** The row's document as {@code GET _doc} returns it: {@code found}, {@code _version}, {@code _source}. */
    private JsonNode document(TableId table, String id) throws Exception {
        return call("GET", "/" + index(table) + "/_doc/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
    }

    /** Every document of the index by {@code _id}: {@code _source} and {@code _version}, after a refresh. */
    private Map<String, JsonNode> documents(String index) throws Exception {
        call("POST", "/" + index + "/_refresh", null);
        JsonNode hits = call("POST", "/" + index + "/_search", "{\"size\":1000,\"version\":true}").at("/hits/hits");
        Map<String, JsonNode> docs = new TreeMap<>();
        for (JsonNode hit : hits) {
            ObjectNode doc = JSON.createObjectNode();
            doc.set("_source", hit.get("_source"));
            doc.set("_version", hit.get("_version"));
            docs.put(hit.get("_id").asString(), doc);
        }
        return docs;
    }

    private static JsonNode expectedSource(SinkRecord record) {
        ObjectNode source = record.after().deepCopy();
        ObjectNode meta = source.putObject(OpenSearchSink.META_FIELD);
        meta.put("version", record.version().toString());
        meta.put("op", String.valueOf(record.op().code()));
        meta.put("commit_ts", record.commitTime());
        return source;
    }

    private JsonNode call(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30));
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static void signal(String signal, List<ProcessHandle> processes) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kill.waitFor()).as("kill -%s: %s", signal, output).isZero();
    }
}
