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
final class ItemWriters implements AutoCloseable {

    private static final int WRITERS = 2;
    private static final long TICK_MILLIS = 25;

    private final PostgresServer server;
    private final String database;
    private final int existingIds;
    private final int firstNewId;
    private final long seed;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(WRITERS, r -> {
        Thread t = new Thread(r, "item-writer");
        t.setDaemon(true);
        return t;
    });
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong statements = new AtomicLong();

    /**
     * @param existingIds the writers update and delete ids {@code 1..existingIds}
     * @param firstNewId  the first id they insert; above every id the table ever had
     */
    ItemWriters(PostgresServer server, String database, int existingIds, int firstNewId, long seed) {
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
            connections.add(c);
            Writer writer = new Writer(c, new Random(seed + w), w);
            timer.scheduleAtFixedRate(writer, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** One connection's transactions; runs on the timer, one at a time. */
    private final class Writer implements Runnable {
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
        public void run() {
            try {
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
            } catch (Exception e) {
                failure.compareAndSet(null, e);
                throw new IllegalStateException(e); // ends this writer's schedule
            }
        }

        private int existing() {
            return 1 + parity + WRITERS * random.nextInt(existingIds / WRITERS);
        }

        private void execute(String sql) throws SQLException {
            st.execute(sql);
            statements.incrementAndGet();
        }
    }

    long transactions() {
        return transactions.get();
    }

    long statements() {
        return statements.get();
    }

    /** The first error a writer stopped on, or null while they all run. */
    Exception failure() {
        return failure.get();
    }

    /** Stops the writers after their running transaction, closes the connections; rethrows a writer's error. */
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
