package io.tidelog.capture;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.Op;
import io.tidelog.event.TableId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Snapshots of captured tables taken on request while capture runs, through Debezium's signalling:
 * an {@code execute-snapshot} signal on the in-process channel starts one, a {@code stop-snapshot}
 * signal cancels it, and Debezium's notifications ({@link SnapshotNotice}) report its end.
 *
 * <ul>
 *   <li><b>incremental</b>: streaming goes on; Debezium reads the tables in primary-key chunks between
 *       read-only watermarks and drops a chunk's row when a change of that row streams inside the
 *       window, so no read can overwrite a newer change. Its progress is kept in the source offsets,
 *       so a restarted capture continues it (the registry adopts it by id from its notices).</li>
 *   <li><b>blocking</b>: streaming pauses while Debezium reads the tables, then resumes where it
 *       stopped; changes committed during the read may arrive again afterwards, in order, which
 *       versioned sinks absorb. It cannot be cancelled.</li>
 * </ul>
 *
 * <p>The reads reach the log as {@code op=r} events positioned so that sinks rank them correctly
 * against streamed changes (see {@link RecordMapper}). At most one ad-hoc snapshot runs at a time;
 * Debezium would queue a second one's tables behind the first, which makes progress per request
 * meaningless. Progress: rows read per table (counted as the reads are handed to the log), against
 * the planner's estimate taken when the request was made (none for filtered requests).
 *
 * <p>Lifecycle of one: {@code REQUESTED → RUNNING → COMPLETED | FAILED | CANCELLED}, with
 * {@code CANCELLING} between RUNNING and CANCELLED, and {@code INTERRUPTED} when capture stops
 * first. Debezium ends a stopped snapshot with {@code COMPLETED} once no table is left; it counts as
 * cancelled unless every table had been read to its end. Thread-safe: requests come from admin threads, reads and notices from the capture thread.
 */
public final class AdHocSnapshots {

    /** How the snapshot shares the source with streaming. */
    public enum Mode { INCREMENTAL, BLOCKING }

    /** Where a snapshot is in its life. */
    public enum State {
        REQUESTED, RUNNING, CANCELLING, COMPLETED, FAILED, CANCELLED, INTERRUPTED;

        public boolean active() {
            return this == REQUESTED || this == RUNNING || this == CANCELLING;
        }
    }

    /** Finished snapshots remembered for {@link #get}. */
    static final int HISTORY = 20;

