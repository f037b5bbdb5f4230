package io.tidelog.e2e;

import io.tidelog.harness.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A continuous write load on {@code counters(id int primary key, v int)}: two connections, each
 * committing {@value #STATEMENTS_PER_TICK} statements every {@value #TICK_MILLIS} ms — mostly updates that
 * add exactly 1 to {@code v} of two rows, some inserts of new ids (with {@code v = 0}), some deletes. So a
 * row's history is a run of consecutive values, and an id is never inserted again once deleted.
 *
 * <p>Paced rather than flat out: unpaced, two writers on this machine commit ~7k statements/s, more than
 * capture on the same two cores keeps up with, and every restart would spend its life replaying a
 * backlog. Seeded: each writer's choices come from its own {@link Random}; timing is not reproducible.
 */
final class CounterWriters implements AutoCloseable {

    private static final int WRITERS = 2;
    private static final long TICK_MILLIS = 10;
    private static final int STATEMENTS_PER_TICK = 5;
    /** SQLStates of a transaction PostgreSQL rolled back and that simply did not happen. */
    private static final List<String> ROLLED_BACK = List.of("40P01", "40001");

    private final PostgresServer server;
    private final String database;
    private final int seededRows;
    private final long seed;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(WRITERS, r -> {
        Thread t = new Thread(r, "counter-writer");
        t.setDaemon(true);
        return t;
    });
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong statements = new AtomicLong();

    /**
     * @param seededRows ids {@code 1..seededRows} exist before the load starts; new ids lie above them
     */
    CounterWriters(PostgresServer server, String database, int seededRows, long seed) {
        this.server = server;
        this.database = database;
        this.seededRows = seededRows;
        this.seed = seed;
    }

    void start() throws SQLException {
        for (int w = 0; w < WRITERS; w++) {
            Connection c = server.connect(database);
            connections.add(c);
            Writer writer = new Writer(c.createStatement(), new Random(seed + w), seededRows + 1 + w);
            timer.scheduleAtFixedRate(writer, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** One connection's share of the load; runs on the timer, one tick at a time. */
    private final class Writer implements Runnable {
        private final Statement st;
        private final Random random;
        private int next; // writers insert disjoint ids: odd and even offsets

        Writer(Statement st, Random random, int firstId) {
            this.st = st;
            this.random = random;
            this.next = firstId;
        }

        @Override
        public void run() {
            try {
                for (int i = 0; i < STATEMENTS_PER_TICK; i++) {
                    execute(nextStatement());
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e);
                throw new IllegalStateException(e); // ends this writer's schedule
            }
        }

        private String nextStatement() {
            int id = 1 + random.nextInt(seededRows);
            return switch (random.nextInt(10)) {
                case 0 -> "DELETE FROM counters WHERE id = " + id;
                case 1 -> {
                    String insert = "INSERT INTO counters VALUES (" + next + ", 0)";
                    next += WRITERS;
                    yield insert;
                }
                default -> "UPDATE counters SET v = v + 1 WHERE id IN (" + id + ", " + (1 + random.nextInt(seededRows)) + ")";
            };
        }

        private void execute(String sql) throws SQLException {
            try {
                st.execute(sql);
                statements.incrementAndGet();
            } catch (SQLException e) {
                if (!ROLLED_BACK.contains(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    /** Statements committed so far. */
    long statements() {
        return statements.get();
    }

    /** The first error a writer stopped on, or null while they all run. */
    Exception failure() {
        return failure.get();
    }

    /** Stops the writers, waits for a running tick to end, closes the connections; rethrows a writer's error. */
    @Override
    public void close() throws Exception {
        timer.shutdown();
        if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("writers did not stop within 30 s");
        }
        for (Connection c : connections) {
            c.close();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
