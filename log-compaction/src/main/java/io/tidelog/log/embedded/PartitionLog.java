package io.tidelog.log.embedded;

import io.tidelog.log.AppendResult;
import io.tidelog.log.ChangeLogException;
import io.tidelog.log.CleanupPolicy;
import io.tidelog.log.LogRecord;
import io.tidelog.log.LogStorageException;
import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.ReadResult;
import io.tidelog.log.Record;
import io.tidelog.log.RecordTooLargeException;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

import static io.tidelog.log.embedded.LogLoader.storageError;

/**
 * The log of one partition: an ordered map of {@link LogSegment}s, the last of which is active.
 *
 * <p>Offsets: {@code logStartOffset <= highWatermark <= writtenEnd == nextOffset}. Records below the
 * high watermark are durable (per fsync policy) and visible to readers; records between it and
 * {@code nextOffset} are written but not yet acknowledged, and are cut if their force fails.
 *
 * <p>Thread-safety: appends are serialised by {@code appendLock} (the appender, its {@link BatchWriter}
 * and the active segment are single-threaded under it); the flusher thread calls
 * {@link #flushIfDirty()}; readers are lock-free over the concurrent segment map; retention and
 * compaction change the segment map under {@code segmentsLock} and never touch the active segment.
 */
final class PartitionLog {
    /** Largest batch one append call may write (a segment position is an int). */
    static final int MAX_BATCH_BYTES = 256 * 1024 * 1024;
    private final TopicPartition tp;
    private final Path dir;
    private final TopicConfig config;
    private final LogConfig logConfig;
    private final Clock clock;
    private final LogStats stats;
    private final LogFlusher flusher;
    private final DataNotifier notifier;
    private final FileIo fileIo;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final ReentrantLock appendLock = new ReentrantLock();
    private final ReentrantLock segmentsLock = new ReentrantLock();
    private final BatchWriter writer = new BatchWriter();
    private final PendingAppends pending = new PendingAppends();
    private volatile LogSegment active;
    private long nextOffset;
    private volatile long writtenEnd;
    private volatile long durableEnd;
    private volatile long highWatermark;
    private volatile long logStartOffset;

    private PartitionLog(TopicPartition tp, Path dir, TopicConfig config, LogConfig logConfig, LogStats stats,
                         LogFlusher flusher, DataNotifier notifier, FileIo fileIo) {
        this.tp = tp;
        this.fileIo = fileIo;
        this.dir = dir;
        this.config = config;
        this.logConfig = logConfig;
        this.clock = logConfig.clock();
        this.stats = stats;
        this.flusher = flusher;
        this.notifier = notifier;
    }

    /** Opens (recovering if needed) the partition directory; reports any cut tail to {@code stats}. */
    static PartitionLog open(TopicPartition tp, Path dir, TopicConfig config, LogConfig logConfig, LogStats stats,
                             LogFlusher flusher, DataNotifier notifier, FileIo fileIo) {
        PartitionLog p = new PartitionLog(tp, dir, config, logConfig, stats, flusher, notifier, fileIo);
        try {
            LogLoader.Loaded loaded = LogLoader.load(dir, logConfig.indexIntervalBytes(), fileIo);
            p.segments.putAll(loaded.segments());
            if (loaded.recovery().bytesDropped() > 0) {
                stats.onRecoveryTruncation(tp, loaded.recovery().bytesDropped(), loaded.recovery().recordsDropped());
            }
        } catch (IOException e) {
            throw storageError(tp, "open", e);
        }
        p.active = p.segments.lastEntry().getValue();
        if (!p.active.isEmpty()) {
            p.active.firstAppendMillis(Math.min(p.clock.millis(), Math.max(0, p.active.maxTimestamp())));
        }
        p.nextOffset = p.active.nextOffset();
        p.writtenEnd = p.nextOffset;
        p.durableEnd = p.nextOffset;
        p.highWatermark = p.nextOffset;
        p.logStartOffset = p.segments.firstKey();
        flusher.register(p);
        return p;
    }

