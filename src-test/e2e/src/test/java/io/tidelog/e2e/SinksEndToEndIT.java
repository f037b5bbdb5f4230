package io.tidelog.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidelog.e2e.LoggedChanges.DeadLetter;
import io.tidelog.harness.ManagedServer;
import io.tidelog.harness.OpenSearchServer;
import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.RedisServer;
import io.tidelog.harness.junit.OpenSearchExtension;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.harness.junit.RedisExtension;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.TopicPartition;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5: the sinks. One service with three sinks at once — Redis (upsert, JSON), OpenSearch (with a
 * mapping that makes {@code sink_items.code} an integer) and DuckDB — on a database with a table of
 * every supported type and a simple table under load, all real servers, the service a child JVM.
 * The phases run in order on the same data directory; each (but the replay) ends with
 * {@link ServiceWithSinks#converge}, which compares every sink with the source, read independently of
 * the log, and with the versions of the log's latest records.
 *
 * <ol>
 *   <li>Snapshot rows, then inserts, updates, deletes, a row updated 100 times in one transaction, a
 *       multi-table transaction, a key change, NULLs, every type, an unchanged TOASTed value.</li>
 *   <li>Every sink replayed from the log's start: nothing in any target changes.</li>
 *   <li>Redis and OpenSearch frozen (SIGSTOP) for 30 s under a continuous write load, just as a
 *       transaction that changes one row 3,000 times reaches them: they retry, DuckDB carries on, and
 *       after they resume nothing is lost.</li>
 *   <li>Rows whose {@code code} is not a number: OpenSearch's dead-letter topic, with the reason, and
 *       nothing else; later rows keep flowing; Redis and DuckDB take them all.</li>
 *   <li>The service killed (SIGKILL) under load at a random moment after each start, while its sinks
 *       still write a 3,000-change transaction; restarted on the same data: every sink converges.</li>
 *   <li>Redis loses {@code sink_items} (every row and its version hash); an ad-hoc incremental snapshot of
 *       it, taken through the admin API while writers keep changing rows, brings it back: every
 *       sink equals the source and holds each row at the version of its latest record — so no read
 *       overwrote a newer change, and every row no writer touched came back through a read.</li>
 * </ol>
 * A phase is skipped once an earlier one failed (it would only fail for the same reason). The kill
 * delays come from a seed printed at the start; {@code -Dtidelog.sinks.seed=<seed>} repeats them. On
 * failure the work directory (data directory, every service output) is kept and named.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class, OpenSearchExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class SinksEndToEndIT {

    static final String DB = "sinks_e2e_it";
    static final String TYPES = "sink_types";
    static final String ITEMS = "sink_items";
    static final int ITEM_ROWS = 2_000;
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration OUTAGE_LOAD = Duration.ofSeconds(45);
    private static final int KILLS = 3;
    /** Changes of one row in one transaction: more than a sink batch (2,000 records) or a bulk request (1,000 actions). */
    private static final int BIG_TRANSACTION = 3_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private ServiceWithSinks service;
    private RedisServer redis;
    private OpenSearchServer openSearch;
    private long seed;
    private Random random;
    private boolean broken;
    /** What phase 1 ended with: phase 2's replay must leave every target exactly so. */
    private ServiceWithSinks.Checkpoint replayBaseline;

    @BeforeAll
    void setUp(PostgresServer postgres, RedisServer redis, OpenSearchServer openSearch) throws Exception {
        long began = System.nanoTime();
        this.redis = redis;
        this.openSearch = openSearch;
        seed = Long.getLong("tidelog.sinks.seed", System.nanoTime());
        random = new Random(seed);
        System.out.println("SinksEndToEndIT seed: " + seed + " (rerun with -Dtidelog.sinks.seed=" + seed + "), work dir " + dir);
        postgres.createDatabase(DB);
        postgres.execute(DB, SourceTables.SCHEMA);
        postgres.execute(DB, SourceTables.INITIAL_ROWS);
        service = new ServiceWithSinks(postgres, redis, openSearch, dir, LogBackend.fromSystemProperty(dir.resolve("data")));
        System.out.println("SinksEndToEndIT: the service's log is " + service.backend().name());
        service.startUntilStreaming();
        summary("setup", began, "service streaming after its initial snapshot");
    }

    @AfterAll
    void tearDown() throws Exception {
        resume(redis);
        resume(openSearch);
        if (service != null) {
            service.close();
        }
    }

    @Test
    @Order(1)
    void everyChangeAndEveryTypeReachesEverySink() throws Exception {
        phase(() -> {
            long began = System.nanoTime();
            service.postgres().execute(DB, SourceTables.CHANGES);
            SourceTables.manyUpdatesOfOneRowInOneTransaction(service.postgres());
            ServiceWithSinks.Checkpoint cp = service.converge(Set.of());
            summary("1 (changes, types)", began, cp.describe());
            replayBaseline = cp;
        });
    }

    @Test
    @Order(2)
    void replayFromOffsetZeroChangesNothing() throws Exception {
        phase(() -> {
            long began = System.nanoTime();
            Map<TopicPartition, Long> start;
            try (ChangeLog log = service.openLog()) {
                start = LoggedChanges.rewind(log, ServiceWithSinks.GROUPS, ServiceWithSinks.TOPICS.values());
                for (String group : ServiceWithSinks.GROUPS) {
                    assertThat(log.committedOffsets(group)).as(group).containsAllEntriesOf(start);
                }
            }
            service.startUntilStreaming();
            service.awaitCaughtUp();
            service.stop();
            Map<String, Long> replayed = service.recordsWrittenByLastStart();
            assertThat(replayed).as("records each sink wrote while replaying (the log holds %d)", replayBaseline.log().records())
                    .containsOnlyKeys(ServiceWithSinks.SINKS)
                    .allSatisfy((sink, n) -> assertThat(n).as(sink).isGreaterThanOrEqualTo(replayBaseline.log().records()));
            ServiceWithSinks.Contents after = service.readStopped();
            ServiceWithSinks.Contents before = replayBaseline.contents();
            assertThat(after.redis().dump()).as("redis: every key, value and version after the replay")
                    .containsExactlyElementsOf(before.redis().dump());
            assertThat(after.search().dump()).as("opensearch: every document's _source and _version after the replay")
                    .containsExactlyElementsOf(before.search().dump());
            assertThat(after.duckDb().dump()).as("duckdb: every row of the current-state and history tables after the replay")
                    .containsExactlyElementsOf(before.duckDb().dump());
            summary("2 (replay from offset 0)", began, start.size() + " partitions rewound to " + new TreeSet<>(start.values())
                    + ", records rewritten " + replayed + "; " + before.redis().dump().size() + " redis entries, " + before.search().dump().size()
                    + " documents, " + before.duckDb().dump().size() + " duckdb rows unchanged");
        });
    }

    @Test
    @Order(3)
    void redisAndOpenSearchFrozenUnderLoadLoseNothing() throws Exception {
        phase(() -> {
            long began = System.nanoTime();
            service.startUntilStreaming();
            String during;
            long statements;
            try (ItemWriters writers = new ItemWriters(service.postgres(), DB, ITEM_ROWS, 10_000, seed).start()) {
                long loadStarted = System.nanoTime();
                service.awaitFor(Duration.ofSeconds(5), writers);
                // The outage begins while the sinks write a big transaction: batches and bulks full of changes
                // of one row with the same version are in flight, and sent again and again while frozen.
                service.postgres().execute(DB, SourceTables.oneRowChangedInOneTransaction(9_000, BIG_TRANSACTION));
                long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> service.lags().get("search") >= BIG_TRANSACTION / 4 || System.nanoTime() > deadline);
                long frozenAt = System.nanoTime();
                try {
                    freeze(redis);
                    freeze(openSearch);
                    await("redis and opensearch sinks retry while their targets are frozen").atMost(OUTAGE)
                            .pollInterval(Duration.ofMillis(500))
                            .until(() -> service.states().get("cache").equals("RETRYING")
                                    && service.states().get("search").equals("RETRYING"));
                    service.awaitFor(OUTAGE.minusNanos(System.nanoTime() - frozenAt), writers);
                    Map<String, Long> lag = service.lags();
                    during = "lag at the end of the outage " + lag;
                    assertThat(lag.get("warehouse")).as("duckdb keeps up while the others are stuck: " + lag)
                            .isLessThan(Math.min(lag.get("cache"), lag.get("search")));
                } finally {
                    resume(redis);
                    resume(openSearch);
                }
                service.awaitFor(OUTAGE_LOAD.minusNanos(System.nanoTime() - loadStarted), writers);
                statements = writers.statements();
            }
            ServiceWithSinks.Checkpoint cp = service.converge(Set.of());
            summary("3 (outage under load)", began, statements + " statements; " + during + "; " + cp.describe());
        });
    }

    @Test
    @Order(4)
    void poisonRowsGoToTheDeadLetterTopicAndLaterRowsFlow() throws Exception {
        phase(() -> {
            long began = System.nanoTime();
            service.startUntilStreaming();
            service.postgres().execute(DB, SourceTables.POISON);
            ServiceWithSinks.Checkpoint cp = service.converge(SourceTables.POISON_IDS);
            assertDeadLetters(cp);
            summary("4 (poison rows)", began, cp.deadLetters().get("search").size() + " dead letters; " + cp.describe());
        });
    }

    @Test
    @Order(5)
    void killedUnderLoadEverySinkConverges() throws Exception {
        phase(() -> {
            long began = System.nanoTime();
            List<String> kills = new ArrayList<>();
            long statements;
            try (ItemWriters writers = new ItemWriters(service.postgres(), DB, ITEM_ROWS, 20_000, seed + 100).start()) {
                for (int i = 1; i <= KILLS; i++) {
                    service.startUntilStreaming();
                    service.postgres().execute(DB, SourceTables.oneRowChangedInOneTransaction(9_000 + i, BIG_TRANSACTION));
                    Duration delay = Duration.ofMillis(random.nextLong(100, 2_500));
                    service.awaitFor(delay, writers);
                    Map<String, Long> lag = service.lags();
                    service.kill();
                    kills.add("kill " + i + ": " + BIG_TRANSACTION + " changes of row " + (9_000 + i) + " committed, then "
                            + delay.toMillis() + " ms, sink lag " + lag);
                    System.out.println("SinksEndToEndIT: " + kills.get(kills.size() - 1));
                }
                service.startUntilStreaming();
                service.awaitFor(Duration.ofSeconds(3), writers);
                statements = writers.statements();
            }
            ServiceWithSinks.Checkpoint cp = service.converge(SourceTables.POISON_IDS);
            assertDeadLetters(cp);
            summary("5 (kill -9 under load)", began, kills.size() + " kills, " + statements + " statements; " + cp.describe());
        });
    }

    @Test
    @Order(6)
    void anIncrementalSnapshotUnderWriteLoadRestoresALostCache() throws Exception {
        phase(() -> {
            long began = System.nanoTime();
            service.startUntilStreaming();
            // Several chunks (2,048 rows) of the incremental snapshot; under the 10,000 documents one OpenSearch search reads.
            service.postgres().execute(DB, "INSERT INTO sink_items SELECT g, g, (g % 1000)::text FROM generate_series(100001, 104000) g");
            service.awaitCaughtUp();
            service.forgetInRedis(ITEMS);
            long statements;
            String id = null;
            ServiceWithSinks.AdminAnswer done;
            try (ItemWriters writers = new ItemWriters(service.postgres(), DB, ITEM_ROWS, 50_000, seed + 200).start()) {
                service.awaitFor(Duration.ofSeconds(2), writers);
                done = null;
                // Debezium 3.6.3 now and then fails an incremental read (an NPE in its progress notification: the
                // snapshot ends failed; a ConcurrentModificationException: the engine fails, capture restarts and
                // the id is gone, 404). Both are Debezium's (README); the second request must then complete.
                for (int attempt = 1; attempt <= 2; attempt++) {
                    ServiceWithSinks.AdminAnswer[] posted = new ServiceWithSinks.AdminAnswer[1];
                    await("the admin API takes the snapshot request").atMost(Duration.ofSeconds(120))
                            .pollInterval(Duration.ofMillis(500)).until(() -> {
                                posted[0] = service.admin("POST", "/admin/snapshots",
                                        "{\"tables\":[\"public." + ITEMS + "\"],\"mode\":\"incremental\"}");
                                return posted[0].status() != 409; // 409: one still runs
                            });
                    ServiceWithSinks.AdminAnswer started = posted[0];
                    assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
                    id = started.body().path("id").asString();
                    String requested = id;
                    ServiceWithSinks.AdminAnswer[] last = new ServiceWithSinks.AdminAnswer[1];
                    await("ad-hoc snapshot " + id + " ends while the writers write").atMost(Duration.ofSeconds(120))
                            .pollInterval(Duration.ofMillis(500)).until(() -> {
                                last[0] = service.admin("GET", "/admin/snapshots/" + requested, null);
                                assertThat(writers.failure()).as("writers").isNull();
                                return last[0].status() == 404
                                        || !Set.of("requested", "running").contains(last[0].body().path("state").asString());
                            });
                    done = last[0];
                    if (done.status() == 200 && done.body().path("state").asString().equals("completed")) {
                        break;
                    }
                    System.out.println("SinksEndToEndIT phase 6: ad-hoc snapshot " + id + " ended " + done.status() + " "
                            + done.body() + " (attempt " + attempt + ")");
                }
                service.awaitFor(Duration.ofSeconds(2), writers);
                statements = writers.statements();
            }
            assertThat(done.body().path("state").asString()).as(done.body().toString()).isEqualTo("completed");
            assertThat(done.body().path("rows").asLong()).as("rows read (a row changed inside its chunk's window is not)")
                    .isPositive();
            ServiceWithSinks.Checkpoint cp = service.converge(SourceTables.POISON_IDS, SinkContents.Deletes.FORGOTTEN);
            summary("6 (incremental snapshot under load)", began, "snapshot " + done.body().path("rows").asLong() + " rows at "
                    + done.body().path("rowsPerSecond").asLong() + " rows/s, " + statements + " statements; " + cp.describe());
        });
    }

    /** Exactly the poison rows in OpenSearch's dead letters (a crash may repeat one), none anywhere else. */
    private static void assertDeadLetters(ServiceWithSinks.Checkpoint cp) {
        List<DeadLetter> letters = cp.deadLetters().get("search");
        Set<String> keys = letters.stream().map(DeadLetter::key).collect(Collectors.toCollection(TreeSet::new));
        assertThat(keys)
                .as("keys in _tidelog.dlq.search: %s", letters).containsExactlyInAnyOrderElementsOf(SourceTables.POISON_IDS);
        assertThat(letters).allSatisfy(l -> {
            assertThat(l.topic()).isEqualTo(ServiceWithSinks.TOPICS.get(ITEMS));
            assertThat(l.reason()).contains("mapper_parsing_exception").contains("code");
            assertThat(l.after().path("code").asString()).as("the rejected row").isNotEmpty()
                    .isEqualTo(cp.source().table(ITEMS).get(l.key()).path("code").asString());
        });
        assertThat(cp.deadLetters().get("cache")).as("redis dead letters").isEmpty();
        assertThat(cp.deadLetters().get("warehouse")).as("duckdb dead letters").isEmpty();
    }

    // ---- the flow ---------------------------------------------------------------------------------

    private interface Body {
        void run() throws Exception;
    }

    /** Runs a phase unless an earlier one failed; a failure carries the seed, the work dir and the service's last lines. */
    private void phase(Body body) throws Exception {
        assumeTrue(!broken, "an earlier phase failed");
        try {
            body.run();
        } catch (Throwable t) {
            broken = true;
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            Files.writeString(dir.resolve("failure.txt"), "seed " + seed + "\n" + trace + "\n" + service.context());
            String cause = String.valueOf(t.getMessage());
            throw new AssertionError("seed " + seed + ", work dir (kept) " + dir + " (failure.txt there has the whole trace)\n"
                    + (cause.length() > 4_000 ? cause.substring(0, 4_000) + " …" : cause) + "\n" + service.context(), t);
        }
    }

    private static void summary(String phase, long beganNanos, String what) {
        System.out.printf("SinksEndToEndIT phase %s: %s; %.1f s%n", phase, what, (System.nanoTime() - beganNanos) / 1e9);
    }

    /** SIGSTOP to the server and its descendants: it keeps its sockets but answers nothing. */
    private static void freeze(ManagedServer server) throws Exception {
        signal("-STOP", server);
    }

    private static void resume(ManagedServer server) throws Exception {
        if (server != null) {
            signal("-CONT", server);
        }
    }

    private static void signal(String signal, ManagedServer server) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        command.add(Long.toString(server.processHandle().pid()));
        server.processHandle().descendants().forEach(p -> command.add(Long.toString(p.pid())));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        int exit = kill.waitFor();
        assertThat(exit).as("%s: %s", command, new String(kill.getInputStream().readAllBytes())).isZero();
    }
}
