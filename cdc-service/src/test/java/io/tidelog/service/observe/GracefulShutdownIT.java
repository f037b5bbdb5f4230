package io.tidelog.service.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tidelog.capture.Capture;
import io.tidelog.event.PositionBytes;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.RedisServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.harness.junit.RedisExtension;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import io.tidelog.service.TidelogApplication;
import io.tidelog.service.capture.CaptureLifecycle;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.sink.runner.SinkRunner;
import io.tidelog.sink.runner.SinkState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a SIGTERM does (Spring's shutdown hook closes the context; this test closes it the same way):
 * capture stops taking events, each sink finishes and commits its batch in flight within
 * {@code tidelog.admin.shutdown-timeout}, and the next start resumes with nothing lost or duplicated.
 *
 * <ol>
 *   <li>Close while a writer runs flat out: bounded time, every runner STOPPED, committed offsets never
 *       past the log's end. The writer carries on while Tidelog is down.</li>
 *   <li>Restart: Redis converges to the table. Close once quiet: committed offsets equal the log's end
 *       offsets and Redis holds every row.</li>
 *   <li>Restart again: nothing is captured twice (the only new record is one inserted now), every
 *       streamed source position is in the log once, Redis equals the table.</li>
 * </ol>
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class GracefulShutdownIT {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdownIT.class);
    private static final String DB = "shutdown_it";
    private static final String TABLE = "shutdown_items";
    private static final String TOPIC = "tidelog.public." + TABLE;
    private static final String GROUP = "tidelog.sink.cache";
    private static final String KEY_PREFIX = "shutdown_it:" + TABLE + ":";
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    private static final int ROWS = 2_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dataDir;

    @Test
    void sigtermLosesAndDuplicatesNothing(PostgresServer pg, RedisServer redis) throws Exception {
        pg.createDatabase(DB);
        pg.execute(DB, "CREATE TABLE " + TABLE + " (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO " + TABLE + " SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
        RedisClient client = RedisClient.create(redis.uri());
        Writer writer = new Writer(pg);
        try (StatefulRedisConnection<String, String> r = client.connect()) {
            // 1. SIGTERM under load
            ConfigurableApplicationContext app = start(pg, redis);
            SinkFleet fleet = app.getBean(SinkFleet.class);
            CaptureLifecycle capture = app.getBean(CaptureLifecycle.class);
            await().alias("snapshot in redis").atMost(Duration.ofSeconds(60))
                    .until(() -> written(fleet) >= ROWS);
            writer.start();
            long writtenBefore = written(fleet);
            await().alias("changes flowing").atMost(Duration.ofSeconds(60))
                    .until(() -> written(fleet) >= writtenBefore + 3_000);
            long t0 = System.nanoTime();
            app.close();
            Duration underLoad = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(capture.capture().state()).isEqualTo(Capture.State.STOPPED);
            assertThat(fleet.runners()).extracting(SinkRunner::state).containsOnly(SinkState.STOPPED);
            assertThat(underLoad).as("bounded exit").isLessThan(SHUTDOWN_TIMEOUT.plusSeconds(5));
            Offsets afterLoad = offsets();
            assertThat(afterLoad.committed()).allSatisfy((tp, c) -> assertThat(c).isLessThanOrEqualTo(afterLoad.end().get(tp)));
            log.info("closed under load in {} ms; sink behind by {} offsets at exit (ends {}, committed {})",
                    underLoad.toMillis(), afterLoad.behind(), afterLoad.end(), afterLoad.committed());
            long changesAtExit = writer.changes.get();
            await().alias("the source keeps changing while Tidelog is down").atMost(Duration.ofSeconds(30))
                    .until(() -> writer.changes.get() >= changesAtExit + 1_000);
            writer.stop();

            // 2. restart, converge, quiet SIGTERM
            app = start(pg, redis);
            SinkFleet fleet2 = app.getBean(SinkFleet.class);
            await().alias("redis equals the table").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> redisRows(r).equals(tableRows(pg)));
            await().alias("committed").atMost(Duration.ofSeconds(30))
                    .until(() -> fleet2.runners().stream().allMatch(s -> s.lag().stream().allMatch(l -> l.records() == 0)));
            t0 = System.nanoTime();
            app.close();
            Duration quiet = Duration.ofNanos(System.nanoTime() - t0);
            Offsets afterQuiet = offsets();
            assertThat(afterQuiet.committed()).as("every sink offset committed").isEqualTo(afterQuiet.end());
            assertThat(redisRows(r)).as("redis holds every row").isEqualTo(tableRows(pg));
            assertThat(quiet).isLessThan(SHUTDOWN_TIMEOUT.plusSeconds(5));
            assertNoStreamedChangeTwice();

            // 3. restart: nothing re-captured
            app = start(pg, redis);
            CaptureLifecycle capture3 = app.getBean(CaptureLifecycle.class);
            pg.execute(DB, "INSERT INTO " + TABLE + " VALUES (-1, 42)");
            await().alias("the new row arrives").atMost(Duration.ofSeconds(60))
                    .until(() -> r.sync().get(KEY_PREFIX + "-1") != null);
            long redelivered = capture3.pipeline().writer().duplicatesDropped();
            assertThat(redisRows(r)).isEqualTo(tableRows(pg));
            long t1 = System.nanoTime();
            app.close();
            Duration third = Duration.ofNanos(System.nanoTime() - t1);
            Offsets afterRestart = offsets();
            assertThat(afterRestart.endSum()).as("one record added, none re-captured").isEqualTo(afterQuiet.endSum() + 1);
            assertThat(afterRestart.committed()).isEqualTo(afterRestart.end());
            assertNoStreamedChangeTwice();
            log.info("shutdown: under load {} ms, quiet {} ms, after restart {} ms; {} changes written by the load; "
                    + "{} re-delivered by the engine on the last restart and dropped", underLoad.toMillis(), quiet.toMillis(),
                    third.toMillis(), writer.changes.get(), redelivered);
        } finally {
            writer.stop();
            client.shutdown();
            pg.execute(DB, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + DB + "'");
        }
    }

    private ConfigurableApplicationContext start(PostgresServer pg, RedisServer redis) {
        return new SpringApplicationBuilder(TidelogApplication.class).web(WebApplicationType.NONE).run(
                "--tidelog.source.url=" + pg.jdbcUrl(DB),
                "--tidelog.source.username=" + pg.superuser(),
                "--tidelog.source.password=" + pg.superuserPassword(),
                "--tidelog.source.tables=public." + TABLE,
                "--tidelog.source.slot-name=" + DB,
                "--tidelog.source.publication-name=" + DB,
                "--tidelog.data-dir=" + dataDir,
                "--tidelog.admin.shutdown-timeout=" + SHUTDOWN_TIMEOUT.toSeconds() + "s",
                "--tidelog.sinks.cache.type=redis",
                "--tidelog.sinks.cache.redis.uri=" + redis.uri(),
                "--tidelog.sinks.cache.redis.key-template=shutdown_it:{table}:{pk}");
    }

    private static long written(SinkFleet fleet) {
        return fleet.runners().iterator().next().metrics().recordsWritten();
    }

    /** The log's end offsets and the sink's committed offsets, read with Tidelog stopped. */
    private record Offsets(Map<TopicPartition, Long> end, Map<TopicPartition, Long> committed) {

        long endSum() {
            return end.values().stream().mapToLong(Long::longValue).sum();
        }

        long behind() {
            return end.entrySet().stream().mapToLong(e -> e.getValue() - committed.getOrDefault(e.getKey(), 0L)).sum();
        }
    }

    private Offsets offsets() {
        try (ChangeLog changeLog = EmbeddedChangeLog.open(dataDir.resolve("log"), LogConfig.defaults())) {
            Map<TopicPartition, Long> end = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
            Map<TopicPartition, Long> committed = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
            for (int p = 0; p < changeLog.topicConfig(TOPIC).partitions(); p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                end.put(tp, changeLog.endOffset(tp));
            }
            changeLog.committedOffsets(GROUP).forEach((tp, offset) -> {
                if (tp.topic().equals(TOPIC)) {
                    committed.put(tp, offset);
                }
            });
            return new Offsets(end, committed);
        }
    }

    /** Every streamed change (not a snapshot read) is in the log once: its delete and tombstone count apart. */
    private void assertNoStreamedChangeTwice() throws Exception {
        try (ChangeLog changeLog = EmbeddedChangeLog.open(dataDir.resolve("log"), LogConfig.defaults())) {
            Set<String> seen = new HashSet<>();
            List<String> twice = new ArrayList<>();
            long streamed = 0;
            for (int p = 0; p < changeLog.topicConfig(TOPIC).partitions(); p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                long offset = changeLog.logStartOffset(tp);
                while (offset < changeLog.endOffset(tp)) {
                    ReadResult read = changeLog.read(tp, offset, 10_000, 16 << 20);
                    for (LogRecord rec : read.records()) {
                        offset = rec.offset() + 1;
                        boolean tombstone = rec.value() == null;
                        if (!tombstone && "r".equals(JSON.readTree(rec.value()).path("op").asString())) {
                            continue;
                        }
                        streamed++;
                        String id = Arrays.toString(position(rec)) + (tombstone ? " tombstone" : "") + " "
                                + new String(rec.key(), StandardCharsets.UTF_8);
                        if (!seen.add(id)) {
                            twice.add(id + " @" + tp + ":" + rec.offset());
                        }
                    }
                }
            }
            assertThat(streamed).isPositive();
            assertThat(twice).as("streamed changes in the log twice").isEmpty();
        }
    }

    private static long[] position(LogRecord rec) {
        for (Header h : rec.headers()) {
            if (PositionBytes.HEADER.equals(h.key())) {
                return PositionBytes.decode(h.value());
            }
        }
        throw new AssertionError("no position on " + rec);
    }

    private static Map<Integer, Integer> tableRows(PostgresServer pg) throws Exception {
        Map<Integer, Integer> rows = new HashMap<>();
        try (Connection c = pg.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM " + TABLE)) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return rows;
    }

    private static Map<Integer, Integer> redisRows(StatefulRedisConnection<String, String> r) {
        List<String> keys = r.sync().keys(KEY_PREFIX + "*");
        Map<Integer, Integer> rows = new HashMap<>();
        if (keys.isEmpty()) {
            return rows;
        }
        for (KeyValue<String, String> kv : r.sync().mget(keys.toArray(String[]::new))) {
            if (kv.hasValue()) {
                JsonNode row = JSON.readTree(kv.getValue());
                rows.put(row.path("id").asInt(), row.path("v").asInt());
            }
        }
        return rows;
    }

    /**
     * Changes as fast as one connection commits them: updates ({@code v + 1}), inserts of new ids,
     * deletes; each its own transaction.
     */
    private static final class Writer {

        private final PostgresServer pg;
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicLong changes = new AtomicLong();
        private Thread thread;

        Writer(PostgresServer pg) {
            this.pg = pg;
        }

        void start() {
            running.set(true);
            thread = new Thread(this::run, "shutdown-it-writer");
            thread.start();
        }

        private void run() {
            List<Integer> live = new ArrayList<>();
            for (int id = 1; id <= ROWS; id++) {
                live.add(id);
            }
            int next = ROWS + 1;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try (Connection c = pg.connect(DB);
                 PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET v = v + 1 WHERE id = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, 0)");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
                while (running.get()) {
                    int pick = random.nextInt(10);
                    if (pick < 7 && !live.isEmpty()) {
                        update.setInt(1, live.get(random.nextInt(live.size())));
                        update.executeUpdate();
                    } else if (pick < 9 || live.isEmpty()) {
                        insert.setInt(1, next);
                        insert.executeUpdate();
                        live.add(next++);
                    } else {
                        int at = random.nextInt(live.size());
                        delete.setInt(1, live.get(at));
                        delete.executeUpdate();
                        live.remove(at);
                    }
                    changes.incrementAndGet();
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join();
            }
            assertThat(failure.get()).as("writer failure").isNull();
        }
    }
}