    /**
     * Appends records as one batch. Invalid input throws; an I/O error returns a failed future and
     * leaves nothing of the batch in the file.
     */
    PendingAppends.Pending append(List<Record> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no records to append to " + tp);
        }
        long encoded = 0;
        for (int i = 0, n = records.size(); i < n; i++) {
            Record r = records.get(i);
            int size = RecordBatch.sizeOf(r);
            if (size > config.maxRecordBytes()) {
                throw new RecordTooLargeException(tp, size, config.maxRecordBytes());
            }
            if (r.key() == null && config.cleanupPolicy() == CleanupPolicy.COMPACT) {
                throw new IllegalArgumentException("records of compacted topic " + tp.topic() + " need a key");
            }
            encoded += size;
        }
        if (encoded > MAX_BATCH_BYTES) {
            throw new IllegalArgumentException("a batch of " + encoded + " bytes to " + tp + " exceeds "
                    + MAX_BATCH_BYTES + " bytes; split it");
        }
        int batchBytes = (int) encoded;
        PendingAppends.Pending p;
        appendLock.lock();
        try {
            long now = clock.millis();
            long base = nextOffset;
            try {
                maybeRoll(RecordBatch.BATCH_OVERHEAD + batchBytes, records.size(), now);
                ByteBuffer batch = writer.encode(base, records, batchBytes, now);
                int bytes = batch.remaining();
                active.append(batch, now);
                stats.bytesAppended.add(bytes);
            } catch (IOException e) {
                PendingAppends.Pending failed = new PendingAppends.Pending(null);
                failed.completeExceptionally(storageError(tp, "append", e));
                return failed;
            }
            nextOffset = base + records.size();
            stats.recordsAppended.add(records.size());
            p = new PendingAppends.Pending(new AppendResult(tp, base, nextOffset - 1));
            if (logConfig.fsync().forces()) {
                pending.add(p);
                writtenEnd = nextOffset;
                flusher.wakeup();
                return p;
            }
            writtenEnd = nextOffset;
            durableEnd = nextOffset;
            highWatermark = nextOffset;
        } finally {
            appendLock.unlock();
        }
        notifier.signalAll();
        p.complete(p.result);
        return p;
    }

    private void maybeRoll(int batchBytes, int records, long now) throws IOException {
        LogSegment a = active;
        if (a.isEmpty()) {
            return;
        }
        boolean full = (long) a.size() + batchBytes > config.segmentBytes();
        boolean old = now - a.firstAppendMillis() >= config.segmentAge().toMillis();
        boolean offsetsOverflow = nextOffset + records - a.baseOffset() > Integer.MAX_VALUE;
        if (full || old || offsetsOverflow) {
            roll();
        }
    }

    /** Seals the active segment (forced, index written) and starts a new one at the next offset. */
    void roll() throws IOException {
        appendLock.lock();
        try {
            LogSegment old = active;
            if (old.isEmpty()) {
                return;
            }
            old.seal();
            LogSegment s = LogSegment.create(LogFiles.logFile(dir, nextOffset), nextOffset,
                    logConfig.indexIntervalBytes(), fileIo);
            LogLoader.fsyncDirectory(dir);
            segments.put(s.baseOffset(), s);
            active = s;
            stats.onSegmentRolled(tp, s.baseOffset());
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Flusher thread only: forces the active segment if it holds unacknowledged data, then advances
     * the high watermark and completes the appends covered. Segments rolled meanwhile were forced by
     * {@link #roll()}. On failure the unforced tail is cut and its appends fail.
     *
     * @return whether anything was forced
     */
    boolean flushIfDirty() {
        long target = writtenEnd;
        if (target <= durableEnd) {
            return false;
        }
        LogSegment seg = active;
        try {
            seg.flush();
        } catch (IOException e) {
            onFlushFailure(e);
            return true;
        }
        durableEnd = target;
        highWatermark = target;
        notifier.signalAll();
        PendingAppends.Pending p;
        while ((p = pending.poll(target)) != null) {
            p.complete(p.result);
        }
        return true;
    }

    private void onFlushFailure(IOException e) {
        LogStorageException error = storageError(tp, "fsync", e);
        appendLock.lock();
        try {
            long cut = Math.max(durableEnd, active.baseOffset());
            int position = positionOf(active, cut);
            try {
                active.truncateTo(position, cut);
            } catch (IOException truncateFailure) {
                error.addSuppressed(truncateFailure);
            }
            nextOffset = cut;
            writtenEnd = cut;
            durableEnd = cut;
            highWatermark = cut;
            PendingAppends.Pending p;
            while ((p = pending.pollAny()) != null) {
                if (p.endOffset() <= cut) {
                    p.complete(p.result);
                } else {
                    p.completeExceptionally(error);
                }
            }
        } finally {
            appendLock.unlock();
        }
        notifier.signalAll();
    }

    private static int positionOf(LogSegment s, long offset) {
        try {
            int[] pos = {RecordBatch.SEGMENT_HEADER_SIZE};
            s.scan(RecordBatch.SEGMENT_HEADER_SIZE, (buf, batch, position, size) -> {
                if (RecordBatch.baseOffset(buf, batch) >= offset) {
                    return false;
                }
                pos[0] = position + size;
                return true;
            });
            return pos[0];
        } catch (IOException e) {
            return RecordBatch.SEGMENT_HEADER_SIZE;
        }
    }

    /** Reads durable records with offsets {@code >= from}. */
    ReadResult read(long from, int maxRecords, int maxBytes) {
        if (maxRecords < 1 || maxBytes < 0) {
            throw new IllegalArgumentException("maxRecords must be >= 1 and maxBytes >= 0");
        }
        long hw = highWatermark;
        long start = logStartOffset;
        if (from < start || from > hw) {
            throw new OffsetOutOfRangeException(tp, from, start, hw);
        }
        List<LogRecord> out = new ArrayList<>(Math.min(maxRecords, 512));
        LogSegment.ReadCursor cursor = new LogSegment.ReadCursor(from, maxBytes);
        while (cursor.next < hw && out.size() < maxRecords && (cursor.bytes < maxBytes || out.isEmpty())) {
            Map.Entry<Long, LogSegment> e = segments.floorEntry(cursor.next);
            if (e == null) {
                throw new OffsetOutOfRangeException(tp, from, logStartOffset, hw);
            }
            LogSegment seg = e.getValue();
            if (!seg.tryRetain()) {
                continue;
            }
            try {
                if (!seg.read(tp, cursor, hw, maxRecords - out.size(), out)) {
                    Long nextBase = segments.higherKey(seg.baseOffset());
                    if (nextBase == null) {
                        break;
                    }
                    cursor.next = Math.max(cursor.next, nextBase);
                }
            } catch (IOException ex) {
                throw storageError(tp, "read", ex);
            } finally {
                seg.release();
            }
        }
        return new ReadResult(out, Math.min(cursor.next, hw), logStartOffset, hw);
    }

    OptionalLong offsetForTimestamp(long timestamp) {
        long hw = highWatermark;
        for (LogSegment seg : segments.values()) {
            if (!seg.tryRetain()) {
                continue;
            }
            try {
                long offset = seg.offsetForTimestamp(timestamp, hw);
                if (offset >= 0) {
                    return OptionalLong.of(offset);
                }
            } catch (IOException e) {
                throw storageError(tp, "offsetForTimestamp", e);
            } finally {
                seg.release();
            }
        }
        return OptionalLong.empty();
    }

    /** Delete topics: removes whole sealed segments beyond retention by size or age. */
    void applyRetention() {
        if (config.cleanupPolicy() != CleanupPolicy.DELETE) {
            return;
        }
        long now = clock.millis();
        segmentsLock.lock();
        try {
            long total = sizeInBytes();
            List<LogSegment> doomed = new ArrayList<>();
            String reason = null;
            for (LogSegment seg : segments.values()) {
                if (seg == active || seg.nextOffset() > highWatermark) {
                    break;
                }
                boolean bySize = config.retentionBytes() >= 0 && total - seg.size() >= config.retentionBytes();
                boolean byAge = config.retention() != null && now - seg.maxTimestamp() > config.retention().toMillis();
                if (!bySize && !byAge) {
                    break;
                }
                reason = bySize ? "retention.bytes" : "retention.ms";
                doomed.add(seg);
                total -= seg.size();
            }
            if (doomed.isEmpty()) {
                return;
            }
            long bytes = 0;
            for (LogSegment seg : doomed) {
                segments.remove(seg.baseOffset());
                bytes += seg.size();
            }
            logStartOffset = segments.firstKey();
            for (LogSegment seg : doomed) {
                seg.retire();
            }
            stats.onSegmentsDeleted(tp, doomed.size(), bytes, reason);
        } catch (IOException e) {
            throw storageError(tp, "delete segments", e);
        } finally {
            segmentsLock.unlock();
        }
    }

    long sizeInBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /** The sealed segments, oldest first (a snapshot; the cleaner's input). */
    List<LogSegment> sealedSegments() {
        List<LogSegment> out = new ArrayList<>();
        LogSegment a = active;
        for (LogSegment s : segments.values()) {
            if (s != a) {
                out.add(s);
            }
        }
        return out;
    }

    ReentrantLock segmentsLock() {
        return segmentsLock;
    }

    ConcurrentSkipListMap<Long, LogSegment> segmentMap() {
        return segments;
    }

    /** Forces outstanding data, acknowledges it and closes every segment. */
    void close() {
        appendLock.lock();
        try {
            flushIfDirty();
            PendingAppends.Pending p;
            while ((p = pending.pollAny()) != null) {
                p.completeExceptionally(new ChangeLogException("log of " + tp + " closed before the append was durable"));
            }
            for (LogSegment s : segments.values()) {
                s.close();
            }
        } finally {
            appendLock.unlock();
        }
    }

    TopicPartition partition() { return tp; }

    TopicConfig config() { return config; }

    Path dir() { return dir; }

    LogConfig logConfig() { return logConfig; }

    FileIo fileIo() { return fileIo; }

    LogStats stats() { return stats; }

    long logStartOffset() { return logStartOffset; }

    long highWatermark() { return highWatermark; }

    long activeBaseOffset() { return active.baseOffset(); }

    int segmentCount() { return segments.size(); }
}
