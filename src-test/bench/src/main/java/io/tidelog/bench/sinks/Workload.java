package io.tidelog.bench.sinks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The writes of the sink benchmark, all to {@link Env#TABLE}: the load, update bursts in transactions
 * of a fixed size, a paced writer, and the probe writer. Every update sets {@code v} to a new version
 * from one counter, so versions increase across all writers and phases, and {@code ts_ms} to the
 * writer's wall clock in ms just before the statement. Rows are updated round-robin over
 * {@code 1..rows} in contiguous id ranges; the probe row is never touched by the load.
 *
 * <p>The version counter and the round-robin cursor are shared: use one writer at a time for the load
 * (the probe writer uses only the counter, which is atomic).
 */
final class Workload {

    private static final String UPDATE_RANGE =
            "UPDATE " + Env.TABLE + " SET v = ?, ts_ms = ? WHERE id BETWEEN ? AND ?";
    private static final String UPDATE_PROBE = "UPDATE " + Env.TABLE + " SET v = ?, ts_ms = ? WHERE id = " + Env.PROBE_ID;

    private final Env env;
    private final AtomicLong versions = new AtomicLong();
    private long cursor; // next row to update is cursor % rows + 1

    Workload(Env env) {
        this.env = env;
    }

    /** Creates and fills the table ({@code v = 0}), then VACUUM ANALYZE; before any pipeline starts. */
    static void load(Env env) throws SQLException {
        env.postgres().execute(env.database(),
                "CREATE TABLE " + Env.TABLE + " (id bigint PRIMARY KEY, v bigint NOT NULL, pad text NOT NULL, ts_ms bigint NOT NULL)",
                "INSERT INTO " + Env.TABLE + " SELECT g, 0, md5(g::text) || md5((g + 1)::text), "
                        + "(extract(epoch FROM now()) * 1000)::bigint FROM generate_series(" + Env.PROBE_ID + ", " + env.rows() + ") g",
                "VACUUM ANALYZE " + Env.TABLE);
    }

    /** Sets the probe row to a new version now (auto-commit) and returns that version. */
    long touchProbe() throws SQLException {
        try (Connection c = env.postgres().connect(env.database()); PreparedStatement ps = c.prepareStatement(UPDATE_PROBE)) {
            long v = versions.incrementAndGet();
            ps.setLong(1, v);
            ps.setLong(2, System.currentTimeMillis());
            ps.executeUpdate();
            return v;
        }
    }

    /** A finished burst: its expectation for the target, and when its first and last commits returned. */
    record Burst(Expectation expectation, long firstCommitNanos, long lastCommitNanos) {
    }

    /** Commits {@code updates} row updates in transactions of {@code txRows} rows, as fast as one connection can. */
    Burst burst(long updates, int txRows) throws SQLException {
        try (Connection c = env.postgres().connect(env.database()); PreparedStatement ps = c.prepareStatement(UPDATE_RANGE)) {
            c.setAutoCommit(false);
            long first = 0;
            long[] lastIds = new long[0];
            long lastVersion = 0;
            for (long done = 0; done < updates; ) {
                int n = (int) Math.min(txRows, updates - done);
                lastVersion = versions.incrementAndGet();
                lastIds = update(ps, lastVersion, n);
                c.commit();
                if (first == 0) {
                    first = System.nanoTime();
                }
                done += n;
            }
            return new Burst(new Expectation(updates, lastIds, lastVersion), first, System.nanoTime());
        }
    }

    /** Updates the next {@code n} rows round-robin to version {@code v}, in the current transaction; returns their ids. */
    private long[] update(PreparedStatement ps, long v, int n) throws SQLException {
        long[] ids = new long[n];
        int done = 0;
        long now = System.currentTimeMillis();
        while (done < n) {
            long lo = cursor % env.rows() + 1;
            long hi = Math.min(env.rows(), lo + (n - done) - 1);
            ps.setLong(1, v);
            ps.setLong(2, now);
            ps.setLong(3, lo);
            ps.setLong(4, hi);
            int updated = ps.executeUpdate();
            if (updated != hi - lo + 1) {
                throw new IllegalStateException("updated " + updated + " rows of " + lo + ".." + hi);
            }
            for (long id = lo; id <= hi; id++) {
                ids[done++] = id;
            }
            cursor += hi - lo + 1;
        }
        return ids;
    }

    /**
     * Commits {@code rate} row updates a second in transactions of {@code rowsPerTx} rows on an absolute
     * schedule (a late transaction is not made up by sleeping less later, but the schedule is not
     * shifted either), until stopped or {@code limit} has passed.
     */
    final class PacedWriter implements Runnable {

        private final int rowsPerTx;
        private final long periodNanos;
        private final Duration limit;
        private volatile boolean stop;
        private volatile Throwable failure;
        private long rows;
        private long txs;
        private long startNanos;
        private long endNanos;
        private long maxLateNanos;

        PacedWriter(int rate, int rowsPerTx, Duration limit) {
            this.rowsPerTx = rowsPerTx;
            this.periodNanos = Math.round(1e9 * rowsPerTx / rate);
            this.limit = limit;
        }

        @Override
        public void run() {
            try (Connection c = env.postgres().connect(env.database()); PreparedStatement ps = c.prepareStatement(UPDATE_RANGE)) {
                c.setAutoCommit(false);
                startNanos = System.nanoTime();
                long end = startNanos + limit.toNanos();
                for (long k = 0; !stop; k++) {
                    long due = startNanos + k * periodNanos;
                    if (due - end >= 0) {
                        break;
                    }
                    long wait;
                    while (!stop && (wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    maxLateNanos = Math.max(maxLateNanos, System.nanoTime() - due);
                    update(ps, versions.incrementAndGet(), rowsPerTx);
                    c.commit();
                    rows += rowsPerTx;
                    txs++;
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                endNanos = System.nanoTime();
            }
        }

        void stop() {
            stop = true;
        }

        /** After the thread has ended: rows committed. */
        long rows() {
            return rows;
        }

        long transactions() {
            return txs;
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        double maxLateMillis() {
            return maxLateNanos / 1e6;
        }

        Throwable failure() {
            return failure;
        }
    }

    /**
     * Updates the probe row {@code perSecond} times a second, each in its own (auto-commit) transaction,
     * on its own connection, until stopped. Remembers how long each commit took and the versions sent
     * from {@code measureFromMs} on.
     */
    final class ProbeWriter implements Runnable {

        private final long periodNanos;
        private final long measureFromMs;
        private final Latencies commitMicros = new Latencies();
        private volatile boolean stop;
        private volatile Throwable failure;
        private volatile long lastVersion;
        private long sentMeasured;
        private long sent;

        ProbeWriter(int perSecond, long measureFromMs) {
            this.periodNanos = 1_000_000_000L / perSecond;
            this.measureFromMs = measureFromMs;
        }

        @Override
        public void run() {
            try (Connection c = env.postgres().connect(env.database()); PreparedStatement ps = c.prepareStatement(UPDATE_PROBE)) {
                long start = System.nanoTime();
                for (long k = 0; !stop; k++) {
                    long wait;
                    while (!stop && (wait = start + k * periodNanos - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (stop) {
                        break;
                    }
                    long v = versions.incrementAndGet();
                    long ts = System.currentTimeMillis();
                    ps.setLong(1, v);
                    ps.setLong(2, ts);
                    long t0 = System.nanoTime();
                    ps.executeUpdate();
                    commitMicros.add((System.nanoTime() - t0) / 1000);
                    lastVersion = v;
                    sent++;
                    if (ts >= measureFromMs) {
                        sentMeasured++;
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        void stop() {
            stop = true;
        }

        /** The last version committed so far (0 if none). */
        long lastVersion() {
            return lastVersion;
        }

        /** After the thread has ended. */
        long sent() {
            return sent;
        }

        long sentMeasured() {
            return sentMeasured;
        }

        Latencies commitMicros() {
            return commitMicros;
        }

        Throwable failure() {
            return failure;
        }
    }
}
