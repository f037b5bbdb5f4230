package io.tidelog.sink.redis;

import static io.tidelog.sink.TestRecords.delete;
import static io.tidelog.sink.TestRecords.tombstone;
import static io.tidelog.sink.TestRecords.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.tidelog.event.Op;
import io.tidelog.event.TableId;
import io.tidelog.harness.RedisServer;
import io.tidelog.harness.junit.RedisExtension;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import io.tidelog.sink.redis.RedisSinkSettings.Format;
import io.tidelog.sink.redis.RedisSinkSettings.Mode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Redis sink against a real redis-server. The server is shared by the test run: each test works
 * on tables of its own (so on keys {@code <table>:<pk>} and version hashes of its own).
 */
@ExtendWith(RedisExtension.class)
class RedisSinkIT {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger TABLES = new AtomicInteger();

    private static RedisServer shared;
    private static RedisClient client;
    private static RedisCommands<String, String> redis;

    private final List<RedisSink> sinks = new ArrayList<>();

    @BeforeAll
    static void connect(RedisServer server) {
        shared = server;
        client = RedisClient.create(server.uri());
        redis = client.connect().sync();
    }

    @AfterAll
    static void disconnect() {
        client.shutdown();
    }

    @AfterEach
    void closeSinks() {
        sinks.forEach(RedisSink::close);
    }

