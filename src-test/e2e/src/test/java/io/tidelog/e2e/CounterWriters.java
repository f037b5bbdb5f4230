package io.tidelog.e2e;

import io.tidelog.harness.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;

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
final class CounterWriters extends PacedWriters {

    private static final int WRITERS = 2;
    private static final long TICK_MILLIS = 10;
    private static final int STATEMENTS_PER_TICK = 5;
    /** SQLStates of a transaction PostgreSQL rolled back and that simply did not happen. */
    private static final List<String> ROLLED_BACK = List.of("40P01", "40001");

    private final PostgresServer server;
    private final String database;
    private final int seededRows;
    private final long seed;

    /**
     * @param seededRows ids {@code 1..seededRows} exist before the load starts; new ids lie above them
     */
    CounterWriters(PostgresServer server, String database, int seededRows, long seed) {
        super("counter-writer", WRITERS, Duration.ofMillis(TICK_MILLIS));
        this.server = server;
        this.database = database;
        this.seededRows = seededRows;
        this.seed = seed;
    }

    void start() throws SQLException {
        for (int w = 0; w < WRITERS; w++) {
            Connection c = server.connect(database);
            schedule(c, new Writer(c.createStatement(), new Random(seed + w), seededRows + 1 + w));
        }
    }

    /** One connection's share of the load; runs on the timer, one tick at a time. */
    private final class Writer implements Tick {
        private final Statement st;
        private final Random random;
        private int next; // writers insert disjoint ids: odd and even offsets

        Writer(Statement st, Random random, int firstId) {
            this.st = st;
            this.random = random;
            this.next = firstId;
        }

        @Override
        public void run() throws SQLException {
            for (int i = 0; i < STATEMENTS_PER_TICK; i++) {
                execute(nextStatement());
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
                counted();
            } catch (SQLException e) {
                if (!ROLLED_BACK.contains(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }
}
