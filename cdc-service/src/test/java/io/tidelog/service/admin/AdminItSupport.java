package io.tidelog.service.admin;

import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.RedisServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.harness.junit.RedisExtension;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.TopicPartition;
import io.tidelog.service.TidelogApplication;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.sink.runner.SinkRunner;
import io.tidelog.sink.runner.SinkState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running Tidelog for each admin IT class, closed after it (two engines in one JVM would collide on
 * Debezium's MBean names and stall the other ITs' capture); they share the data directory and slot,
 * so later classes resume instead of snapshotting again:
 * a real PostgreSQL with {@code public.admin_items} ({@value #ROWS} rows), a Redis sink {@code cache}
 * and a DuckDB sink {@code warehouse}, and the admin token {@value #TOKEN}. Helpers send requests with
 * {@link HttpClient}, which leaves paths exactly as written (hostile ones included).
 */
@SpringBootTest(classes = TidelogApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith({PostgresExtension.class, RedisExtension.class})
abstract class AdminItSupport {

    static final String TOKEN = "it-admin-token-7f3a9c1e5b";
    static final String DB = "admin_it";
    static final String TABLE = "public.admin_items";
    static final String TOPIC = "tidelog.public.admin_items";
    static final String KEY_PREFIX = "admin_it:";
    static final int ROWS = 40;
    static final JsonMapper JSON = JsonMapper.builder().build();

    static PostgresServer pg;
    static RedisServer redis;
    private static Path dataDir;

    @LocalServerPort
    int port;
    @Autowired
    SinkFleet fleet;
    @Autowired
    ChangeLog changeLog;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static synchronized void servers(PostgresServer server, RedisServer redisServer) throws Exception {
        if (pg != null) {
            return;
        }
        server.createDatabase(DB);
        server.execute(DB, "CREATE TABLE admin_items (id int PRIMARY KEY, v text NOT NULL)",
                "INSERT INTO admin_items SELECT g, 'v' || g FROM generate_series(1, " + ROWS + ") g");
        dataDir = Files.createTempDirectory("admin-it");
        redis = redisServer;
        pg = server;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("tidelog.source.url", () -> pg.jdbcUrl(DB));
        r.add("tidelog.source.username", () -> pg.superuser());
        r.add("tidelog.source.password", () -> pg.superuserPassword());
        r.add("tidelog.source.tables", () -> TABLE);
        r.add("tidelog.source.slot-name", () -> DB);
        r.add("tidelog.source.publication-name", () -> DB);
        r.add("tidelog.data-dir", () -> dataDir.toString());
        r.add("tidelog.admin.token", () -> TOKEN);
        r.add("tidelog.sinks.cache.type", () -> "redis");
        r.add("tidelog.sinks.cache.redis.uri", () -> redis.uri());
        r.add("tidelog.sinks.cache.redis.key-template", () -> KEY_PREFIX + "{table}:{pk}");
        r.add("tidelog.sinks.warehouse.type", () -> "duckdb");
        r.add("tidelog.sinks.warehouse.duckdb.path", () -> "warehouse.duckdb");
    }

    /**
     * Waits until the pipeline is quiet: both sinks run, a marker change written now has reached the
     * cache (so every earlier change is in the log), and neither sink lags.
     */
    @BeforeEach
    void pipelineIsQuiet() throws Exception {
        await().alias("both sinks run and have the snapshot").atMost(Duration.ofSeconds(90)).until(() ->
                fleet.runners().stream().allMatch(r -> r.state() == SinkState.RUNNING) && endOffsets() >= ROWS);
        String marker = "marker-" + System.nanoTime();
        pg.execute(DB, "UPDATE admin_items SET v = '" + marker + "' WHERE id = 1");
        await().alias("the marker reached the cache and no sink lags").atMost(Duration.ofSeconds(60)).until(() ->
                marker.equals(cached().get(1)) && lag("cache") == 0 && lag("warehouse") == 0);
    }

    // --- requests ------------------------------------------------------------------------------

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, "Bearer " + TOKEN, null);
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send("POST", path, json, "Bearer " + TOKEN, "application/json");
    }

    HttpResponse<String> send(String method, String path, String body, String authorization, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    // --- state ---------------------------------------------------------------------------------

    SinkRunner runner(String name) {
        return fleet.runner(name).orElseThrow();
    }

    long lag(String sink) {
        return runner(sink).lag().stream().mapToLong(l -> l.records()).sum();
    }

    long endOffsets() {
        if (!changeLog.topics().contains(TOPIC)) {
            return 0;
        }
        long total = 0;
        for (int p = 0; p < changeLog.topicConfig(TOPIC).partitions(); p++) {
            total += changeLog.endOffset(new TopicPartition(TOPIC, p));
        }
        return total;
    }

    /** Committed offsets of a sink's group. */
    Map<TopicPartition, Long> committed(String sink) {
        return new java.util.HashMap<>(changeLog.committedOffsets(runner(sink).settings().groupId()));
    }

    /** The rows of the table, id → v, read from PostgreSQL. */
    static Map<Integer, String> rows() throws Exception {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection c = pg.connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM admin_items")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getString(2));
            }
        }
        return rows;
    }

    /** What the Redis sink holds of the table, id → v. */
    static Map<Integer, String> cached() {
        Map<Integer, String> cached = new TreeMap<>();
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = c.sync().keys(KEY_PREFIX + "*");
            for (String key : keys) {
                String value = c.sync().get(key);
                if (value != null) {
                    cached.put(Integer.parseInt(key.substring(key.lastIndexOf(':') + 1)),
                            JSON.readTree(value).path("v").asString());
                }
            }
        } finally {
            client.shutdown();
        }
        return cached;
    }

    /** Deletes what the Redis sink wrote, so that only a rebuild can bring it back. */
    static void wipeCache() {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = c.sync().keys(KEY_PREFIX + "*");
            keys.add("tidelog:version:" + TABLE);
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }
}
