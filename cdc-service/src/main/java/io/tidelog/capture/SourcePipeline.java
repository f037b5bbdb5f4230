package io.tidelog.capture;

import io.tidelog.event.SourcePosition;
import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.snapshot.AlignedSnapshot;
import io.tidelog.snapshot.SnapshotResult;
import io.tidelog.snapshot.SnapshotSettings;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The source half of Tidelog: PostgreSQL into the change log, the whole table and then every change.
 *
 * <p>{@link #start()}: check the source; if any table lacks a completed snapshot from the configured
 * slot, or the slot is gone, take the aligned snapshot (markers around it, old positions cleared);
 * then stream from the slot with the source position kept in the log. A restart with a position
 * resumes streaming; the {@link ChangeLogWriter} drops what the log already holds.
 */
public final class SourcePipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SourcePipeline.class);

    private final CaptureSettings settings;
    private final SnapshotOptions snapshotOptions;
    private final ChangeLog changeLog;
    private final ChangeLogWriter writer;
    private final Clock clock;
    private final String logId;
    private final Capture capture;
    private final AdHocSnapshots adHoc;
    private volatile AlignedSnapshot snapshot;

    /**
     * @param settings capture settings; its snapshot mode and offset storage are replaced (stream only, offsets in the log)
     * @param observer sees every batch after it is durable in the log (status, progress)
     */
    public SourcePipeline(CaptureSettings settings, SnapshotOptions snapshotOptions, ChangeLog changeLog,
                          ChangeLogWriter writer, ChangeEventHandler observer, Clock clock) {
        this.logId = LogOffsetBackingStore.register(changeLog);
        this.settings = new CaptureSettings(settings.address(), settings.username(), settings.password(),
                settings.tables(), settings.slotName(), settings.publicationName(), settings.pollInterval(),
                settings.maxBatchSize(), OffsetStorage.log(logId), settings.startupTimeout(),
                CaptureSettings.SnapshotMode.STREAM_ONLY, settings.heartbeatInterval(), settings.adHocChunkRows());
        this.snapshotOptions = snapshotOptions;
        this.changeLog = changeLog;
        this.writer = writer;
        this.clock = clock;
        CaptureSettings checked = this.settings;
        this.adHoc = new AdHocSnapshots((id, type, data) -> capture().signal(id, type, data),
                t -> SourcePreflight.estimatedRows(checked, t), clock);
        this.capture = new Capture(this.settings, batch -> {
            writer.handle(batch);
            adHoc.onDurable(batch);
            observer.handle(batch);
        }, clock, adHoc::onNotice);
    }

    /**
     * Checks the source, snapshots if needed, and starts streaming.
     *
     * @throws SourceCheckException when the source cannot be captured as configured
     */
    public void start() throws InterruptedException {
        SourcePreflight.check(settings);
        SnapshotMarkers markers = new SnapshotMarkers(changeLog, clock);
        String reason = snapshotReason(markers);
        if (reason != null) {
            log.info("Taking the aligned initial snapshot: {}", reason);
            snapshot(markers);
        } else {
            log.info("Resuming from the position stored in the log (slot {})", settings.slotName());
            writer.readDelivered(); // another instance may have captured since the writer was opened
        }
        capture.start();
    }

    private String snapshotReason(SnapshotMarkers markers) {
        Map<TableId, JsonNode> latest = markers.latest();
        for (TableId t : settings.tables()) {
            if (!SnapshotMarkers.isComplete(latest.get(t), settings.slotName())) {
                return "no completed snapshot of " + t + " from slot " + settings.slotName();
            }
        }
        if (!SourcePreflight.slotExists(settings)) {
            return "replication slot " + settings.slotName() + " no longer exists";
        }
        return null;
    }

    private void snapshot(SnapshotMarkers markers) throws InterruptedException {
        String id = UUID.randomUUID().toString();
        Map<TableId, Map<Integer, Long>> endBefore = new java.util.LinkedHashMap<>();
        for (TableId t : settings.tables()) {
            String topic = writer.topic(t);
            Map<Integer, Long> ends = new java.util.LinkedHashMap<>();
            for (int p = 0; p < changeLog.topicConfig(topic).partitions(); p++) {
                ends.put(p, changeLog.endOffset(new io.tidelog.log.TopicPartition(topic, p)));
            }
            endBefore.put(t, ends);
            markers.started(id, t, topic, settings.slotName());
        }
        LogOffsetBackingStore.clear(changeLog);
        AlignedSnapshot s = new AlignedSnapshot(new SnapshotSettings(settings.address().jdbcUrl(), settings.username(),
                settings.password(), settings.tables(), settings.slotName(), settings.publicationName(),
                snapshotOptions.parallelism(), snapshotOptions.rowsPerChunk(), settings.maxBatchSize()), clock);
        snapshot = s;
        SnapshotResult result = s.run(writer);
        SourcePosition at = new SourcePosition(result.consistentPoint(), 0, 0, clock.instant(), true);
        for (TableId t : settings.tables()) {
            long retired = VanishedRows.retire(changeLog, writer.topic(t), endBefore.get(t), at);
            if (retired > 0) {
                log.info("Snapshot retaken: {} rows of {} no longer exist and were retired with tombstones", retired, t);
            }
        }
        for (TableId t : settings.tables()) {
            markers.completed(id, t, writer.topic(t), settings.slotName(), result.consistentPoint(),
                    result.rows().getOrDefault(t, 0L));
        }
    }

    public Capture capture() {
        return capture;
    }

    /** The snapshot this pipeline took or is taking, or null when it resumed without one. */
    public AlignedSnapshot snapshot() {
        return snapshot;
    }

    /** Snapshots taken on request while this pipeline streams. */
    public AdHocSnapshots adHocSnapshots() {
        return adHoc;
    }

    public ChangeLogWriter writer() {
        return writer;
    }

    @Override
    public void close() {
        capture.close();
        adHoc.interrupt();
        LogOffsetBackingStore.unregister(logId);
    }
}