    private static final Logger log = LoggerFactory.getLogger(AdHocSnapshots.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Where signals go: the running capture's engine. */
    @FunctionalInterface
    public interface Signals {
        /** @throws IllegalStateException when capture takes no signals now */
        void send(String id, String type, String data);
    }

    private final Signals signals;
    private final Function<TableId, Long> estimator;
    private final Clock clock;
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private volatile Run active;

    /**
     * @param signals   the capture engine's signal channel
     * @param estimator the estimated rows of a table, or null when unknown
     */
    public AdHocSnapshots(Signals signals, Function<TableId, Long> estimator, Clock clock) {
        this.signals = signals;
        this.estimator = estimator;
        this.clock = clock;
    }

    /**
     * Starts a snapshot of these tables.
     *
     * @param tables captured tables (the caller checked they are captured)
     * @param filter a SQL condition applied to every table's rows (admin-trusted), or null for all rows
     * @throws AdHocSnapshotException BUSY when one is running, NOT_STREAMING when capture takes no signals
     */
    public Progress start(List<TableId> tables, String filter, Mode mode) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("no tables");
        }
        refuseWhileOneRuns(); // before the estimates, which query the source
        Map<TableId, Long> estimates = new LinkedHashMap<>();
        for (TableId t : tables) {
            estimates.put(t, filter == null ? estimator.apply(t) : null);
        }
        Run run;
        synchronized (this) {
            refuseWhileOneRuns();
            run = new Run(UUID.randomUUID().toString(), mode, filter, estimates, clock.instant());
            try {
                signals.send(run.id, "execute-snapshot", executeData(tables, filter, mode));
            } catch (IllegalStateException e) {
                throw new AdHocSnapshotException(AdHocSnapshotException.Reason.NOT_STREAMING, e.getMessage());
            }
            remember(run);
            active = run;
        }
        log.info("Ad-hoc {} snapshot {} requested: {}{}", mode.name().toLowerCase(Locale.ROOT), run.id, tables,
                filter == null ? "" : " (filtered)");
        return run.progress(clock.instant());
    }

    private synchronized void refuseWhileOneRuns() {
        Run current = active;
        if (current != null && current.state.active()) {
            throw new AdHocSnapshotException(AdHocSnapshotException.Reason.BUSY, "snapshot " + current.id
                    + " is " + current.state.name().toLowerCase(Locale.ROOT) + "; one ad-hoc snapshot runs at a time");
        }
    }

    /**
     * Cancels a running incremental snapshot: Debezium stops after the current chunk.
     *
     * @throws AdHocSnapshotException UNKNOWN, ENDED (nothing to cancel) or NOT_CANCELLABLE (blocking)
     */
    public synchronized Progress cancel(String id) {
        Run run = runs.get(id);
        if (run == null) {
            throw new AdHocSnapshotException(AdHocSnapshotException.Reason.UNKNOWN, "no snapshot " + id);
        }
        if (!run.state.active()) {
            throw new AdHocSnapshotException(AdHocSnapshotException.Reason.ENDED,
                    "snapshot " + id + " already ended: " + run.state.name().toLowerCase(Locale.ROOT));
        }
        if (run.mode == Mode.BLOCKING) {
            throw new AdHocSnapshotException(AdHocSnapshotException.Reason.NOT_CANCELLABLE,
                    "a blocking snapshot cannot be cancelled; it ends when its tables are read");
        }
        if (run.state != State.CANCELLING) {
            try {
                signals.send(UUID.randomUUID().toString(), "stop-snapshot", stopData(run.tables()));
            } catch (IllegalStateException e) {
                throw new AdHocSnapshotException(AdHocSnapshotException.Reason.NOT_STREAMING, e.getMessage());
            }
            run.state = State.CANCELLING;
            log.info("Ad-hoc snapshot {} cancelling", id);
        }
        return run.progress(clock.instant());
    }

    public synchronized Optional<Progress> get(String id) {
        Run run = runs.get(id);
        return run == null ? Optional.empty() : Optional.of(run.progress(clock.instant()));
    }

    /** Every remembered snapshot, oldest first. */
    public synchronized List<Progress> all() {
        Instant now = clock.instant();
        return runs.values().stream().map(r -> r.progress(now)).toList();
    }

    /** The running snapshot's progress, if one runs. */
    public synchronized Optional<Progress> running() {
        Run run = active;
        return run != null && run.state.active() ? Optional.of(run.progress(clock.instant())) : Optional.empty();
    }

    /** Counts the reads among changes the log has just made durable (capture thread). */
    void onDurable(List<ChangeEvent> events) {
        Run run = active;
        if (run == null || !run.state.active()) {
            return;
        }
        Map<TableId, Long> counts = null;
        for (ChangeEvent e : events) {
            if (e.op() == Op.READ) {
                counts = counts == null ? new LinkedHashMap<>() : counts;
                counts.merge(e.table(), 1L, Long::sum);
            }
        }
        if (counts != null) {
            synchronized (this) {
                counts.forEach((t, n) -> run.rows.merge(t, n, Long::sum));
            }
        }
    }

    /** Follows Debezium's notice about a snapshot it runs (capture thread, after the reads before it are durable). */
    synchronized void onNotice(SnapshotNotice notice) {
        Run run = runFor(notice);
        if (run == null) {
            return;
        }
        Instant now = clock.instant();
        switch (notice.type()) {
            case "STARTED" -> {
                if (run.state == State.REQUESTED) {
                    run.state = State.RUNNING;
                    run.startedAt = now;
                }
            }
            case "TABLE_SCAN_COMPLETED" -> {
                String status = notice.data().getOrDefault("status", "SUCCEEDED");
                String table = notice.data().get("scanned_collection");
                if (status.equals("SUCCEEDED") || status.equals("EMPTY")) {
                    run.scanned.add(table);
                } else if (!(status.equals("SKIPPED") && run.state == State.CANCELLING)) {
                    run.errors.add(table + ": " + status.toLowerCase(Locale.ROOT).replace('_', ' ')
                            + (status.equals("SQL_EXCEPTION") && run.filter != null ? " (check the filter)" : ""));
                }
            }
            case "COMPLETED" -> end(run, !run.errors.isEmpty() ? State.FAILED
                    : run.state == State.CANCELLING && run.scanned.size() < run.estimates.size() ? State.CANCELLED
                    : State.COMPLETED, now);
            case "ABORTED" -> end(run, run.state == State.CANCELLING ? State.CANCELLED : State.FAILED, now);
            default -> { } // IN_PROGRESS, PAUSED, RESUMED: the row counts say more
        }
    }

    /** Capture stopped: what was running will not report here again. */
    synchronized void interrupt() {
        Run run = active;
        if (run != null && run.state.active()) {
            run.errors.add("capture stopped" + (run.mode == Mode.INCREMENTAL
                    ? "; Debezium resumes an incremental snapshot when capture starts again from the same position" : ""));
            end(run, State.INTERRUPTED, clock.instant());
        }
    }

    private Run runFor(SnapshotNotice notice) {
        if (notice.incremental()) {
            Run known = runs.get(notice.id());
            if (known != null) {
                return known;
            }
            if (!"STARTED".equals(notice.type()) && !"IN_PROGRESS".equals(notice.type())) {
                return null;
            }
            // Resumed after a restart: Debezium kept it in the source offsets, this registry did not.
            List<TableId> tables = new ArrayList<>();
            for (String t : notice.data().getOrDefault("data_collections", "").split(",")) {
                if (!t.isBlank()) {
                    tables.add(TableId.parse(t.strip()));
                }
            }
            Map<TableId, Long> estimates = new LinkedHashMap<>();
            tables.forEach(t -> estimates.put(t, null));
            Run adopted = new Run(notice.id(), Mode.INCREMENTAL, null, estimates, clock.instant());
            adopted.state = State.RUNNING;
            adopted.startedAt = adopted.requestedAt;
            remember(adopted);
            active = adopted;
            log.info("Ad-hoc incremental snapshot {} resumed by Debezium: {}", adopted.id, tables);
            return adopted;
        }
        Run run = active;
        return run != null && run.mode == Mode.BLOCKING && run.state.active() ? run : null;
    }

    private void end(Run run, State state, Instant now) {
        if (!run.state.active()) {
            return;
        }
        run.state = state;
        run.endedAt = now;
        Progress p = run.progress(now);
        log.info("Ad-hoc snapshot {} {}: {} rows in {} s{}", run.id, state.name().toLowerCase(Locale.ROOT), p.rows(),
                Duration.between(run.requestedAt, now).toSeconds(), run.errors.isEmpty() ? "" : " " + run.errors);
    }

    private void remember(Run run) {
        runs.put(run.id, run);
        if (runs.size() > HISTORY) {
            runs.values().stream().filter(r -> !r.state.active()).findFirst().ifPresent(r -> runs.remove(r.id));
        }
    }

    /** Debezium's data-collection names are regular expressions: escape the dot between schema and table. */
    private static String collection(TableId t) {
        return Pattern.quote(t.schema()) + "\\." + Pattern.quote(t.table());
    }

    /** The data of a signal naming these tables, of a snapshot of this mode. */
    private static ObjectNode signalData(List<TableId> tables, Mode mode) {
        ObjectNode data = JSON.createObjectNode();
        ArrayNode collections = data.putArray("data-collections");
        tables.forEach(t -> collections.add(collection(t)));
        data.put("type", mode.name());
        return data;
    }

    static String executeData(List<TableId> tables, String filter, Mode mode) {
        ObjectNode data = signalData(tables, mode);
        if (filter != null) {
            ArrayNode conditions = data.putArray("additional-conditions");
            for (TableId t : tables) {
                conditions.addObject().put("data-collection", collection(t)).put("filter", filter);
            }
        }
        return JSON.writeValueAsString(data);
    }

    static String stopData(List<TableId> tables) {
        return JSON.writeValueAsString(signalData(tables, Mode.INCREMENTAL));
    }

    /**
     * One table's part of a snapshot.
     *
     * @param estimatedRows the planner's estimate when requested; null when unknown or filtered
     */
    public record TableProgress(TableId table, long rows, Long estimatedRows) {
    }

    /**
     * A snapshot as it stands.
     *
     * @param percent       0–100 from rows against the estimate (100 once completed); null without an estimate
     * @param rowsPerSecond rows read per second since it started
     * @param eta           time left at that rate; null when unknown or ended
     * @param errors        tables Debezium could not read, and why; why it was interrupted
     */
    public record Progress(String id, Mode mode, State state, List<TableProgress> tables, boolean filtered,
                           Instant requestedAt, Instant endedAt, long rows, Long estimatedRows, Double percent,
                           double rowsPerSecond, Duration eta, List<String> errors) {
    }

    /** Mutable state of one snapshot; guarded by the registry's monitor. */
    private static final class Run {
        final String id;
        final Mode mode;
        final String filter;
        final Map<TableId, Long> estimates;
        final Map<TableId, Long> rows = new LinkedHashMap<>();
        final List<String> errors = new ArrayList<>();
        /** Tables Debezium finished reading, as it names them ({@code schema.table}). */
        final Set<String> scanned = new HashSet<>();
        final Instant requestedAt;
        volatile State state = State.REQUESTED;
        Instant startedAt;
        Instant endedAt;

        Run(String id, Mode mode, String filter, Map<TableId, Long> estimates, Instant requestedAt) {
            this.id = id;
            this.mode = mode;
            this.filter = filter;
            this.estimates = estimates;
            this.requestedAt = requestedAt;
        }

        List<TableId> tables() {
            return List.copyOf(estimates.keySet());
        }

        Progress progress(Instant now) {
            List<TableProgress> tables = new ArrayList<>();
            long total = 0;
            Long estimated = 0L;
            for (Map.Entry<TableId, Long> e : estimates.entrySet()) {
                long n = rows.getOrDefault(e.getKey(), 0L);
                tables.add(new TableProgress(e.getKey(), n, e.getValue()));
                total += n;
                estimated = estimated == null || e.getValue() == null ? null : estimated + e.getValue();
            }
            Instant from = startedAt != null ? startedAt : requestedAt;
            Instant to = endedAt != null ? endedAt : now;
            double seconds = Math.max(0.001, Duration.between(from, to).toMillis() / 1000.0);
            double rate = total / seconds;
            Double percent = state == State.COMPLETED ? Double.valueOf(100.0)
                    : estimated == null || estimated == 0 ? null
                    : Double.valueOf(Math.min(99.9, 100.0 * total / estimated));
            Duration eta = !state.active() || estimated == null || rate <= 0 ? null
                    : Duration.ofMillis((long) (Math.max(0, estimated - total) / rate * 1000));
            return new Progress(id, mode, state, List.copyOf(tables), filter != null, requestedAt, endedAt, total,
                    estimated, percent, rate, eta, List.copyOf(errors));
        }
    }
}
