package io.tidelog.service.demo;

import io.tidelog.service.capture.CaptureLifecycle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A light, continuous write load on the demo database once capture runs: new orders, status
 * changes, customer tier changes and the odd deleted order, each its own transaction.
 */
public final class DemoWriteLoad implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DemoWriteLoad.class);

    private final DemoDatabase database;
    private final int transactionsPerSecond;
    private ScheduledExecutorService timer;
    private Connection connection;

    public DemoWriteLoad(DemoDatabase database, int transactionsPerSecond) {
        this.database = database;
        this.transactionsPerSecond = transactionsPerSecond;
    }

    @Override
    public synchronized void start() {
        if (transactionsPerSecond == 0) {
            return;
        }
        try {
            connection = database.server().connect(DemoDatabase.DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("Demo write load cannot connect: " + e.getMessage(), e);
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "tidelog-demo-load"));
        timer.scheduleAtFixedRate(this::writeOne, 0, 1_000_000L / transactionsPerSecond, TimeUnit.MICROSECONDS);
        log.info("Demo write load: {} transactions/s on public.customers and public.orders", transactionsPerSecond);
    }

    private void writeOne() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int pick = r.nextInt(10);
        try {
            if (pick < 4) {
                update("INSERT INTO orders (customer_id, amount) VALUES (?, round((random() * 200)::numeric, 2))",
                        1 + r.nextInt(20));
            } else if (pick < 8) {
                update("UPDATE orders SET status = (ARRAY['paid','shipped','delivered'])[1 + floor(random() * 3)::int] "
                        + "WHERE id = (SELECT id FROM orders ORDER BY random() LIMIT 1)");
            } else if (pick < 9) {
                update("UPDATE customers SET tier = (ARRAY['basic','silver','gold'])[1 + floor(random() * 3)::int], "
                        + "updated_at = now() WHERE id = ?", 1 + r.nextInt(20));
            } else {
                update("DELETE FROM orders WHERE id = (SELECT min(id) FROM orders)");
            }
        } catch (SQLException e) {
            log.warn("Demo write failed: {}", e.getMessage());
        }
    }

    private void update(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            ps.executeUpdate();
        }
    }

    @Override
    public synchronized void stop() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            log.debug("Closing the demo connection failed", e);
        }
        timer = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }

    /** Starts after capture, so every demo write is captured by streaming; stops before it. */
    @Override
    public int getPhase() {
        return CaptureLifecycle.PHASE + 10;
    }
}
