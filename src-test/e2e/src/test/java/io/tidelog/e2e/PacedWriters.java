package io.tidelog.e2e;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The frame of a paced write load: writers that each own one connection and run one tick per period
 * on a shared timer, until {@link #close()}. A tick that throws stops its writer; the first such error
 * is kept ({@link #failure()}) and rethrown by {@link #close()}. What a tick writes is the subclass's.
 */
abstract class PacedWriters implements AutoCloseable {

    /** One writer's work per tick. */
    @FunctionalInterface
    interface Tick {
        void run() throws Exception;
    }

    private final ScheduledExecutorService timer;
    private final Duration period;
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong statements = new AtomicLong();

    PacedWriters(String threadName, int writers, Duration period) {
        this.period = period;
        this.timer = Executors.newScheduledThreadPool(writers, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code tick} every period on {@code connection}, which {@link #close()} closes. */
    protected final void schedule(Connection connection, Tick tick) {
        connections.add(connection);
        timer.scheduleAtFixedRate(() -> {
            try {
                tick.run();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
                throw new IllegalStateException(e); // ends this writer's schedule
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Counts one committed (or to be committed) statement. */
    protected final void counted() {
        statements.incrementAndGet();
    }

    /** Statements executed so far. */
    long statements() {
        return statements.get();
    }

    /** The first error a writer stopped on, or null while they all run. */
    Exception failure() {
        return failure.get();
    }

    /** Stops the writers after their running tick, closes the connections; rethrows a writer's error. */
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
