package io.tidelog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.tidelog.harness.KafkaServer;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.RedisServer;
import io.tidelog.harness.junit.KafkaConfig;
import io.tidelog.harness.junit.KafkaExtension;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.harness.junit.RedisExtension;
import io.tidelog.log.ChangeLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 7: two service instances with the same configuration on the Kafka backend, under a continuous
 * write load. One holds the capture lease and captures; the other stands by. Both run the Redis sink,
 * whose consumer group spreads the topic's partitions over them. The capturing instance is killed
 * (SIGKILL) at a random moment, {@value #FAILOVERS} times; each time the other takes the lease and
 * resumes from the position stored in Kafka, and the killed one comes back as the standby.
 *
 * <p>Afterwards the log in Kafka must hold every committed change exactly once, in commit order per row,
 * and its compacted view must equal the table ({@link CounterLogCheck}); Redis must equal the table.
 * The takeover times are printed. The kill delays come from a seed printed at the start
 * ({@code -Dtidelog.failover.seed=<seed>}); on failure the work directory is kept and named.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class, KafkaExtension.class})
class FailoverIT {

    private static final String DB = "failover_it";
    private static final String SLOT = "failover_it";
    private static final String TABLE = "public.counters";
    private static final String TOPIC = "tidelog.public.counters";
    private static final String SINK_GROUP = "tidelog.sink.cache";
    private static final int ROWS = 20_000;
    private static final int FAILOVERS = 3;
    private static final Duration MAX_KILL_DELAY = Duration.ofMillis(3_000);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Generous: the lease is retried every 2 s, the slot is free once PostgreSQL sees the connection gone. */
    private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(45);
    private static final String STREAMING = "Capture " + SLOT + ": STARTING -> RUNNING";
    private static final String STANDBY = "standing by";
    private static final String SENTINEL_CAPTURED = "last: c " + TABLE + " {id=0}";

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private PostgresServer postgres;
    private KafkaServer kafka;
    private RedisServer redis;
    private final Instance[] instances = new Instance[2];
    private final List<String> events = new ArrayList<>();
    private int starts;

    /** One of the two instances: its data directory and its current process. */
    private final class Instance {
        final String name;
        ServiceProcess process;
        /** How many times it had printed {@link #STREAMING} when it was last started or killed. */
        int streamingSeen;

        Instance(String name) {
            this.name = name;
        }

        void start() throws Exception {
            starts++;
            Path data = dir.resolve("data-" + name);
            Files.createDirectories(data);
            process = ServiceProcess.start(dir, dir.resolve(String.format("service-%02d-%s.log", starts, name)),
                    Map.of("TIDELOG_SOURCE_PASSWORD", postgres.superuserPassword()),
                    List.of("--server.port=0",
                            "--tidelog.data-dir=" + data,
                            "--tidelog.source.url=" + postgres.jdbcUrl(DB),
                            "--tidelog.source.username=" + postgres.superuser(),
                            "--tidelog.source.tables=" + TABLE,
                            "--tidelog.source.slot-name=" + SLOT,
                            "--tidelog.source.publication-name=" + SLOT,
                            "--tidelog.snapshot.rows-per-chunk=5000",
                            "--tidelog.log.backend=kafka",
                            "--tidelog.log.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                            "--tidelog.sinks.cache.type=redis",
                            "--tidelog.sinks.cache.redis.uri=" + redis.uri(),
                            "--tidelog.sinks.cache.retry.max-backoff=2s"));
            streamingSeen = 0;
            events.add(String.format("start %d: instance %s (pid %d)", starts, name, process.pid()));
        }

        int streamingCount() {
            String out = process.output();
            int n = 0;
            for (int i = out.indexOf(STREAMING); i >= 0; i = out.indexOf(STREAMING, i + 1)) {
                n++;
            }
            return n;
        }

        boolean streamsSinceLastLook() {
            return process.isAlive() && streamingCount() > streamingSeen;
        }
    }

