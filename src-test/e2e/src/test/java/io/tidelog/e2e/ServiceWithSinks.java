package io.tidelog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tidelog.e2e.LoggedChanges.DeadLetter;
import io.tidelog.e2e.SinkContents.Deletes;
import io.tidelog.event.TableId;
import io.tidelog.harness.OpenSearchServer;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.RedisServer;
import io.tidelog.log.ChangeLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * The Tidelog service of {@link SinksEndToEndIT} with its three sinks — {@code cache} (Redis),
 * {@code search} (OpenSearch, {@code code} mapped as an integer) and {@code warehouse} (DuckDB) — on
 * one data directory, started, stopped and killed as a child JVM ({@link ServiceProcess}); its sinks'
 * health; and the targets, read back as {@link SinkContents}. Short timeouts and backoffs (2 s) so
 * that a target's outage ends quickly once it is back.
 *
 * <p>{@link #converge} is the check that ends each phase. Not thread-safe: the test's thread only.
 */
final class ServiceWithSinks implements AutoCloseable {

    static final String SLOT = "sinks_e2e_it";
    /** The admin API's bearer token, given through the environment. */
    private static final String ADMIN_TOKEN = "e2e-admin-token-5d1c";
    static final List<String> SINKS = List.of("cache", "search", "warehouse");
    static final List<String> GROUPS = SINKS.stream().map(s -> "tidelog.sink." + s).toList();
    static final List<TableId> TABLES = List.of(new TableId("public", SinksEndToEndIT.TYPES),
            new TableId("public", SinksEndToEndIT.ITEMS));
    /** Table name → its log topic, its Redis version hash and OpenSearch index ({@code schema.table}), its DuckDB table. */
    static final Map<String, String> TOPICS = names("tidelog.public.");
    private static final Map<String, String> QUALIFIED = names("public.");
    private static final Map<String, String> DUCKDB_TABLES = names("public_");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(120);
    private static final String STREAMING = "Capture " + SLOT + ": STARTING -> RUNNING";
    private static final Pattern PORT = Pattern.compile("Tomcat started on ports? (\\d+)");
    private static final Pattern STOPPED = Pattern.compile("sink (\\S+): stopped after (\\d+) records");
    /** PostgreSQL's refusal while a killed service's walsender still holds the slot. */
    private static final List<String> SLOT_BUSY = List.of("is active for PID", "is in use");

    private final PostgresServer postgres;
    private final OpenSearchServer openSearch;
    private final Path dir;
    private final LogBackend backend;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> arguments;
    private ServiceProcess service;
    private int port;
    private int starts;
    private int slotBusyRetries;
    private int sentinels;

    /**
     * @param backend where the service keeps its log; closed with this
     */
    ServiceWithSinks(PostgresServer postgres, RedisServer redis, OpenSearchServer openSearch, Path dir, LogBackend backend) {
        this.postgres = postgres;
        this.openSearch = openSearch;
        this.dir = dir;
        this.backend = backend;
        RedisURI uri = RedisURI.create(redis.uri());
        uri.setTimeout(Duration.ofSeconds(20));
        this.redisClient = RedisClient.create(uri);
        this.redis = redisClient.connect();
        this.arguments = Stream.concat(backend.serviceArguments().stream(), Stream.of("--server.port=0",
                "--tidelog.data-dir=" + dataDir(),
                "--tidelog.source.url=" + postgres.jdbcUrl(SinksEndToEndIT.DB),
                "--tidelog.source.username=" + postgres.superuser(),
                "--tidelog.source.tables=" + String.join(",", QUALIFIED.values()),
                "--tidelog.source.slot-name=" + SLOT,
                "--tidelog.source.publication-name=" + SLOT,
                "--tidelog.sinks.cache.type=redis",
                "--tidelog.sinks.cache.redis.uri=" + redis.uri(),
                "--tidelog.sinks.cache.redis.command-timeout=2s",
                "--tidelog.sinks.cache.retry.max-backoff=2s",
                "--tidelog.sinks.search.type=opensearch",
                "--tidelog.sinks.search.opensearch.urls=" + openSearch.uri(),
                "--tidelog.sinks.search.opensearch.request-timeout=2s",
                "--tidelog.sinks.search.opensearch.index-settings={\"index\":{\"number_of_shards\":1,\"number_of_replicas\":0}}",
                "--tidelog.sinks.search.opensearch.index-mappings={\"properties\":{\"code\":{\"type\":\"integer\"}}}",
                "--tidelog.sinks.search.retry.max-backoff=2s",
                "--tidelog.sinks.warehouse.type=duckdb",
                "--tidelog.sinks.warehouse.duckdb.path=warehouse.duckdb",
                "--tidelog.sinks.warehouse.retry.max-backoff=2s")).toList();
    }

    private static Map<String, String> names(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        TABLES.forEach(t -> out.put(t.table(), prefix + t.table()));
        return out;
    }

    PostgresServer postgres() {
        return postgres;
    }

    Path dataDir() {
        return dir.resolve("data");
    }

    /** The service's log, for reading while the service is stopped (close it before the next start). */
    ChangeLog openLog() {
        return backend.open();
    }

    LogBackend backend() {
        return backend;
    }

    // ---- the service -------------------------------------------------------------------------------

    /** Starts the service and waits until it streams and serves HTTP, starting again while an old walsender holds the slot. */
    void startUntilStreaming() {
        await("service " + (starts + 1) + " streams").atMost(START_TIMEOUT.multipliedBy(2))
                .pollInSameThread().pollInterval(Duration.ofMillis(200)).until(this::startedStreaming);
    }

    private boolean startedStreaming() throws Exception {
        starts++;
        service = ServiceProcess.start(dir, dir.resolve(String.format("service-%02d.log", starts)),
                Map.of("TIDELOG_SOURCE_PASSWORD", postgres.superuserPassword(), "TIDELOG_ADMIN_TOKEN", ADMIN_TOKEN), arguments);
        await("service streams and serves HTTP, or exits").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> service.printed(STREAMING) && PORT.matcher(service.output()).find() || !service.isAlive());
        if (service.isAlive()) {
            Matcher m = PORT.matcher(service.output());
            assertThat(m.find()).isTrue();
            port = Integer.parseInt(m.group(1));
            return true;
        }
        if (SLOT_BUSY.stream().anyMatch(service.output()::contains)) {
            slotBusyRetries++;
            return false;
        }
        throw new AssertionError("service " + starts + " exited before streaming:\n" + service.tail(60));
    }

    /** SIGTERM: capture stops, each sink finishes and commits its batch in flight. */
    int stop() {
        return service.stop();
    }

    /** SIGKILL: a crash anywhere, mid-batch included. */
    void kill() {
        assertThat(service.isAlive()).as("service %d alive before its kill", starts).isTrue();
        service.kill();
    }

    /** Waits for {@code time} while the service and the writers keep running. */
    void awaitFor(Duration time, ItemWriters writers) {
        if (time.isNegative()) {
            return;
        }
        long until = System.nanoTime() + time.toNanos();
        await().atMost(time.plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> System.nanoTime() >= until || !service.isAlive() || writers.failure() != null);
        assertThat(writers.failure()).as("writers").isNull();
        assertThat(service.isAlive()).as("service %d running", starts).isTrue();
    }

    /** The records each sink wrote while the last (cleanly stopped) service ran, from its stop lines. */
    Map<String, Long> recordsWrittenByLastStart() {
        Map<String, Long> out = new TreeMap<>();
        Matcher m = STOPPED.matcher(service.output());
        while (m.find()) {
            out.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    /** Each sink's health details ({@code state}, {@code lagRecords}, …), from {@code /actuator/health/sinks}. */
    private Map<String, JsonNode> health() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/sinks")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode components = Rows.JSON.readTree(response.body()).path("components");
        Map<String, JsonNode> out = new TreeMap<>();
        SINKS.forEach(s -> out.put(s, components.path(s).path("details")));
        return out;
    }

    /**
     * Calls the admin API with the token.
     *
     * @param body JSON, or null for none
     * @return the status code and the parsed body
     */
    AdminAnswer admin(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new AdminAnswer(r.statusCode(), Rows.JSON.readTree(r.body()));
    }

    /** What the admin API answered. */
    record AdminAnswer(int status, JsonNode body) {
    }

    Map<String, String> states() throws Exception {
        Map<String, String> out = new TreeMap<>();
        health().forEach((s, d) -> out.put(s, d.path("state").asString()));
        return out;
    }

    Map<String, Long> lags() throws Exception {
        Map<String, Long> out = new TreeMap<>();
        health().forEach((s, d) -> out.put(s, d.path("lagRecords").asLong(-1)));
        return out;
    }

    /** Until every sink runs and has committed the end of every topic it reads. */
    void awaitCaughtUp() {
        await("every sink consumed the whole log").atMost(CONVERGE_TIMEOUT).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    assertThat(service.isAlive()).as("service running").isTrue();
                    assertThat(health()).allSatisfy((sink, details) -> {
                        assertThat(details.path("state").asString()).as(sink + ": " + details).isEqualTo("RUNNING");
                        assertThat(details.path("lagRecords").asLong(-1)).as(sink + ": " + details).isZero();
                    });
                });
    }

    // ---- the targets --------------------------------------------------------------------------------

    /** Redis loses one table: every row's key and the table's version hash (the sink may write new ones meanwhile). */
    void forgetInRedis(String table) {
        List<String> keys = redis.sync().keys(table + ":*");
        for (int from = 0; from < keys.size(); from += 500) {
            redis.sync().del(keys.subList(from, Math.min(keys.size(), from + 500)).toArray(String[]::new));
        }
        redis.sync().del("tidelog:version:" + QUALIFIED.get(table));
    }

    SinkContents redisContents() {
        return SinkContents.redis("redis", redis.sync(), QUALIFIED);
    }

    SinkContents searchContents() throws Exception {
        return SinkContents.openSearch("opensearch", http, openSearch.uri(), QUALIFIED);
    }

    /**
     * Everything, read while the service is stopped: the three targets, and from the log each row's latest
     * record and the dead letters of each sink.
     */
    Contents readStopped() throws Exception {
        assertThat(service.isAlive()).as("service stopped before its data is read").isFalse();
        DuckDbContents duck = new DuckDbContents("duckdb", dataDir().resolve("warehouse.duckdb"), DUCKDB_TABLES);
        try (ChangeLog log = openLog()) {
            Map<String, List<DeadLetter>> dead = new HashMap<>();
            SINKS.forEach(s -> dead.put(s, LoggedChanges.deadLetters(log, s)));
            return new Contents(redisContents(), searchContents(), duck, LoggedChanges.read(log, TOPICS), dead);
        }
    }

    /**
     * @param duck the DuckDB database, which also knows its column types
     * @param log  the log's latest record of every key
     * @param deadLetters sink → its dead letters
     */
    record Contents(SinkContents redis, SinkContents search, DuckDbContents duck, LoggedChanges log,
                    Map<String, List<DeadLetter>> deadLetters) {

        SinkContents duckDb() {
            return duck.contents();
        }
    }

    /** What a phase ended with: the source, and every sink found equal to it. */
    record Checkpoint(Rows source, Contents contents) {

        LoggedChanges log() {
            return contents.log();
        }

        Map<String, List<DeadLetter>> deadLetters() {
            return contents.deadLetters();
        }

        String describe() {
            return String.format("%d source rows (%s), %d log records, %d redis entries, %d documents, %d duckdb rows",
                    source.size(), sizes(source), log().records(), contents.redis().dump().size(),
                    contents.search().dump().size(), contents.duckDb().dump().size());
        }

        private static String sizes(Rows rows) {
            List<String> out = new ArrayList<>();
            rows.tables().forEach((t, r) -> out.add(t + " " + r.size()));
            return String.join(", ", out);
        }
    }

    /**
     * The end of a phase: a last write, then the source is read; Redis and OpenSearch must come to hold
     * it while the service runs, and every sink must consume the whole log; then the service is stopped
     * and every target must equal the source — same keys, same rows — and hold each row at the version
     * of its latest record in the log; the log's compacted view must equal the source too.
     *
     * @param poison keys of {@code sink_items} that OpenSearch refuses (dead letters): not expected there
     */
    Checkpoint converge(Set<String> poison) throws Exception {
        return converge(poison, Deletes.VERSION);
    }

    /**
     * {@link #converge(Set)}, for a Redis that may have forgotten deleted rows (after a FLUSHALL nothing
     * brings their versions back).
     *
     * @param redisDeletes what Redis must hold of a deleted row
     */
    Checkpoint converge(Set<String> poison, Deletes redisDeletes) throws Exception {
        postgres.execute(SinksEndToEndIT.DB, "INSERT INTO sink_items VALUES (" + (-++sentinels) + ", 0, '0')");
        Rows source = SourceRows.read(postgres, SinksEndToEndIT.DB, TABLES);
        Rows searchable = source.without(SinksEndToEndIT.ITEMS, poison);
        await("redis and opensearch hold the source").atMost(CONVERGE_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertThat(service.isAlive()).as("service running").isTrue();
                    List<String> diff = new ArrayList<>();
                    source.differences(redisContents().rows()).forEach(d -> diff.add("redis " + d));
                    searchable.differences(searchContents().rows()).forEach(d -> diff.add("opensearch " + d));
                    assertThat(diff).as("how redis and opensearch differ from the source").isEmpty();
                });
        awaitCaughtUp();
        stop();
        Contents c = readStopped();
        List<String> problems = new ArrayList<>();
        source.differences(c.log().liveRows()).forEach(d -> problems.add("log (compacted view) " + d));
        source.differences(c.redis().rows()).forEach(d -> problems.add("redis " + d));
        searchable.differences(c.search().rows()).forEach(d -> problems.add("opensearch " + d));
        c.duck().asStored(source).differences(c.duckDb().rows()).forEach(d -> problems.add("duckdb " + d));
        c.redis().versionDifferences(c.log(), redisDeletes, Map.of()).forEach(d -> problems.add("redis versions " + d));
        c.search().versionDifferences(c.log(), Deletes.FORGOTTEN, Map.of(SinksEndToEndIT.ITEMS, poison))
                .forEach(d -> problems.add("opensearch versions " + d));
        c.duckDb().versionDifferences(c.log(), Deletes.MARKED, Map.of()).forEach(d -> problems.add("duckdb versions " + d));
        c.redis().problems().forEach(d -> problems.add("redis " + d));
        c.search().problems().forEach(d -> problems.add("opensearch " + d));
        c.duckDb().problems().forEach(d -> problems.add("duckdb " + d));
        assertThat(problems).as("how the log and the sinks differ from the source (%d rows)", source.size()).isEmpty();
        return new Checkpoint(source, c);
    }

    /** Where the service stands, for a failure message. */
    String context() {
        return starts + " starts (" + slotBusyRetries + " refused while the slot was busy)"
                + (service == null ? "" : "\nlast lines of service " + starts + ":\n" + service.tail(40));
    }

    /** Kills the service if it runs, drops its slot, closes the clients. */
    @Override
    public void close() throws Exception {
        try {
            if (service != null && service.isAlive()) {
                service.kill();
            }
            await("slot released").atMost(Duration.ofSeconds(30)).until(this::dropSlot);
        } finally {
            redis.close();
            redisClient.shutdown();
            backend.close();
        }
    }

    private boolean dropSlot() throws Exception {
        try (Connection c = postgres.connect(SinksEndToEndIT.DB); Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + SLOT
                    + "' AND NOT active");
            var rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'");
            return rs.next() && rs.getInt(1) == 0;
        }
    }
}
