package io.tidelog.service.status;

import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureStats;
import io.tidelog.capture.SlotMonitor;
import io.tidelog.event.Lsn;
import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogListener;
import io.tidelog.log.LogMetrics;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.UnknownTopicOrPartitionException;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.sink.runner.SinkMetrics;
import io.tidelog.sink.runner.SinkRunner;
import io.tidelog.snapshot.AlignedSnapshot;
import io.tidelog.snapshot.SnapshotProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Builds the {@link StatusReport} from the running pieces: capture (through a {@link SourceView}),
 * the log, the sink runners. Plain Java: no Spring, so tests build it over a real log and runners.
 *
 * <p>Rates (records per second) come from counters sampled by {@link #sample()}, every second once
 * {@link #start(Duration)}ed, over about the last {@link #RATE_WINDOW}. The time of the latest
 * compaction per topic comes from a {@link LogListener} registered on the log. Every error message
 * passes through the {@link Redaction} before it is shown.
 *
 * <p>Thread-safe: {@link #report()} may be called from any thread, concurrently with sampling.
 */
public final class StatusService implements AutoCloseable {

    /** The period rates are averaged over. */
    public static final Duration RATE_WINDOW = Duration.ofSeconds(10);
    private static final int MAX_ERROR_CHARS = 1000;

    private final SourceView source;
    private final ChangeLog log;
    private final SinkFleet fleet;
    private final Map<String, String> sinkTypes;
    private final Redaction redaction;
    private final Clock clock;
    private final SnapshotMarkerReader markers;
    private final RateWindow captureRate = new RateWindow(RATE_WINDOW);
    private final Map<String, RateWindow> sinkRates = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastCompaction = new ConcurrentHashMap<>();
    private ScheduledExecutorService sampler;

    /**
     * @param sinkTypes the type of each sink by name ({@code redis}, …)
     */
    public StatusService(SourceView source, ChangeLog log, SinkFleet fleet, Map<String, String> sinkTypes,
                         Redaction redaction, Clock clock) {
        this.source = source;
        this.log = log;
        this.fleet = fleet;
        this.sinkTypes = Map.copyOf(sinkTypes);
        this.redaction = redaction;
        this.clock = clock;
        this.markers = new SnapshotMarkerReader(log);
        log.addListener(new LogListener() {
            @Override
            public void onCompaction(TopicPartition partition, long bytesBefore, long bytesAfter, long nanos) {
                lastCompaction.put(partition.topic(), clock.instant());
            }
        });
    }

    /** Samples the counters rates are computed from, every {@code every}, on a daemon thread. */
    public synchronized void start(Duration every) {
        if (sampler != null) {
            return;
        }
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tidelog-status-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sampleQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes one sample of the counters behind the rates. */
    public void sample() {
        long now = clock.millis();
        captureRate.add(now, source.stats().total());
        for (SinkRunner r : fleet.runners()) {
            sinkRates.computeIfAbsent(r.name(), n -> new RateWindow(RATE_WINDOW)).add(now, r.metrics().recordsWritten());
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            // A sample missed is a rate slightly smoother; never kill the sampler.
        }
    }

    /** The status now. */
    public StatusReport report() {
        Instant now = clock.instant();
        return new StatusReport(now, source(), log(), sinks(), snapshots(),
                source.adHocSnapshots().stream().map(StatusReport.AdHocSnapshot::of).toList());
    }

    private StatusReport.Source source() {
        Capture.State state = source.state();
        SlotMonitor.SlotStatus slot = source.slot();
        CaptureStats.Snapshot stats = source.stats();
        boolean connected = state == Capture.State.RUNNING && (slot == null || slot.active());
        Throwable failure = source.failure();
        return new StatusReport.Source(source.slotName(), lower(state), connected,
                slot == null ? null : slot.exists(),
                slot == null || !slot.exists() ? null : Lsn.format(slot.confirmedFlushLsn()),
                slot == null || !slot.exists() ? null : slot.lagBytes(),
                slot == null ? null : slot.measuredAt(),
                stats.lastEventAt(), stats.lastCommitTime(), stats.total(), captureRate.perSecond(),
                failure == null ? null : message(failure), source.role(), source.leaseHolder());
    }

    private StatusReport.Log log() {
        List<StatusReport.Topic> topics = new ArrayList<>();
        Instant latest = null;
        for (String name : new java.util.TreeSet<>(log.topics())) {
            StatusReport.Topic t = topic(name);
            if (t != null) {
                topics.add(t);
                if (t.lastCompactionAt() != null && (latest == null || t.lastCompactionAt().isAfter(latest))) {
                    latest = t.lastCompactionAt();
                }
            }
        }
        LogMetrics m = log.metrics();
        return new StatusReport.Log(topics, m.recordsAppended(), m.bytesAppended(), m.compactionRuns(),
                m.bytesReclaimed(), latest);
    }

    private StatusReport.Topic topic(String name) {
        try {
            TopicConfig config = log.topicConfig(name);
            Map<Integer, Long> starts = new TreeMap<>();
            Map<Integer, Long> ends = new TreeMap<>();
            long records = 0;
            Long size = log instanceof EmbeddedChangeLog ? 0L : null;
            for (int p = 0; p < config.partitions(); p++) {
                TopicPartition tp = new TopicPartition(name, p);
                long start = log.logStartOffset(tp);
                long end = log.endOffset(tp);
                starts.put(p, start);
                ends.put(p, end);
                records += Math.max(0, end - start);
                if (log instanceof EmbeddedChangeLog embedded) {
                    size += embedded.sizeInBytes(tp);
                }
            }
            return new StatusReport.Topic(name, name.startsWith("_"), lower(config.cleanupPolicy()),
                    config.partitions(), size, records, starts, ends, lastCompaction.get(name));
        } catch (UnknownTopicOrPartitionException e) {
            return null;
        }
    }

    private List<StatusReport.Sink> sinks() {
        List<StatusReport.Sink> out = new ArrayList<>();
        for (SinkRunner r : fleet.runners()) {
            out.add(sink(r));
        }
        return out;
    }

    /** One sink's status. */
    public StatusReport.Sink sink(SinkRunner r) {
        Map<String, Map<Integer, Long>> committed = new TreeMap<>();
        long lagRecords = 0;
        Duration age = Duration.ZERO;
        for (PartitionLag lag : r.lag()) {
            committed.computeIfAbsent(lag.partition().topic(), t -> new TreeMap<>())
                    .put(lag.partition().partition(), lag.committedOffset());
            lagRecords += lag.records();
            if (lag.records() > 0 && lag.timeLag().compareTo(age) > 0) {
                age = lag.timeLag();
            }
        }
        SinkMetrics m = r.metrics();
        long applied = m.lastAppliedCommitTime();
        if (lagRecords > 0 && age.isZero() && applied > 0) {
            age = Duration.ofMillis(Math.max(0, clock.millis() - applied));
        }
        SinkMetrics.LastError e = m.lastError();
        RateWindow rate = sinkRates.get(r.name());
        return new StatusReport.Sink(r.name(), sinkTypes.get(r.name()), lower(r.state()),
                r.settings().tables().stream().map(TableId::toString).sorted().toList(), committed, lagRecords,
                lagRecords == 0 ? 0 : age.toMillis() / 1000.0, applied == 0 ? null : Instant.ofEpochMilli(applied),
                m.recordsWritten(), rate == null ? 0 : rate.perSecond(), m.retries(), m.errors(),
                m.recordsDeadLettered(), r.deadLetterTopic(), r.deadLetterCount(),
                e == null ? null : new StatusReport.LastError(e.at(), clip(redaction.apply(e.message()))));
    }

    private List<StatusReport.TableSnapshot> snapshots() {
        Map<String, JsonNode> latest = markers.latest();
        AlignedSnapshot running = source.snapshot();
        Map<String, SnapshotProgress.TableProgress> live = new TreeMap<>();
        if (running != null) {
            for (SnapshotProgress.TableProgress p : running.progress().tables()) {
                live.put(p.table().toString(), p);
            }
        }
        List<StatusReport.TableSnapshot> out = new ArrayList<>();
        for (TableId table : source.tables()) {
            out.add(snapshot(table.toString(), latest.get(table.toString()), live.get(table.toString())));
        }
        return out;
    }

    private StatusReport.TableSnapshot snapshot(String table, JsonNode marker, SnapshotProgress.TableProgress live) {
        String markerState = marker == null ? null : marker.path("state").asString(null);
        String id = marker == null ? null : marker.path("snapshot").asString(null);
        Instant updated = marker == null || !marker.has("ts_ms") ? null : Instant.ofEpochMilli(marker.path("ts_ms").asLong());
        if ("completed".equals(markerState)) {
            long lsn = marker.path("consistent_lsn").asLong();
            return new StatusReport.TableSnapshot(table, "completed", id, marker.path("rows").asLong(), null, 100.0,
                    null, null, Lsn.format(lsn), updated);
        }
        if (live != null) {
            Long eta = live.eta() == null ? null : live.eta().toSeconds();
            return new StatusReport.TableSnapshot(table, "running", id, live.rows(), live.estimatedRows(),
                    live.percent(), live.rowsPerSecond(), eta, null, updated);
        }
        if ("started".equals(markerState)) {
            return new StatusReport.TableSnapshot(table, "started", id, 0, null, null, null, null, null, updated);
        }
        return new StatusReport.TableSnapshot(table, "none", null, 0, null, null, null, null, null, null);
    }

    private String message(Throwable t) {
        String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return clip(redaction.apply(text.lines().findFirst().orElse(text)));
    }

    private static String clip(String text) {
        return text == null || text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "…";
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
    }
}
