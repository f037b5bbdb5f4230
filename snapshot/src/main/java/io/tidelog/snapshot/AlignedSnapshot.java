package io.tidelog.snapshot;

import io.tidelog.event.Lsn;
import io.tidelog.event.SourcePosition;
import io.tidelog.event.TableId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every captured table as of a new replication slot's consistent point, so that the snapshot
 * and the stream that follows from the slot meet without gap or overlap.
 *
 * <p>Steps: (1) make the publication cover the tables — before the slot, so that no change after
 * the consistent point is decoded without it; (2) drop a leftover slot of the same name (a run is
 * only started when no stream position exists, so such a slot belongs to an interrupted run);
 * (3) create the slot with an exported snapshot; (4) open {@code parallelism} connections that
 * import the snapshot and read the tables in TID-range chunks with {@code COPY}; (5) close the
 * replication connection. Streaming then starts from the slot.
 *
 * <p>A failed run leaves the slot in place and throws; the next run drops it and starts over.
 * One run per instance; {@link #progress()} may be read from any thread during the run.
 */
public final class AlignedSnapshot {

    private static final Logger log = LoggerFactory.getLogger(AlignedSnapshot.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final SnapshotSettings settings;
    private final Clock clock;
    private final SnapshotProgress progress;

    public AlignedSnapshot(SnapshotSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public AlignedSnapshot(SnapshotSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.progress = new SnapshotProgress(clock);
    }

    public SnapshotProgress progress() {
        return progress;
    }

    /**
     * Takes the snapshot, handing every row to the consumer.
     *
     * @throws SnapshotException when the database refuses a step or a reader fails
     */
    public SnapshotResult run(SnapshotConsumer consumer) throws InterruptedException {
        Instant start = clock.instant();
        try {
            try (Connection admin = connect("tidelog-snapshot-setup")) {
                Publications.ensure(admin, settings.publicationName(), settings.tables());
                dropLeftoverSlot(admin);
            }
            try (ExportedSlot slot = ExportedSlot.create(settings)) {
                log.info("Snapshot of {} at consistent point {} (exported snapshot {}), {} connections",
                        settings.tables(), Lsn.format(slot.consistentPoint()), slot.snapshotName(), settings.parallelism());
                SourcePosition position = new SourcePosition(slot.consistentPoint(), 0, 0, start, true);
                Map<TableId, Long> rows = readAll(slot.snapshotName(), position, consumer);
                Duration took = Duration.between(start, clock.instant());
                SnapshotResult result = new SnapshotResult(slot.consistentPoint(), slot.snapshotName(), rows, took);
                log.info("Snapshot done: {} rows in {} ms ({} rows/s)", result.totalRows(), took.toMillis(),
                        (long) (result.totalRows() / Math.max(0.001, took.toNanos() / 1e9)));
                return result;
            }
        } catch (SQLException e) {
            throw new SnapshotException("Snapshot failed: " + e.getMessage(), e);
        }
    }

    private Map<TableId, Long> readAll(String snapshotName, SourcePosition position, SnapshotConsumer consumer)
            throws SQLException, InterruptedException {
        List<ChunkReader> readers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism(), r -> new Thread(r, "tidelog-snapshot"));
        try {
            for (int i = 0; i < settings.parallelism(); i++) {
                readers.add(new ChunkReader(settings, snapshotName, position));
            }
            ConcurrentLinkedQueue<Chunk> chunks = new ConcurrentLinkedQueue<>();
            Map<TableId, AtomicInteger> chunksLeft = new ConcurrentHashMap<>();
            Map<TableId, AtomicLong> rows = new LinkedHashMap<>();
            for (TableId table : settings.tables()) {
                TableSchema schema = Catalog.read(readers.get(0).connection(), table);
                for (String column : schema.textFallbackColumns()) {
                    log.warn("Column {} has a type Tidelog does not decode; its values are captured as the type's text form", column);
                }
                List<Chunk> planned = Chunk.plan(schema, settings.rowsPerChunk());
                chunks.addAll(planned);
                chunksLeft.put(table, new AtomicInteger(planned.size()));
                rows.put(table, new AtomicLong());
                progress.plan(table, schema.estimatedRows());
            }
            List<Future<?>> workers = new ArrayList<>();
            for (ChunkReader reader : readers) {
                workers.add(pool.submit(() -> {
                    Chunk chunk;
                    while ((chunk = chunks.poll()) != null) {
                        TableId table = chunk.table().table();
                        rows.get(table).addAndGet(reader.read(chunk, consumer, progress));
                        if (chunksLeft.get(table).decrementAndGet() == 0) {
                            progress.tableDone(table);
                        }
                    }
                    return null;
                }));
            }
            awaitAll(workers);
            for (ChunkReader reader : readers) {
                reader.close();
            }
            readers.clear();
            Map<TableId, Long> result = new LinkedHashMap<>();
            rows.forEach((t, n) -> result.put(t, n.get()));
            return result;
        } finally {
            pool.shutdownNow();
            for (ChunkReader reader : readers) {
                closeQuietly(reader);
            }
        }
    }

    private void awaitAll(List<Future<?>> workers) throws InterruptedException {
        for (Future<?> worker : workers) {
            while (true) {
                try {
                    worker.get(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    logProgress();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof SnapshotException se) {
                        throw se;
                    }
                    throw new SnapshotException("Snapshot reader failed: " + cause.getMessage(), cause);
                }
            }
        }
    }

    private void logProgress() {
        for (SnapshotProgress.TableProgress p : progress.tables()) {
            log.info("Snapshot {}: {} / ~{} rows ({}%), {} rows/s, ETA {}", p.table(), p.rows(), p.estimatedRows(),
                    String.format("%.1f", p.percent()), (long) p.rowsPerSecond(), p.eta() == null ? "?" : p.eta());
        }
    }

    private void dropLeftoverSlot(Connection admin) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, settings.slotName());
            if (ps.executeQuery().next()) {
                log.warn("Dropped replication slot {} left by an interrupted snapshot", settings.slotName());
            }
        }
    }

    private Connection connect(String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", settings.username());
        p.setProperty("password", settings.password());
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(settings.jdbcUrl(), p);
    }

    private static void closeQuietly(ChunkReader reader) {
        try {
            reader.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("Closing a snapshot reader failed", e);
        }
    }
}
