package io.tidelog.service.capture;

import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureLease;
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
 * <h2>Several instances</h2>
 * With a {@link CaptureLease}, only the instance that holds it captures: at start it tries once (and a
 * refused source still fails startup); without the lease it is {@link Role#STANDBY} and a thread
 * ({@code tidelog-capture-lease}) tries again every retry interval. When it gets the lease it starts a
 * fresh pipeline, which resumes from the position stored in the log, retrying while the dead holder's
 * walsender still occupies the slot. The active instance checks the lease at the same interval; if its
 * session is gone it stops capturing at once and stands by, because another instance may take over.
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

    /** How long a new holder of the lease keeps trying to start capture before it gives the lease up. */
    private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(90);

    /** Whether this instance captures. */
    public enum Role {
        /** Holds the capture lease (or runs without one) and captures. */
        ACTIVE,
        /** Another instance holds the lease; this one tries to take it every retry interval. */
        STANDBY
    }

    private final Supplier<SourcePipeline> pipelines;
    private final CaptureLease lease;
    private final Duration retryInterval;
    private final AtomicBoolean resetting = new AtomicBoolean();
    private volatile SourcePipeline pipeline;
    private volatile boolean started;
    private volatile Thread resetThread;
    private volatile Thread leaseThread;
    private volatile Role role = Role.ACTIVE;
    private volatile CaptureLease.Holder holder;

    /** Without a lease: this instance always captures. */
    public CaptureLifecycle(Supplier<SourcePipeline> pipelines) {
        this(pipelines, null, Duration.ofSeconds(2));
    }

    /**
     * @param lease         the capture lease, or null to capture without one
     * @param retryInterval how often a standby tries the lease and the active instance checks it
     */
    public CaptureLifecycle(Supplier<SourcePipeline> pipelines, CaptureLease lease, Duration retryInterval) {
        this.pipelines = pipelines;
        this.lease = lease;
        this.retryInterval = retryInterval;
        this.pipeline = pipelines.get();
    }

    @Override
    public void start() {
        started = true;
        if (lease == null) {
            startPipeline();
            return;
        }
        if (lease.tryAcquire()) {
            role = Role.ACTIVE;
            log.info("Capture lease taken ({}): this instance captures", lease.applicationName());
            startPipeline();
        } else {
            standBy();
        }
        Thread t = new Thread(this::watchLease, "tidelog-capture-lease");
        t.setDaemon(true);
        leaseThread = t;
        t.start();
    }

    private void startPipeline() {
        try {
            pipeline.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting capture", e);
        }
    }

    private void standBy() {
        role = Role.STANDBY;
        try {
            holder = lease.holder().orElse(null);
        } catch (CaptureLease.LeaseException e) {
            holder = null;
        }
        log.info("Capture lease held by {}: this instance is standing by and tries again every {}",
                holder == null ? "another instance" : holder.instance() + " (" + holder.address() + ")", retryInterval);
    }

    /** The lease thread: a standby tries to take the lease, the active instance checks it still holds it. */
    private void watchLease() {
        while (started) {
            try {
                Thread.sleep(retryInterval.toMillis());
                if (!started || resetting.get()) {
                    continue;
                }
                if (role == Role.ACTIVE && !lease.stillHeld()) {
                    log.error("Capture lease lost (the session on the source ended): stopping capture, standing by");
                    synchronized (this) {
                        pipeline.close();
                        pipeline = pipelines.get();
                    }
                    lease.release();
                    standBy();
                } else if (role == Role.STANDBY) {
                    if (lease.tryAcquire()) {
                        takeOver();
                    } else {
                        holder = lease.holder().orElse(null);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Capture lease: {}", e.toString());
            }
        }
    }

    /** This standby got the lease: start capture, retrying while the old holder's walsender keeps the slot. */
    private void takeOver() throws InterruptedException {
        long began = System.nanoTime();
        role = Role.ACTIVE;
        holder = null;
        log.info("Capture lease taken ({}): taking over capture", lease.applicationName());
        int attempt = 0;
        while (started) {
            attempt++;
            try {
                synchronized (this) {
                    if (attempt > 1) {
                        pipeline.close();
                        pipeline = pipelines.get();
                    }
                    pipeline.start();
                }
                log.info("Took over capture in {} ms ({} attempt(s))", (System.nanoTime() - began) / 1_000_000, attempt);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() - began > TAKEOVER_TIMEOUT.toNanos()) {
                    log.error("Could not start capture within {} of taking the lease; giving it up", TAKEOVER_TIMEOUT, e);
                    synchronized (this) {
                        pipeline.close();
                        pipeline = pipelines.get();
                    }
                    lease.release();
                    standBy();
                    return;
                }
                log.info("Capture did not start yet (attempt {}): {}; retrying", attempt, e.getMessage());
                Thread.sleep(1_000);
            }
        }
    }

    /** Whether this instance captures ({@link Role#ACTIVE}) or stands by. */
    public Role role() {
        return role;
    }

    /** For a standby, who holds the lease (as last seen); null otherwise or when unknown. */
    public CaptureLease.Holder leaseHolder() {
        return role == Role.STANDBY ? holder : null;
    }

    @Override
    public void stop() {
        started = false;
        Thread watcher = leaseThread;
        if (watcher != null) {
            watcher.interrupt();
            try {
                watcher.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
        if (lease != null) {
            lease.release();
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
        if (role == Role.STANDBY) {
            throw new IllegalStateException("this instance stands by; reset the source on the instance that captures");
        }
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
