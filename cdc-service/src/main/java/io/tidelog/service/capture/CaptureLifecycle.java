package io.tidelog.service.capture;

import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureLease;
import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.LeaseTerms;
import io.tidelog.capture.SourceCheckException;
import io.tidelog.capture.SourcePipeline;
import io.tidelog.capture.SourceProblem;
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
 *
 * <h2>Several instances: the capture lease</h2>
 * With a {@link CaptureLease}, only the instance that holds it captures ({@link Role#ACTIVE}); the
 * others are {@link Role#STANDBY}. {@link #start()} tries the lease once on the starting thread: with
 * it, the pipeline starts there as without a lease (a refused source, or an unreachable one, still
 * fails startup); without it, the instance stands by. Then a thread, {@code tidelog-capture-watch},
 * wakes every retry interval: a standby tries to take the lease, the active instance checks that it
 * still holds it ({@link CaptureLease#stillHeld()}).
 * <ul>
 *   <li>Taking over: a fresh pipeline starts on {@code tidelog-capture-start} and resumes from the
 *   position stored in the log. While the dead holder's walsender still occupies the slot the start
 *   fails; it is retried, keeping the lease, after {@link #FIRST_BACKOFF} doubling up to
 *   {@link #MAX_BACKOFF}, until it works or the lease is lost.</li>
 *   <li>Losing the lease: the role is STANDBY at once, a pipeline start under way is interrupted (a
 *   snapshot stops after the chunks being read), the pipeline is closed and replaced by a fresh one,
 *   and the session is released. Another instance may be taking over already.</li>
 * </ul>
 * A standby stops nothing else: its sinks keep running. A source reset is refused on it
 * ({@link StandbyException}).
 *
 * <h2>When capture fails</h2>
 * The engine can fail after it started: an error Debezium does not retry, or an append the log
 * refuses (a full disk). The watcher thread, {@code tidelog-capture-watch} (it also minds the lease),
 * sees the {@link Capture.State#FAILED} pipeline and starts a fresh one after a wait that grows with
 * repeated failures ({@link CaptureRestarts}); the new pipeline resumes from the position stored in
 * the log and drops what the log already holds, as after a process restart, so nothing is lost or
 * written twice. With a lease, the failed instance gives the lease up instead and does not try to take
 * it again before that wait is over, so that a standby, which may not share the fault, captures first.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The role changes only in {@link #become(Role, String)}, which logs each change: ACTIVE while a
 *   {@link LeaseTerms lease term} runs (without a lease, one term runs forever).</li>
 *   <li>A pipeline starts only through {@link LeaseTerms#run}, for the term it was meant for: ending
 *   the term interrupts the start, so a pipeline never streams for a lease this instance lost.</li>
 *   <li>The current pipeline is replaced, started and closed only under this object's monitor.</li>
 * </ul>
 *
 * <p>Thread-safe: the Spring lifecycle calls, the lease and start threads, a reset thread and readers
 * (health, status) may run concurrently.
 */
public final class CaptureLifecycle implements SmartLifecycle {

    /** After the web server, so health answers while the snapshot runs; before load generators. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1000;

    /** The first wait before a new holder of the lease tries to start capture again. */
    public static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    /** The longest wait between a new holder's attempts to start capture. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(CaptureLifecycle.class);
    private static final Duration DROP_SLOT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);

    /** Whether this instance captures. */
    public enum Role {
        /** Holds the capture lease (or runs without one) and captures. */
        ACTIVE,
        /** Another instance holds the lease; this one tries to take it every retry interval. */
        STANDBY
    }

    /** What only the capturing instance can do was asked of a standby. */
    public static final class StandbyException extends IllegalStateException {
        StandbyException(String message) {
            super(message);
        }
    }

    private final Supplier<SourcePipeline> pipelines;
    private final CaptureLease lease;
    private final Duration retryInterval;
    private final AtomicBoolean resetting = new AtomicBoolean();
    private final LeaseTerms terms;
    private volatile SourcePipeline pipeline;
    private volatile boolean started;
    private volatile Thread resetThread;
    private volatile Thread leaseThread;
    private volatile Thread startThread;
    private volatile CaptureLease.Holder holder;
    /** Used by the watcher thread only. */
    private final CaptureRestarts restarts = new CaptureRestarts(System::nanoTime);

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
        this.terms = lease == null ? LeaseTerms.perpetual() : new LeaseTerms();
        this.pipeline = pipelines.get();
    }

    /**
     * Starts capture, or with a lease held elsewhere stands by.
     *
     * @throws SourceCheckException        when the source refuses capture (or, with a lease, cannot be reached)
     * @throws CaptureLease.LeaseException when the lease session fails while taking the lease
     */
    @Override
    public void start() {
        if (lease == null) {
            started = true;
            startAtStartup(terms.current());
            leaseThread = daemon("tidelog-capture-watch", this::watch);
            return;
        }
        boolean acquired = lease.tryAcquire();
        started = true;
        long t = acquired ? become(Role.ACTIVE, "took the capture lease as " + lease.applicationName()) : -1;
        if (!acquired) {
            standBy();
        }
        leaseThread = daemon("tidelog-capture-watch", this::watch);
        if (acquired) {
            try {
                startAtStartup(t);
            } catch (RuntimeException e) {
                stop();
                throw e;
            }
        }
    }

    private void startAtStartup(long t) {
        try {
            synchronized (this) {
                if (!terms.run(t, pipeline::start)) {
                    log.warn("Capture start ended: this instance no longer holds the capture lease");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting capture", e);
        }
    }

    /**
     * The one place the role changes: to ACTIVE begins a lease term, to STANDBY ends it (interrupting a
     * pipeline start under way).
     *
     * @return the lease term begun (0 when one ended), or -1 when the role already was {@code next}
     */
    private long become(Role next, String why) {
        long t;
        if (next == Role.ACTIVE) {
            t = terms.active() ? -1 : terms.begin();
        } else {
            t = terms.end() ? 0 : -1;
        }
        if (t >= 0) {
            log.info("Capture role {} -> {}: {}", next == Role.ACTIVE ? Role.STANDBY : Role.ACTIVE, next, why);
        }
        return t;
    }

    private void standBy() {
        if (!started) {
            return;
        }
        try {
            holder = lease.holder().orElse(null);
        } catch (RuntimeException e) {
            holder = null;
        }
        log.info("Capture lease held by {}: this instance is standing by and tries to take it every {}",
                holder == null ? "another instance" : holder, retryInterval);
    }

    /**
     * The watcher thread: a standby tries to take the lease, the active instance checks it still holds
     * it and restarts (or, with a lease, hands over) a capture that failed.
     */
    private void watch() {
        boolean troubled = false;
        while (started) {
            try {
                Thread.sleep(retryInterval.toMillis());
                if (!started) {
                    return;
                }
                if (lease != null) {
                    if (terms.active()) {
                        if (!lease.stillHeld()) {
                            loseLease("the capture lease's session on the source ended");
                        }
                    } else if (restarts.mayStart() && lease.tryAcquire()) {
                        takeOver();
                    } else {
                        seeHolder();
                    }
                }
                superviseCapture();
                if (troubled) {
                    log.info("{}: the source answers again", lease != null ? "Capture lease" : "Capture watch");
                    troubled = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!troubled) {
                    log.warn("{}: {}; trying again every {}", lease != null ? "Capture lease" : "Capture watch",
                            e.getMessage(), retryInterval);
                }
                troubled = true;
            }
        }
    }

    /** Restarts a capture that failed, or with a lease gives the lease up; see the class comment. */
    private void superviseCapture() {
        Thread starting = startThread;
        if (!terms.active() || resetting.get() || (starting != null && starting.isAlive())) {
            return; // nothing to mind, or a start is under way
        }
        Capture capture = pipeline.capture();
        Capture.State state = capture.state();
        if (state == Capture.State.RUNNING) {
            restarts.running();
        }
        if (state != Capture.State.FAILED) {
            return;
        }
        Duration wait = restarts.failed();
        String why = reason(capture.failure());
        if (lease != null) {
            log.warn("Capture failed ({}): giving up the capture lease so that another instance can capture;"
                    + " this one may take it again in {} ms", why, wait.toMillis());
            loseLease("capture failed");
            return;
        }
        log.warn("Capture failed ({}): restarting it in {} ms from the position stored in the log (failure {})",
                why, wait.toMillis(), restarts.failures());
        long t = terms.current();
        startThread = daemon("tidelog-capture-start", () -> {
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            startAgain(t, "Restarted capture");
        });
    }

    private void loseLease(String why) {
        if (become(Role.STANDBY, why) < 0) {
            return;
        }
        log.warn("Capture lease ended ({}): stopping capture now, another instance may take over", why);
        Thread previous = startThread;
        if (previous != null) {
            previous.interrupt(); // a takeover waiting between attempts
        }
        synchronized (this) {
            pipeline.close();
            pipeline = pipelines.get();
        }
        lease.release();
        standBy();
    }

    private void takeOver() {
        holder = null;
        long t = become(Role.ACTIVE, "took the capture lease as " + lease.applicationName() + "; taking over capture");
        startThread = daemon("tidelog-capture-start", () -> startAgain(t, "Took over capture"));
    }

    /**
     * Starts a fresh pipeline for lease term {@code t}, retrying with backoff while the term holds.
     *
     * @param done how the success is logged
     */
    private void startAgain(long t, String done) {
        long began = System.nanoTime();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; started; attempt++) {
            try {
                synchronized (this) {
                    if (!terms.holds(t)) {
                        return;
                    }
                    pipeline.close(); // a pipeline runs once: each attempt gets a fresh one
                    pipeline = pipelines.get();
                    if (!terms.run(t, pipeline::start)) {
                        return; // the lease was lost: the lease thread closes the pipeline
                    }
                }
                log.info("{} in {} ms ({} attempt(s))", done, (System.nanoTime() - began) / 1_000_000, attempt);
                return;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!started || !terms.holds(t)) {
                    return;
                }
                boolean slotBusy = e instanceof SourceCheckException c && c.problem() == SourceProblem.SLOT_IN_USE;
                String why = "Capture did not start yet (attempt " + attempt + ": " + reason(e) + "); trying again in "
                        + backoff.toMillis() + " ms" + (lease != null ? ", keeping the lease" : "");
                if (slotBusy) {
                    log.info(why); // the dead holder's walsender has not gone yet
                } else {
                    log.warn(why);
                    log.debug("Capture start failure", e);
                }
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** The messages of {@code e} and its causes: a start failure's cause says why the engine failed. */
    private static String reason(Throwable e) {
        if (e == null) {
            return "no cause given";
        }
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != e && b.length() < 500; e = c, c = c.getCause()) {
            b.append(": ").append(c.getMessage());
        }
        return b.toString();
    }

    private void seeHolder() {
        CaptureLease.Holder before = holder;
        CaptureLease.Holder now = lease.holder().orElse(null);
        holder = now;
        if (now != null && (before == null || before.backendPid() != now.backendPid())) {
            log.info("Capture lease held by {}: standing by", now);
        }
    }

    /** Whether this instance captures ({@link Role#ACTIVE}) or stands by. Always ACTIVE without a lease. */
    public Role role() {
        return terms.active() ? Role.ACTIVE : Role.STANDBY;
    }

    /** For a standby, who holds the lease as last seen (within a retry interval); null otherwise or when unknown. */
    public CaptureLease.Holder leaseHolder() {
        return terms.active() ? null : holder;
    }

    /** Stops capture and the lease thread, and gives the lease up; idempotent. */
    @Override
    public void stop() {
        started = false;
        become(Role.STANDBY, "stopping");
        Thread[] threads = {leaseThread, startThread, resetThread};
        for (Thread t : threads) {
            if (t != null) {
                t.interrupt();
            }
        }
        for (Thread t : threads) {
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(JOIN_TIMEOUT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        synchronized (this) {
            pipeline.close();
        }
        if (lease != null) {
            lease.release();
        }
    }

    /**
     * With a lease: whether the lifecycle was started (a standby runs too). Without: capture is
     * snapshotting, starting or streaming, failed and waiting to restart, or between pipelines during a
     * reset.
     */
    @Override
    public boolean isRunning() {
        if (lease != null) {
            return started;
        }
        Capture.State s = pipeline.capture().state();
        if (started && (s == Capture.State.NEW || s == Capture.State.FAILED || resetting.get())) {
            return true; // snapshotting, failed and about to restart, or between pipelines during a reset
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
     * @return false when a reset is already under way or capture was not started (nothing started)
     * @throws StandbyException on a standby: only the capturing instance can reset the source
     */
    public boolean resetSourceAsync() {
        refuseOnStandby();
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
     * Losing the capture lease meanwhile ends the reset: once the slot is dropped, the instance that
     * takes over snapshots (the slot is missing); before, nothing was reset and it resumes.
     *
     * @throws IllegalStateException when another reset is under way
     * @throws StandbyException      on a standby: only the capturing instance can reset the source
     */
    public void resetSource() throws InterruptedException {
        refuseOnStandby();
        if (!resetting.compareAndSet(false, true)) {
            throw new IllegalStateException("A source reset is already under way");
        }
        try {
            resetSourceNow();
        } finally {
            resetting.set(false);
        }
    }

    private void refuseOnStandby() {
        if (!terms.active()) {
            CaptureLease.Holder h = holder;
            throw new StandbyException("this instance stands by (" + (h == null ? "another instance" : h)
                    + " holds the capture lease); reset the source on the instance that captures");
        }
    }

    private synchronized void resetSourceNow() throws InterruptedException {
        refuseOnStandby();
        long t = terms.current();
        SourcePipeline old = pipeline;
        CaptureSettings settings = old.capture().settings();
        log.warn("Resetting the source: closing capture, dropping slot {} and the stored position", settings.slotName());
        old.close(); // waits for the engine: a second engine in the JVM would collide on MBean names
        if (!started) {
            return;
        }
        SourcePipeline next = pipelines.get();
        pipeline = next; // readers now see the new pipeline (NEW: snapshotting)
        if (!terms.holds(t)) {
            log.warn("Source reset ended before dropping slot {}: this instance no longer holds the capture lease",
                    settings.slotName());
            return;
        }
        dropSlot(settings);
        // The new pipeline finds the slot missing, so it takes the aligned snapshot, which clears the stored position.
        if (!terms.run(t, next::start)) {
            log.warn("Source reset ended: this instance no longer holds the capture lease; the next holder snapshots");
            return;
        }
        log.info("Source reset done: capture streams from slot {} again", settings.slotName());
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
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
