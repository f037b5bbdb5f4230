package io.tidelog.e2e;

import io.tidelog.harness.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A continuous write load on {@code sink_items(id int primary key, v int, code text)}: {@value #WRITERS}
 * connections, each committing one transaction every {@value #TICK_MILLIS} ms of two updates, and
 * sometimes an insert (sometimes updated again in the same transaction), a delete or a {@code code} set
 * to NULL. So transactions of several statements, from concurrent connections, interleave in the WAL.
 *
 * <p>Each writer touches only ids of its own parity, so writers never wait for each other's row locks,
 * and inserts ids from {@code firstNewId} up (never an id that existed). {@code code} is always a numeric
 * string or NULL: the OpenSearch index maps it as an integer, and only the test's deliberate poison rows
 * are not numbers. Seeded; timing is not reproducible.
 */
final class ItemWriters extends PacedWriters {

    private static final int WRITERS = 2;
    private static final long TICK_MILLIS = 25;

    private final PostgresServer server;
    private final String database;
    private final int existingIds;
    private final int firstNewId;
    private final long seed;
    private final AtomicLong transactions = new AtomicLong();

    /**
     * @param existingIds the writers update and delete ids {@code 1..existingIds}
     * @param firstNewId  the first id they insert; above every id the table ever had
     */
    ItemWriters(PostgresServer server, String database, int existingIds, int firstNewId, long seed) {
        super("item-writer", WRITERS, Duration.ofMillis(TICK_MILLIS));
        this.server = server;
        this.database = database;
        this.existingIds = existingIds;
        this.firstNewId = firstNewId;
        this.seed = seed;
    }

    ItemWriters start() throws SQLException {
        for (int w = 0; w < WRITERS; w++) {
            Connection c = server.connect(database);
            c.setAutoCommit(false);
            schedule(c, new Writer(c, new Random(seed + w), w));
        }
        return this;
    }

    /** One connection's transactions; runs on the timer, one at a time. */
    private final class Writer implements Tick {
        private final Connection connection;
        private final Statement st;
        private final Random random;
        private final int parity;
        private int next;

        Writer(Connection connection, Random random, int parity) throws SQLException {
            this.connection = connection;
            this.st = connection.createStatement();
            this.random = random;
            this.parity = parity;
            this.next = firstNewId + parity;
        }

        @Override
        public void run() throws SQLException {
            execute("UPDATE sink_items SET v = v + 1, code = '" + random.nextInt(100_000) + "' WHERE id = " + existing());
            execute("UPDATE sink_items SET v = v + 1 WHERE id = " + existing());
            if (random.nextInt(10) < 3) {
                int id = next;
                next += WRITERS;
                execute("INSERT INTO sink_items VALUES (" + id + ", 0, '" + random.nextInt(1000) + "')");
                if (random.nextBoolean()) {
                    execute("UPDATE sink_items SET v = v + 1 WHERE id = " + id);
                }
            }
            if (random.nextInt(10) == 0) {
                execute("DELETE FROM sink_items WHERE id = " + existing());
            }
            if (random.nextInt(20) == 0) {
                execute("UPDATE sink_items SET code = NULL WHERE id = " + existing());
            }
            connection.commit();
            transactions.incrementAndGet();
        }

        private int existing() {
            return 1 + parity + WRITERS * random.nextInt(existingIds / WRITERS);
        }

        private void execute(String sql) throws SQLException {
            st.execute(sql);
            counted();
        }
    }

    long transactions() {
        return transactions.get();
    }
}
