package io.tidelog.service.capture;

import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.SourcePipeline;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link SourcePipeline} with the application: checks the source, snapshots if needed and
 * starts streaming when the context starts (the web server is already up, so health answers during
 * a long snapshot), and stops it before the context's beans are destroyed. A refused source fails
 * startup with a {@link io.tidelog.capture.SourceCheckException}.
 *
 * <p>A pipeline runs once, so each run gets a fresh one from the supplier. {@link #resetSource()}
 * (destructive) closes the running pipeline, drops its replication slot and stored position, and
 * starts a new pipeline, which takes the aligned snapshot again because the slot is gone. Readers
 * ({@link #capture()}, {@link #pipeline()}) always see the current pipeline.
 */
public final class CaptureLifecycle implements SmartLifecycle {

    /** After the web server, so health answers while the snapshot runs; before load generators. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1000;

    private static final Logger log = LoggerFactory.getLogger(CaptureLifecycle.class);
    private static final Duration DROP_SLOT_TIMEOUT = Duration.ofSeconds(30);

    private final Supplier<SourcePipeline> pipelines;
    private final AtomicBoolean resetting = new AtomicBoolean();
    private volatile SourcePipeline pipeline;
    private volatile boolean started;
    private volatile Thread resetThread;

    public CaptureLifecycle(Supplier<SourcePipeline> pipelines) {
        this.pipelines = pipelines;
        this.pipeline = pipelines.get();
    }

    @Override
    public void start() {
        started = true;
        try {
            pipeline.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting capture", e);
        }
    }

    @Override
    public void stop() {
        started = false;
        Thread reset = resetThread;
        if (reset != null) {
            reset.interrupt();
            try {
                reset.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            pipeline.close();
        }
    }

    @Override
    public boolean isRunning() {
        Capture.State s = pipeline.capture().state();
        if (started && (s == Capture.State.NEW || resetting.get())) {
            return true; // snapshotting, or between pipelines during a reset
        }
        return s == Capture.State.STARTING || s == Capture.State.RUNNING;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    public Capture capture() {
        return pipeline.capture();
    }

    public SourcePipeline pipeline() {
        return pipeline;
    }

    /** Whether a source reset is under way. */
    public boolean resetting() {
        return resetting.get();
    }

    /**
     * Starts {@link #resetSource()} on its own thread.
     *
     * @return false when a reset is already under way (nothing started)
     */
    public boolean resetSourceAsync() {
        if (!started || !resetting.compareAndSet(false, true)) {
            return false;
        }
        Thread t = new Thread(() -> {
            try {
                resetSourceNow();
            } catch (InterruptedException e) {
                log.warn("Source reset interrupted");
            } catch (RuntimeException e) {
                log.error("Source reset failed: capture is not running", e);
            } finally {
                resetThread = null;
                resetting.set(false);
            }
        }, "tidelog-source-reset");
        t.setDaemon(true);
        resetThread = t;
        t.start();
        return true;
    }

    /**
     * DESTRUCTIVE: closes the running pipeline, drops the replication slot and the stored source
     * position, then starts a new pipeline, which re-runs the aligned snapshot (rows gone from the
     * source get tombstones) and streams from the new slot. Blocks until the new pipeline streams.
     *
     * @throws IllegalStateException when another reset is under way
     */
    public void resetSource() throws InterruptedException {
        if (!resetting.compareAndSet(false, true)) {
            throw new IllegalStateException("A source reset is already under way");
        }
        try {
            resetSourceNow();
        } finally {
            resetting.set(false);
        }
    }

    private synchronized void resetSourceNow() throws InterruptedException {
        SourcePipeline old = pipeline;
        CaptureSettings settings = old.capture().settings();
        log.warn("Resetting the source: closing capture, dropping slot {} and the stored position", settings.slotName());
        old.close(); // waits for the engine: a second engine in the JVM would collide on MBean names
        if (!started) {
            return;
        }
        SourcePipeline next = pipelines.get();
        pipeline = next; // readers now see the new pipeline (NEW: snapshotting)
        dropSlot(settings);
        // The new pipeline finds the slot missing, so it takes the aligned snapshot, which clears the stored position.
        next.start();
        log.info("Source reset done: capture streams from slot {} again", settings.slotName());
    }

    /** Drops the slot once its walsender has gone (it may outlive the closed engine briefly). */
    private static void dropSlot(CaptureSettings s) throws InterruptedException {
        Properties p = new Properties();
        p.setProperty("user", s.username());
        p.setProperty("password", s.password());
        long deadline = System.nanoTime() + DROP_SLOT_TIMEOUT.toNanos();
        while (true) {
            try (Connection c = DriverManager.getConnection(s.address().jdbcUrl(), p);
                 PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) "
                         + "FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
                ps.setString(1, s.slotName());
                ps.execute();
                log.info("Dropped replication slot {}", s.slotName());
                return;
            } catch (SQLException e) {
                boolean active = e.getMessage() != null && e.getMessage().contains("is active for PID");
                if (!active || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not drop replication slot " + s.slotName() + ": "
                            + e.getMessage(), e);
                }
                Thread.sleep(200);
            }
        }
    }
}