    @Test
    void theStandbyTakesOverFromAKilledCapturerAndNothingIsLostOrDuplicated(PostgresServer postgres,
            @KafkaConfig(properties = "broker.rack=failover-it") KafkaServer kafka, RedisServer redis) throws Exception {
        this.postgres = postgres;
        this.kafka = kafka;
        this.redis = redis;
        long seed = Long.getLong("tidelog.failover.seed", System.nanoTime());
        System.out.println("FailoverIT seed: " + seed + " (rerun with -Dtidelog.failover.seed=" + seed + "), work dir " + dir);
        Random random = new Random(seed);
        postgres.createDatabase(DB);
        postgres.execute(DB, "CREATE TABLE counters (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO counters SELECT g, 0 FROM generate_series(1, " + ROWS + ") g", "ANALYZE counters");
        List<Duration> takeovers = new ArrayList<>();
        try (Admin admin = kafka.admin()) {
            instances[0] = new Instance("a");
            instances[1] = new Instance("b");
            try (CounterWriters writers = new CounterWriters(postgres, DB, ROWS, seed)) {
                writers.start();
                instances[0].start();
                await("instance a snapshots and streams").atMost(START_TIMEOUT)
                        .until(() -> instances[0].streamsSinceLastLook() || !instances[0].process.isAlive());
                assertAlive(instances[0], writers);
                instances[0].streamingSeen = instances[0].streamingCount();
                instances[1].start();
                await("instance b stands by").atMost(START_TIMEOUT)
                        .until(() -> instances[1].process.printed(STANDBY) || !instances[1].process.isAlive());
                assertAlive(instances[1], writers);
                assertThat(instances[1].process.printed(STREAMING)).as("the standby does not capture").isFalse();
                await("both instances read a share of the sink's partitions").atMost(START_TIMEOUT)
                        .untilAsserted(() -> assertThat(shares(admin)).hasSize(2).allSatisfy((member, partitions) ->
                                assertThat(partitions).as(member).isNotEmpty()));
                events.add("sink partitions shared: " + shares(admin));

                int active = 0;
                for (int i = 0; i < FAILOVERS; i++) {
                    Duration delay = Duration.ofMillis(random.nextLong(MAX_KILL_DELAY.toMillis()));
                    awaitFor(delay, writers);
                    Instance killed = instances[active];
                    Instance standby = instances[1 - active];
                    standby.streamingSeen = standby.streamingCount();
                    killed.process.kill();
                    long killedAt = System.nanoTime();
                    events.add(String.format("kill %d: instance %s (pid %d), %d ms into streaming", i + 1, killed.name,
                            killed.process.pid(), delay.toMillis()));
                    await("instance " + standby.name + " takes over").atMost(TAKEOVER_TIMEOUT).pollInterval(Duration.ofMillis(50))
                            .until(() -> standby.streamsSinceLastLook() || !standby.process.isAlive());
                    assertAlive(standby, writers);
                    Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
                    takeovers.add(took);
                    events.add(String.format("instance %s streams %d ms after the kill", standby.name, took.toMillis()));
                    standby.streamingSeen = standby.streamingCount();
                    killed.start();
                    await("instance " + killed.name + " stands by again").atMost(START_TIMEOUT)
                            .until(() -> killed.process.printed(STANDBY) || !killed.process.isAlive());
                    assertAlive(killed, writers);
                    active = 1 - active;
                }
                awaitFor(Duration.ofSeconds(2), writers);
                System.out.printf("FailoverIT: writers committed %d statements%n", writers.statements());
            }
            postgres.execute(DB, "INSERT INTO counters VALUES (0, 0)"); // the last write of the test
            Map<Integer, Integer> table = table();
            await("redis holds the table").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(redisRows()).as("redis counters").isEqualTo(table));
            for (Instance i : instances) {
                i.process.stop();
            }
            System.out.printf("FailoverIT: %d failovers, takeover times %s ms (kill to streaming)%n", takeovers.size(),
                    takeovers.stream().map(Duration::toMillis).toList());
            CapturedCounters captured;
            try (ChangeLog log = KafkaLogs.open(kafka)) {
                captured = CapturedCounters.read(log, TOPIC, TABLE);
            }
            CounterLogCheck.verify("FailoverIT", TABLE, captured, table, 1, context());
            assertThat(readWithAPlainConsumer(kafka)).as("records a plain KafkaConsumer parsed as documented")
                    .isEqualTo(captured.records().size());
        } catch (Throwable t) {
            throw new AssertionError(context(), t);
        }
    }

    /** Kills what still runs; empties Redis, which the JVM's other suites share (they expect only their own keys). */
    @AfterEach
    void cleanUp() throws Exception {
        for (Instance i : instances) {
            if (i != null && i.process != null && i.process.isAlive()) {
                i.process.kill();
            }
        }
        if (redis != null) {
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().flushall();
            } finally {
                client.shutdown();
            }
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

    /**
     * Reads the table's topic with a plain {@link KafkaConsumer} and parses every record as the README
     * documents it: key {@code {"id":…}}; value the envelope with {@code op} c/u/d/r, {@code source}
     * naming the table with {@code lsn}, {@code commit_lsn} and {@code txId}, {@code after.id} the key's
     * id (null {@code after} for a delete), or null for a tombstone after its delete.
     *
     * @return how many records it read
     */
    private static int readWithAPlainConsumer(KafkaServer kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        int read = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(i -> new TopicPartition(TOPIC, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    read++;
                    JsonNode key = Rows.JSON.readTree(r.key());
                    assertThat(key.path("id").isInt()).as("key %s", r.key()).isTrue();
                    if (r.value() == null) {
                        continue; // a tombstone
                    }
                    JsonNode v = Rows.JSON.readTree(r.value());
                    String op = v.path("op").asString();
                    assertThat(op).as("op of %s", r.value()).isIn("c", "u", "d", "r");
                    JsonNode source = v.path("source");
                    assertThat(source.path("schema").asString() + "." + source.path("table").asString()).isEqualTo(TABLE);
                    assertThat(source.path("lsn").isIntegralNumber()).as("source.lsn of %s", r.value()).isTrue();
                    assertThat(source.has("commit_lsn") && source.has("txId") && source.has("snapshot")).isTrue();
                    if (op.equals("d")) {
                        assertThat(v.path("after").isNull()).isTrue();
                    } else {
                        assertThat(v.path("after").path("id").asInt()).isEqualTo(key.path("id").asInt());
                    }
                }
            }
        }
        return read;
    }

    /** Member → the partitions of the sink's group it holds now. */
    private static Map<String, List<Integer>> shares(Admin admin) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(SINK_GROUP)).all().get().get(SINK_GROUP);
        Map<String, List<Integer>> out = new TreeMap<>();
        for (MemberDescription m : group.members()) {
            out.put(m.consumerId(), m.assignment().topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(TOPIC)).map(tp -> tp.partition()).sorted().toList());
        }
        return out;
    }

    private Map<Integer, Integer> redisRows() {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> r = c.sync();
            List<String> keys = r.keys("counters:*");
            Map<Integer, Integer> out = new HashMap<>();
            for (int from = 0; from < keys.size(); from += 1000) {
                for (KeyValue<String, String> kv : r.mget(keys.subList(from, Math.min(keys.size(), from + 1000))
                        .toArray(String[]::new))) {
                    if (kv.hasValue()) {
                        JsonNode row = Rows.JSON.readTree(kv.getValue());
                        out.put(row.path("id").asInt(), row.path("v").asInt());
                    }
                }
            }
            return out;
        } finally {
            client.shutdown();
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
                .until(() -> System.nanoTime() >= until || writers.failure() != null);
        assertThat(writers.failure()).as("writers").isNull();
    }

    private static void assertAlive(Instance i, CounterWriters writers) {
        assertThat(writers.failure()).as("writers").isNull();
        assertThat(i.process.isAlive()).as("instance %s running:%n%s", i.name, i.process.tail(40)).isTrue();
    }

    private String context() {
        StringBuilder b = new StringBuilder("events:\n  ").append(String.join("\n  ", events)).append("\nwork dir (kept): ")
                .append(dir);
        for (Instance i : instances) {
            if (i != null && i.process != null) {
                b.append("\nlast lines of instance ").append(i.name).append(":\n").append(i.process.tail(30));
            }
        }
        return b.toString();
    }
}
