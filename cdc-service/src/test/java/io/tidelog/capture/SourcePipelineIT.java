package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.event.TableId;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The log becomes the faithful record of the table: the aligned snapshot and the stream meet with
 * no change missed or doubled while writers run, and a restart that lost its stored position (the
 * crash window between a durable batch and its offset commit) re-delivers nothing into the log.
 *
 * <p>Each update adds exactly 1 to {@code v}, so a row's history in the log must be a run of
 * consecutive values: a gap means a lost change, a repeat a duplicate.
 */
@ExtendWith(PostgresExtension.class)
class SourcePipelineIT {

    private static final String DB = "pipeline_it";
    private static final TableId TABLE = new TableId("public", "counters");
    private static final String TOPIC = "tidelog.public.counters";
    private static final int ROWS = 5_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void snapshotAndStreamMeetExactlyOnceAndRestartAddsNoDuplicates(PostgresServer server) throws Exception {
        server.createDatabase(DB);
        server.execute(DB, "CREATE TABLE counters (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO counters SELECT g, 0 FROM generate_series(1, " + ROWS + ") g", "ANALYZE counters");
        CaptureSettings settings = new CaptureSettings(new SourceAddress(server.host(), server.port(), DB),
                server.superuser(), server.superuserPassword(), List.of(TABLE), "pipeline_it", "pipeline_it",
                Duration.ofMillis(10), 512, OffsetStorage.memory(), Duration.ofSeconds(60),
                CaptureSettings.SnapshotMode.STREAM_ONLY, Duration.ZERO);

        Writers writers = new Writers(server);
        writers.start();
        try (ChangeLog log = openLog(); SourcePipeline pipeline = pipeline(settings, log)) {
            pipeline.start();
            assertThat(pipeline.snapshot()).as("first start snapshots").isNotNull();
            writers.runFor(Duration.ofSeconds(2));
            writers.stop();
            awaitLogMatchesTable(server, log);
        }

        try (ChangeLog log = openLog()) {
            LogOffsetBackingStore.clear(log); // as if the process died before the offset commit
        }
        try (ChangeLog log = openLog(); SourcePipeline pipeline = pipeline(settings, log)) {
            pipeline.start();
            assertThat(pipeline.snapshot()).as("a restart with a completed snapshot resumes").isNull();
            server.execute(DB, "UPDATE counters SET v = v + 1 WHERE id <= 10", "DELETE FROM counters WHERE id = 11");
            awaitLogMatchesTable(server, log);
            assertThat(pipeline.writer().duplicatesDropped()).as("re-delivered changes were dropped").isPositive();
        }
    }

    private ChangeLog openLog() {
        return EmbeddedChangeLog.open(dir.resolve("log"), LogConfig.defaults());
    }

    private static SourcePipeline pipeline(CaptureSettings settings, ChangeLog log) {
        ChangeLogWriter writer = new ChangeLogWriter(log, new TopicNaming("tidelog"), TopicConfig.compacted(3),
                settings.tables(), Clock.systemUTC());
        return new SourcePipeline(settings, new SnapshotOptions(2, 1_000), log, writer, batch -> { }, Clock.systemUTC());
    }

    private static void awaitLogMatchesTable(PostgresServer server, ChangeLog log) {
        await("log converges to the table").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<Integer, List<Integer>> history = history(log);
            Map<Integer, Integer> table = table(server);
            Map<Integer, Integer> latest = new HashMap<>();
            history.forEach((id, values) -> {
                if (values.get(values.size() - 1) != null) {
                    latest.put(id, values.get(values.size() - 1));
                }
            });
            assertThat(latest).isEqualTo(table);
            history.forEach((id, values) -> {
                List<Integer> live = values.stream().filter(v -> v != null).toList();
                for (int i = 1; i < live.size(); i++) {
                    assertThat(live.get(i)).as("row %d: consecutive values, no gap, no duplicate: %s", id, values)
                            .isEqualTo(live.get(i - 1) + 1);
                }
            });
        });
    }

    /** Per id, the value of every event in log order: after.v, or null for a delete. */
    private static Map<Integer, List<Integer>> history(ChangeLog log) {
        Map<Integer, List<Integer>> history = new HashMap<>();
        for (int p = 0; p < log.topicConfig(TOPIC).partitions(); p++) {
            TopicPartition tp = new TopicPartition(TOPIC, p);
            long offset = log.logStartOffset(tp);
            while (offset < log.endOffset(tp)) {
                ReadResult r = log.read(tp, offset, 10_000, 16 << 20);
                for (LogRecord rec : r.records()) {
                    if (rec.value() == null) {
                        continue; // the tombstone after a delete event
                    }
                    JsonNode event = JSON.readTree(rec.value());
                    JsonNode after = event.path("after");
                    int id = JSON.readTree(rec.key()).path("id").asInt();
                    history.computeIfAbsent(id, x -> new ArrayList<>()).add(after.isNull() ? null : after.path("v").asInt());
                }
                offset = r.nextOffset();
            }
        }
        return history;
    }

    private static Map<Integer, Integer> table(PostgresServer server) throws Exception {
        Map<Integer, Integer> rows = new HashMap<>();
        try (Connection c = server.connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM counters")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return rows;
    }

    /** Two connections updating, inserting and deleting rows until stopped. */
    private static final class Writers {
        private final PostgresServer server;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();

        Writers(PostgresServer server) {
            this.server = server;
        }

        void start() {
            for (int w = 0; w < 2; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(writer), "writer-" + w);
                threads.add(t);
                t.start();
            }
        }

        private void write(int writer) {
            try (Connection c = server.connect(DB); Statement st = c.createStatement()) {
                int next = ROWS + 1 + writer;
                while (running.get()) {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    int id = 1 + r.nextInt(ROWS);
                    switch (r.nextInt(10)) {
                        case 0 -> st.execute("DELETE FROM counters WHERE id = " + id);
                        case 1 -> {
                            st.execute("INSERT INTO counters VALUES (" + next + ", 0)");
                            next += 2;
                        }
                        default -> st.execute("UPDATE counters SET v = v + 1 WHERE id IN (" + id + ", " + (1 + r.nextInt(ROWS)) + ")");
                    }
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }

        void runFor(Duration d) {
            long until = System.nanoTime() + d.toNanos();
            await().atMost(d.plusSeconds(5)).until(() -> System.nanoTime() >= until || failure.get() != null);
        }

        void stop() throws Exception {
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw failure.get();
            }
        }
    }
}
