package io.tidelog.capture;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.RecordChangeEvent;
import io.tidelog.event.ChangeEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Debezium async engine on one source and hands every captured change to a
 * {@link ChangeEventHandler}.
 *
 * <p>Lifecycle: {@code NEW → STARTING → RUNNING → STOPPING → STOPPED}, or {@code → FAILED} from
 * {@code STARTING}/{@code RUNNING} when the engine dies. State changes go through
 * {@link #moveTo(State, State...)} only, which rejects illegal transitions and logs each one.
 * {@link #start()} returns once the connector task is running (slot and publication exist); the
 * initial snapshot, if any, continues in the background. Thread-safe.
 *
 * <p>Acknowledgement: a batch's records are marked processed only after the handler returned, so
 * the position Debezium flushes never passes a change the handler has not accepted.
 *
 * <p>Signals: {@link #signal} hands Debezium a signal through its in-process channel (ad-hoc
 * snapshots); the {@link SnapshotNotice}s Debezium answers with arrive in the record stream and go
 * to the notice listener after the handler has accepted the batch they came in, so a notice never
 * overtakes the reads before it.
 */
public final class Capture implements AutoCloseable {

    /** Where the capture is in its life. */
    public enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    private static final Logger log = LoggerFactory.getLogger(Capture.class);

    private final CaptureSettings settings;
    private final ChangeEventHandler handler;
    private final RecordMapper mapper = new RecordMapper();
    private final CaptureStats stats;
    private final Consumer<SnapshotNotice> notices;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile Throwable failure;
    /** Whether a record with a transaction id has arrived: Debezium's read-only incremental snapshot needs one. */
    private volatile boolean streamedTransaction;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ExecutorService executor;

    public Capture(CaptureSettings settings, ChangeEventHandler handler) {
        this(settings, handler, Clock.systemUTC());
    }

    public Capture(CaptureSettings settings, ChangeEventHandler handler, Clock clock) {
        this(settings, handler, clock, notice -> { });
    }

    /** @param notices sees Debezium's snapshot notifications, each after the batch before it is handled */
    public Capture(CaptureSettings settings, ChangeEventHandler handler, Clock clock, Consumer<SnapshotNotice> notices) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.stats = new CaptureStats(clock);
        this.notices = Objects.requireNonNull(notices, "notices");
    }

    /**
     * Starts the engine and waits until it streams (or snapshots), fails, or the startup timeout passes.
     *
     * @throws CaptureStartException when the engine failed or did not start in time; capture is then stopped
     * @throws IllegalStateException when called twice
     */
    public void start() {
        moveTo(State.STARTING, State.NEW);
        mapper.streamingFrom(SourcePreflight.confirmedFlushLsn(settings));
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(DebeziumProperties.of(settings))
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        if (moveTo(State.RUNNING, State.STARTING)) {
                            settled.countDown();
                        }
                    }
                })
                .using(this::completed)
                .notifying(this::handleBatch)
                .build();
        executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "tidelog-capture-" + settings.slotName()));
        executor.execute(engine);
        boolean inTime = await();
        if (state.get() == State.FAILED || !inTime) {
            String why = inTime ? "the Debezium engine failed" : "the engine did not start within " + settings.startupTimeout();
            close();
            throw new CaptureStartException("Capture from " + settings.address() + " did not start: " + why, failure);
        }
    }

    private boolean await() {
        try {
            return settled.await(settings.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                             DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<ChangeEvent> events = new ArrayList<>(records.size());
        List<SnapshotNotice> notes = List.of();
        for (RecordChangeEvent<SourceRecord> r : records) {
            if (!streamedTransaction && r.record().sourceOffset() != null && r.record().sourceOffset().get("txId") != null) {
                streamedTransaction = true;
            }
            ChangeEvent e = mapper.map(r.record());
            if (e != null) {
                events.add(e);
                continue;
            }
            SnapshotNotice n = SnapshotNotice.of(r.record().value());
            if (n != null) {
                notes = notes.isEmpty() ? new ArrayList<>() : notes;
                notes.add(n);
            }
        }
        if (!events.isEmpty()) {
            handler.handle(events);
            stats.recordBatch(events);
        }
        notes.forEach(notices);
        for (RecordChangeEvent<SourceRecord> r : records) {
            committer.markProcessed(r);
        }
        committer.markBatchFinished();
    }

    private void completed(boolean success, String message, Throwable error) {
        if (success || state.get() == State.STOPPING) {
            if (moveTo(State.STOPPED, State.STOPPING, State.RUNNING, State.STARTING)) {
                log.info("Capture engine finished: {}", message);
            }
        } else {
            failure = error;
            if (moveTo(State.FAILED, State.STARTING, State.RUNNING)) {
                log.error("Capture engine failed: {}", message, error);
            }
        }
        settled.countDown();
    }

    /**
     * Moves to {@code next} if the current state is one of {@code from}.
     *
     * @return whether the transition happened
     * @throws IllegalStateException when {@code next} is STARTING from anything but NEW (start twice)
     */
    private boolean moveTo(State next, State... from) {
        for (State f : from) {
            if (state.compareAndSet(f, next)) {
                log.info("Capture {}: {} -> {}", settings.slotName(), f, next);
                return true;
            }
        }
        if (next == State.STARTING) {
            throw new IllegalStateException("Capture can start only once; it is " + state.get());
        }
        return false;
    }

    /**
     * Sends Debezium a signal through its in-process channel.
     *
     * @param type e.g. {@code execute-snapshot} or {@code stop-snapshot}
     * @param data the signal's data as JSON
     * @throws IllegalStateException when capture is not running, or has not streamed a transaction since
     *     it started (a heartbeat streams one within the heartbeat interval)
     */
    public void signal(String id, String type, String data) {
        if (state.get() != State.RUNNING) {
            throw new IllegalStateException("capture is " + state.get().name().toLowerCase(java.util.Locale.ROOT)
                    + ", not running: it takes no signals");
        }
        if (!streamedTransaction) {
            throw new IllegalStateException("capture has not streamed a transaction since it started; "
                    + "the next heartbeat or change brings one: try again in a few seconds");
        }
        engine.getSignaler().signal(new DebeziumEngine.Signal(id, type, data, Map.of()));
    }

    public State state() {
        return state.get();
    }

    /** Why the engine failed, or null. */
    public Throwable failure() {
        return failure;
    }

    public CaptureStats stats() {
        return stats;
    }

    public CaptureSettings settings() {
        return settings;
    }

    /**
     * Stops the engine and waits for it; idempotent. An engine that ended by itself (failed, or
     * completed) is not closed again: Debezium refuses to close an engine that has shut down.
     */
    @Override
    public void close() {
        boolean live = moveTo(State.STOPPING, State.STARTING, State.RUNNING);
        if (engine != null && live) {
            try {
                engine.close();
            } catch (IOException e) {
                log.warn("Closing the Debezium engine failed", e);
            } catch (IllegalStateException e) {
                log.debug("The Debezium engine had shut down by itself meanwhile: {}", e.getMessage());
            }
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    log.warn("Capture thread did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        moveTo(State.STOPPED, State.STOPPING);
    }
}
