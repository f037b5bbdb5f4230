package io.tidelog.capture;

import io.tidelog.event.Lsn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the replication slot: how much WAL it holds back ({@code pg_current_wal_lsn() -
 * confirmed_flush_lsn}), whether a connection reads it. Warns once each time the lag crosses the
 * threshold. Measures on its own thread every interval; {@link #latest()} is safe from any thread.
 */
public final class SlotMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlotMonitor.class);
    private static final String QUERY = """
            SELECT active, confirmed_flush_lsn::text, pg_current_wal_lsn()::text,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
            FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()""";

    private final CaptureSettings settings;
    private final long warnBytes;
    private final Clock clock;
    private ScheduledExecutorService timer;
    private volatile SlotStatus latest;
    private boolean warned;

    public SlotMonitor(CaptureSettings settings, long warnBytes, Clock clock) {
        this.settings = settings;
        this.warnBytes = warnBytes;
        this.clock = clock;
    }

    /** Starts measuring every {@code interval}. */
    public synchronized void start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tidelog-slot-monitor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::measureQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The latest measurement, or null before the first. */
    public SlotStatus latest() {
        return latest;
    }

    /** Measures now. */
    public SlotStatus measure() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", settings.username());
        p.setProperty("password", settings.password());
        p.setProperty("ApplicationName", "tidelog-slot-monitor");
        p.setProperty("connectTimeout", "5");
        try (Connection c = DriverManager.getConnection(settings.address().jdbcUrl(), p);
             PreparedStatement ps = c.prepareStatement(QUERY)) {
            ps.setString(1, settings.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                SlotStatus s = rs.next()
                        ? new SlotStatus(settings.slotName(), true, rs.getBoolean(1), lsn(rs.getString(2)),
                                Lsn.parse(rs.getString(3)), rs.getLong(4), clock.instant())
                        : new SlotStatus(settings.slotName(), false, false, 0, 0, 0, clock.instant());
                latest = s;
                warnOnCrossing(s);
                return s;
            }
        }
    }

    private void measureQuietly() {
        try {
            measure();
        } catch (SQLException | RuntimeException e) {
            log.debug("Measuring slot {} failed: {}", settings.slotName(), e.getMessage());
        }
    }

    private synchronized void warnOnCrossing(SlotStatus s) {
        boolean over = s.lagBytes() > warnBytes;
        if (over && !warned) {
            log.warn("Replication slot {} holds back {} MB of WAL (warning above {} MB); PostgreSQL cannot recycle it until Tidelog catches up",
                    s.slot(), s.lagBytes() >> 20, warnBytes >> 20);
        } else if (!over && warned) {
            log.info("Replication slot {} lag back under {} MB", s.slot(), warnBytes >> 20);
        }
        warned = over;
    }

    private static long lsn(String text) {
        return text == null ? 0 : Lsn.parse(text);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /**
     * One measurement of the slot.
     *
     * @param slot slot name
     * @param exists whether the slot exists
     * @param active whether a connection is reading it
     * @param confirmedFlushLsn how far the consumer has confirmed
     * @param currentLsn the server's current WAL position
     * @param lagBytes WAL the slot holds back
     * @param measuredAt when
     */
    public record SlotStatus(String slot, boolean exists, boolean active, long confirmedFlushLsn, long currentLsn,
                             long lagBytes, Instant measuredAt) {
    }
}