    @Test
    void upsertStoresTheRowAsCompactJsonWithItsVersion() throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings(), table);

        write(sink, upsert(table, "{\"id\":1}", """
                { "id": 1, "name": "Ada", "price": "12.50", "big": "123456789012345678901234567890",
                  "note": null, "meta": { "tags": ["x", "y"], "ratio": 1.5 }, "paid": true }""", Op.CREATE, 7, 6));

        assertThat(redis.get(table.table() + ":1")).isEqualTo("{\"id\":1,\"name\":\"Ada\",\"price\":\"12.50\","
                + "\"big\":\"123456789012345678901234567890\",\"note\":null,"
                + "\"meta\":{\"tags\":[\"x\",\"y\"],\"ratio\":1.5},\"paid\":true}");
        assertThat(redis.hget(versionKey(table), table.table() + ":1")).isEqualTo("7/6");
    }

    @Test
    void hashFormatStoresOneFieldPerNonNullColumnAndReplacesTheRow() throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings().withFormat(Format.HASH), table);
        String key = table.table() + ":1";

        write(sink, upsert(table, "{\"id\":1}", """
                {"id":1,"name":"Ada","price":"12.50","note":null,"meta":{"tags":["x"],"ratio":1.5},"paid":true}""", 1));
        assertThat(redis.hgetall(key)).containsExactlyInAnyOrderEntriesOf(Map.of("id", "1", "name", "Ada",
                "price", "12.50", "meta", "{\"tags\":[\"x\"],\"ratio\":1.5}", "paid", "true"));

        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"name\":null,\"price\":\"13.00\",\"note\":\"n\"}", 2));
        assertThat(redis.hgetall(key)).containsExactlyInAnyOrderEntriesOf(
                Map.of("id", "1", "price", "13.00", "note", "n"));
    }

    @Test
    void keyTemplateJoinsACompositeKey() throws Exception {
        TableId orders = new TableId("it_" + RUN + "_" + TABLES.incrementAndGet(), "orders");
        redis.del("orders:acme:3");
        RedisSink sink = open(settings(), orders);

        write(sink, upsert(orders, "{\"tenant\":\"acme\",\"id\":3}", "{\"tenant\":\"acme\",\"id\":3,\"total\":9}", 1));

        assertThat(redis.get("orders:acme:3")).isEqualTo("{\"tenant\":\"acme\",\"id\":3,\"total\":9}");
        assertThat(redis.hget(versionKey(orders), "orders:acme:3")).isEqualTo("1/1");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void updateThenDeleteThenTombstone(Format format) throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings().withFormat(format), table);
        String key = table.table() + ":5";

        write(sink, upsert(table, "{\"id\":5}", "{\"id\":5,\"v\":\"a\"}", Op.CREATE, 10, 10),
                upsert(table, "{\"id\":5}", "{\"id\":5,\"v\":\"b\"}", Op.UPDATE, 20, 20));
        assertThat(row(key)).isEqualTo(format == Format.JSON ? "{\"id\":5,\"v\":\"b\"}" : Map.of("id", "5", "v", "b"));

        write(sink, delete(table, "{\"id\":5}", 30, 30));
        assertThat(redis.exists(key)).isZero();
        assertThat(redis.hget(versionKey(table), key)).isEqualTo("30/30");

        write(sink, tombstone(table, "{\"id\":5}", 30, 30));
        assertThat(redis.exists(key)).isZero();
        assertThat(redis.hget(versionKey(table), key)).isEqualTo("30/30");
    }

    @Test
    void anOlderUpsertAfterANewerOneIsIgnoredInLaterAndInTheSameBatch() throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings(), table);

        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"new\"}", 50));
        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"old\"}", 40));
        write(sink, upsert(table, "{\"id\":2}", "{\"id\":2,\"v\":\"new\"}", 50),
                upsert(table, "{\"id\":2}", "{\"id\":2,\"v\":\"old\"}", 40));

        assertThat(redis.get(table.table() + ":1")).isEqualTo("{\"id\":1,\"v\":\"new\"}");
        assertThat(redis.get(table.table() + ":2")).isEqualTo("{\"id\":2,\"v\":\"new\"}");
        assertThat(redis.hget(versionKey(table), table.table() + ":1")).isEqualTo("50/50");
    }

    @Test
    void anOlderDeleteAfterANewerUpsertIsIgnored() throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings(), table);

        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"new\"}", 50));
        write(sink, delete(table, "{\"id\":1}", 40, 40), tombstone(table, "{\"id\":1}", 40, 40));

        assertThat(redis.get(table.table() + ":1")).isEqualTo("{\"id\":1,\"v\":\"new\"}");
        assertThat(redis.hget(versionKey(table), table.table() + ":1")).isEqualTo("50/50");
    }

    @Test
    void aDeleteFollowedByAReplayOfTheInsertDoesNotResurrectTheRow() throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings().withFormat(Format.HASH), table);
        SinkRecord insert = upsert(table, "{\"id\":9}", "{\"id\":9,\"v\":\"x\"}", Op.CREATE, 100, 90);

        write(sink, insert);
        write(sink, delete(table, "{\"id\":9}", 200, 190), tombstone(table, "{\"id\":9}", 200, 190));
        write(sink, insert);

        assertThat(redis.exists(table.table() + ":9")).isZero();
    }

    @Test
    void anEqualVersionIsANoOpAndTheMinorDecidesWithinATransaction() throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings(), table);
        String key = table.table() + ":1";

        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"first\"}", Op.UPDATE, 10, 3));
        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"same version\"}", Op.UPDATE, 10, 3));
        assertThat(redis.get(key)).isEqualTo("{\"id\":1,\"v\":\"first\"}");

        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"earlier change\"}", Op.UPDATE, 10, 2));
        assertThat(redis.get(key)).isEqualTo("{\"id\":1,\"v\":\"first\"}");

        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"later change\"}", Op.UPDATE, 10, 4));
        assertThat(redis.get(key)).isEqualTo("{\"id\":1,\"v\":\"later change\"}");
    }

    /** Pairs no Lua number (a double) tells apart or orders right; the last two are unsigned beyond 2^63. */
    @ParameterizedTest
    @CsvSource(textBlock = """
            9223372036854775806, 1,                   9223372036854775807, 1
            9223372036854775807, 9223372036854775806, 9223372036854775807, 9223372036854775807
            999,                 5,                   1000,                1
            9007199254740993,    1,                   9007199254740994,    0
            9223372036854775807, 1,                   -9223372036854775808, 0
            -2,                  1,                   -1,                   1
            """)
    void hugeVersionsCompareExactly(long olderMajor, long olderMinor, long newerMajor, long newerMinor)
            throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings(), table);

        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"newer\"}", Op.UPDATE, newerMajor, newerMinor),
                upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"older\"}", Op.UPDATE, olderMajor, olderMinor));
        write(sink, upsert(table, "{\"id\":2}", "{\"id\":2,\"v\":\"older\"}", Op.UPDATE, olderMajor, olderMinor),
                upsert(table, "{\"id\":2}", "{\"id\":2,\"v\":\"newer\"}", Op.UPDATE, newerMajor, newerMinor));

        assertThat(redis.get(table.table() + ":1")).isEqualTo("{\"id\":1,\"v\":\"newer\"}");
        assertThat(redis.get(table.table() + ":2")).isEqualTo("{\"id\":2,\"v\":\"newer\"}");
        assertThat(redis.hget(versionKey(table), table.table() + ":2"))
                .isEqualTo(Long.toUnsignedString(newerMajor) + "/" + Long.toUnsignedString(newerMinor));
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void replayingTheWholeSequenceInOrderOrReversedLeavesTheKeyspaceUnchanged(Format format) throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings().withFormat(format), table);
        List<List<SinkRecord>> batches = List.of(
                List.of(upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"a\"}", Op.READ, 100, 0),
                        upsert(table, "{\"id\":2}", "{\"id\":2,\"v\":\"a\"}", Op.READ, 100, 0),
                        upsert(table, "{\"id\":3}", "{\"id\":3,\"v\":\"a\",\"n\":null}", Op.READ, 100, 0)),
                List.of(upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"b\"}", Op.UPDATE, 120, 101),
                        upsert(table, "{\"id\":4}", "{\"id\":4,\"v\":\"a\"}", Op.CREATE, 120, 102),
                        delete(table, "{\"id\":2}", 130, 125),
                        tombstone(table, "{\"id\":2}", 130, 125)),
                List.of(upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"c\"}", Op.UPDATE, 140, 131),
                        upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"d\"}", Op.UPDATE, 140, 132),
                        upsert(table, "{\"id\":2}", "{\"id\":2,\"v\":\"again\"}", Op.CREATE, 150, 145),
                        delete(table, "{\"id\":3}", 150, 146)));
        for (List<SinkRecord> batch : batches) {
            write(sink, batch.toArray(SinkRecord[]::new));
        }
        Map<String, Object> before = dump(table);
        assertThat(before).containsOnlyKeys(table.table() + ":1", table.table() + ":2", table.table() + ":4",
                versionKey(table));

        for (List<SinkRecord> batch : batches) {
            write(sink, batch.toArray(SinkRecord[]::new));
        }
        assertThat(dump(table)).isEqualTo(before);

        List<SinkRecord> reversed = new ArrayList<>(batches.stream().flatMap(List::stream).toList());
        Collections.reverse(reversed);
        write(sink, reversed.toArray(SinkRecord[]::new));
        assertThat(dump(table)).isEqualTo(before);
    }

    @Test
    void aRecordWithoutVersionIsAppliedUnconditionallyAndKeepsTheStoredVersion() throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings(), table);
        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"versioned\"}", 500));

        SinkRecord r = upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"unversioned\"}", 1);
        write(sink, new SinkRecord(r.partition(), r.offset(), r.table(), r.keyText(), r.key(), r.op(), false,
                r.after(), null, r.commitTime(), r.sizeBytes()));

        assertThat(redis.get(table.table() + ":1")).isEqualTo("{\"id\":1,\"v\":\"unversioned\"}");
        assertThat(redis.hget(versionKey(table), table.table() + ":1")).isEqualTo("500/500");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void ttlExpiresTheRowKeyButNotTheVersions(Format format) throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings().withFormat(format).withTtl(Duration.ofMinutes(10)), table);

        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"a\"}", 1));

        assertThat(redis.pttl(table.table() + ":1")).isBetween(1L, Duration.ofMinutes(10).toMillis());
        assertThat(redis.pttl(versionKey(table))).isEqualTo(-1L);
    }

    @Test
    void invalidateModeDeletesTheKeyOnEveryChangeAndKeepsNoVersions() throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings().withMode(Mode.INVALIDATE), table);
        String key1 = table.table() + ":1";
        String key2 = table.table() + ":2";
        redis.set(key1, "cached");
        redis.rpush(key2, "anything", "the application cached");

        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1}", 5), upsert(table, "{\"id\":2}", "{\"id\":2}", 5));
        assertThat(redis.exists(key1, key2)).isZero();

        redis.hset(key1, "v", "cached again");
        write(sink, delete(table, "{\"id\":1}", 6, 6), tombstone(table, "{\"id\":1}", 6, 6));
        assertThat(redis.exists(key1)).isZero();

        redis.set(key1, "cached after a replay");
        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1}", 5));
        assertThat(redis.exists(key1)).isZero();
        assertThat(redis.exists(versionKey(table))).isZero();
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aKeyOfAnotherTypeRejectsItsRecordAndTheRestOfTheBatchIsWritten(Format format) throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings().withFormat(format), table);
        String foreign = table.table() + ":2";
        redis.rpush(foreign, "someone else's list");
        SinkRecord refused = upsert(table, "{\"id\":2}", "{\"id\":2}", 5);

        List<Rejection> rejections = sink.write(List.of(upsert(table, "{\"id\":1}", "{\"id\":1}", 5), refused,
                upsert(table, "{\"id\":3}", "{\"id\":3}", 5), delete(table, "{\"id\":4}", 6, 6)));

        assertThat(rejections).singleElement().satisfies(rejection -> {
            assertThat(rejection.record()).isSameAs(refused);
            assertThat(rejection.reason()).startsWith("WRONGTYPE " + foreign + " holds a list");
        });
        assertThat(redis.lrange(foreign, 0, -1)).containsExactly("someone else's list");
        assertThat(redis.exists(table.table() + ":1", table.table() + ":3")).isEqualTo(2);
        assertThat(redis.hkeys(versionKey(table)))
                .containsExactlyInAnyOrder(table.table() + ":1", table.table() + ":3", table.table() + ":4");
    }

    @Test
    void aFrozenServerFailsTheWriteRetriablyAndTheNextWriteSucceeds() throws Exception {
        try (RedisServer server = RedisServer.builder().name("redis-frozen").start()) {
            TableId table = newTable();
            RedisSink sink = open(RedisSinkSettings.defaults(server.uri())
                    .withCommandTimeout(Duration.ofMillis(300)), table);
            write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"before\"}", 1));

            signal(server, "-STOP");
            try {
                assertThatThrownBy(() -> sink.write(List.of(upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"while frozen\"}", 2))))
                        .satisfies(error -> assertThat(sink.classifier().isRetriable(error))
                                .as("retriable: %s", error).isTrue());
            } finally {
                signal(server, "-CONT");
            }

            write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"after\"}", 3));
            try (RedisClient own = RedisClient.create(server.uri());
                 StatefulRedisConnection<String, String> connection = own.connect()) {
                assertThat(connection.sync().get(table.table() + ":1")).isEqualTo("{\"id\":1,\"v\":\"after\"}");
            }
        }
    }

    @Test
    void aRestartedServerIsReconnectedAndGivenTheScriptAgain() throws Exception {
        TableId table = newTable();
        RedisServer first = RedisServer.builder().name("redis-restarted").start();
        int port = first.port();
        RedisSink sink;
        try (first) {
            sink = open(RedisSinkSettings.defaults(first.uri()).withCommandTimeout(Duration.ofMillis(500)), table);
            write(sink, upsert(table, "{\"id\":1}", "{\"id\":1}", 1));
        }

        assertThatThrownBy(() -> sink.write(List.of(upsert(table, "{\"id\":2}", "{\"id\":2}", 2))))
                .satisfies(error -> assertThat(sink.classifier().isRetriable(error)).as("retriable: %s", error).isTrue());

        try (RedisServer second = RedisServer.builder().name("redis-restarted").port(port).start();
             RedisClient own = RedisClient.create(second.uri());
             StatefulRedisConnection<String, String> connection = own.connect()) {
            await().alias("the runner retries the batch until the sink has reconnected")
                    .atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .untilAsserted(() -> write(sink, upsert(table, "{\"id\":2}", "{\"id\":2}", 2)));

            assertThat(connection.sync().get(table.table() + ":2")).isEqualTo("{\"id\":2}");
            assertThat(connection.sync().hget(versionKey(table), table.table() + ":2")).isEqualTo("2/2");
        }
    }

    @Test
    void aKilledConnectionIsReopenedByTheNextWrite() throws Exception {
        TableId table = newTable();
        String sinkName = "cache-" + table.table();
        RedisSink sink = new RedisSink(settings());
        sinks.add(sink);
        sink.open(new SinkContext(sinkName, Set.of(table)));
        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1}", 1));

        Matcher client = Pattern.compile("^id=(\\d+) .* name=tidelog-sink:" + sinkName + " ", Pattern.MULTILINE)
                .matcher(redis.clientList());
        assertThat(client.find()).as("the sink's connection is named after the sink").isTrue();
        assertThat(redis.clientKill(KillArgs.Builder.id(Long.parseLong(client.group(1))))).isEqualTo(1L);

        write(sink, upsert(table, "{\"id\":2}", "{\"id\":2}", 2));
        assertThat(redis.exists(table.table() + ":2")).isEqualTo(1L);
    }

    @Test
    void aFlushedScriptCacheFallsBackToEvalAndCachesTheScriptAgain() throws Exception {
        TableId table = newTable();
        RedisSink sink = open(settings(), table);
        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"a\"}", 1));

        redis.scriptFlush();
        write(sink, upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"b\"}", 2),
                upsert(table, "{\"id\":1}", "{\"id\":1,\"v\":\"stale\"}", 1));

        assertThat(redis.get(table.table() + ":1")).isEqualTo("{\"id\":1,\"v\":\"b\"}");
        assertThat(redis.scriptExists(redis.digest(VersionedWriteScript.TEXT))).containsExactly(true);
    }

    @Test
    void connectsWithAPasswordInTheUriOrApart() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        try (RedisServer server = RedisServer.builder().name("redis-auth").password(password).start()) {
            TableId table = newTable();
            RedisSink apart = open(RedisSinkSettings.defaults(server.uri()).withPassword(password), table);
            RedisSink inUri = open(RedisSinkSettings.defaults(server.uri().replace("redis://", "redis://:" + password + "@")),
                    table);

            write(apart, upsert(table, "{\"id\":1}", "{\"id\":1}", 1));
            write(inUri, upsert(table, "{\"id\":2}", "{\"id\":2}", 1));
        }
    }

    private RedisSinkSettings settings() {
        return RedisSinkSettings.defaults(shared.uri());
    }

    private RedisSink open(RedisSinkSettings settings, TableId... tables) {
        RedisSink sink = new RedisSink(settings);
        sinks.add(sink);
        sink.open(new SinkContext("it", Set.of(tables)));
        return sink;
    }

    private static void write(RedisSink sink, SinkRecord... records) throws Exception {
        assertThat(sink.write(Arrays.asList(records))).isEmpty();
        sink.flush();
    }

    private static TableId newTable() {
        return new TableId("it", "t_" + RUN + "_" + TABLES.incrementAndGet());
    }

    private static String versionKey(TableId table) {
        return "tidelog:version:" + table;
    }

    /** The value at {@code key}: a string, a hash as a map, null when absent. */
    private static Object row(String key) {
        return switch (redis.type(key)) {
            case "string" -> redis.get(key);
            case "hash" -> new TreeMap<>(redis.hgetall(key));
            case "none" -> null;
            default -> throw new AssertionError(key + " is a " + redis.type(key));
        };
    }

    /** Every key of the table's rows and its version hash, with their values. */
    private static Map<String, Object> dump(TableId table) {
        Map<String, Object> dump = new TreeMap<>();
        ScanArgs match = ScanArgs.Builder.matches(table.table() + ":*").limit(500);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, match);
            page.getKeys().forEach(key -> dump.put(key, row(key)));
            cursor = page;
        } while (!cursor.isFinished());
        dump.put(versionKey(table), row(versionKey(table)));
        return dump;
    }

    private static void signal(RedisServer server, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(server.processHandle().pid()))
                .inheritIO().start();
        assertThat(kill.waitFor()).as("kill %s", signal).isZero();
    }
}
