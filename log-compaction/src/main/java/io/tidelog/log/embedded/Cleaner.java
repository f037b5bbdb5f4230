package io.tidelog.log.embedded;

import io.tidelog.log.TopicConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static io.tidelog.log.embedded.RecordBatch.*;

/**
 * The compaction algorithm for one partition, one pass (Kafka's {@code Cleaner}).
 *
 * <ol>
 *   <li>Fill the {@link OffsetMap} with key → latest offset from the dirty range
 *       {@code [firstDirty, firstUncleanable)}, stopping early (at any offset) when the map is full:
 *       the pass then covers {@code [logStart, endOffset)} and the next pass continues from there.</li>
 *   <li>Copy every sealed segment below {@code endOffset}, in groups whose total size fits one
 *       segment (so small cleaned segments merge), keeping a record if it is at or beyond
 *       {@code endOffset}, or if no newer offset for its key is in the map. Tombstones get a delete
 *       horizon ({@code now + delete-retention}) in their batch the first time they are cleaned and are
 *       dropped by the first pass after it. Batch base and last offsets are kept, so offsets never
 *       change; the last batch of a group is kept even if empty, so the group's offset range is known.</li>
 *   <li>Replace each group crash-safely: write {@code .cleaned}, force, rename to {@code .swap},
 *       retire the old segments, rename to {@code .log} (see {@link LogLoader} for recovery).</li>
 * </ol>
 *
 * The active segment and segments with records younger than min-compaction-lag are never read into
 * the map; the active segment is never rewritten.
 *
 * <p>Not thread-safe: one instance per cleaner thread (it owns the map and buffers).
 */
final class Cleaner {
    /** Outcome of a pass. */
    record Result(long endOffset, long bytesBefore, long bytesAfter, long earliestDeleteHorizon) {
    }

    private final OffsetMap map;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer out = ByteBuffer.allocate(1 << 20);
    private long earliestHorizon;

    Cleaner(OffsetMap map) {
        this.map = map;
    }

    /**
     * Cleans {@code log} once.
     *
     * @return null if the dirty range is empty
     */
    Result clean(PartitionLog log, long firstDirty, long firstUncleanable, long now) throws IOException {
        List<LogSegment> sealed = log.sealedSegments();
        long endOffset = Math.max(firstDirty, buildOffsetMap(log, sealed, firstDirty, firstUncleanable));
        if (sealed.isEmpty() || sealed.get(0).baseOffset() >= endOffset) {
            return null;
        }
        TopicConfig config = log.config();
        earliestHorizon = Long.MAX_VALUE;
        long before = 0;
        long after = 0;
        for (List<LogSegment> group : groupSegments(sealed, endOffset, config.segmentBytes())) {
            for (LogSegment s : group) {
                before += s.size();
            }
            LogSegment cleaned = cleanGroup(log, group, endOffset, now, config.deleteRetention().toMillis());
            after += cleaned.size();
            swap(log, group, cleaned);
        }
        return new Result(endOffset, before, after, earliestHorizon);
    }

    private long buildOffsetMap(PartitionLog log, List<LogSegment> sealed, long firstDirty, long firstUncleanable)
            throws IOException {
        map.clear();
        long[] end = {firstDirty};
        for (LogSegment seg : sealed) {
            if (seg.nextOffset() <= firstDirty || seg.baseOffset() >= firstUncleanable) {
                continue;
            }
            boolean[] full = {false};
            int scanned = seg.scan(SEGMENT_HEADER_SIZE, (buf, batch, position, size) -> {
                long last = lastOffset(buf, batch);
                if (last < firstDirty) {
                    return true;
                }
                int rp = batch + RECORDS_OFFSET;
                for (int i = 0, n = recordCount(buf, batch); i < n; i++) {
                    long offset = recordOffset(buf, batch, rp);
                    if (offset >= firstDirty) {
                        if (map.isFull()) {
                            full[0] = true;
                            end[0] = Math.max(end[0], offset);
                            return false;
                        }
                        map.put(buf, rp + R_KEY_OFFSET, keyLength(buf, rp), offset);
                    }
                    rp += recordSize(buf, rp);
                }
                end[0] = last + 1;
                return true;
            });
            if (full[0]) {
                break;
            }
            requireWhole(log, seg, scanned);
        }
        return end[0];
    }

    /** Consecutive sealed segments below {@code endOffset}, grouped so each group fits one segment. */
    static List<List<LogSegment>> groupSegments(List<LogSegment> sealed, long endOffset, int maxBytes) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> current = new ArrayList<>();
        long bytes = 0;
        for (LogSegment s : sealed) {
            if (s.baseOffset() >= endOffset) {
                break;
            }
            boolean fits = bytes + s.size() <= maxBytes
                    && s.nextOffset() - (current.isEmpty() ? s.baseOffset() : current.get(0).baseOffset()) < Integer.MAX_VALUE;
            if (!current.isEmpty() && !fits) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(s);
            bytes += s.size();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    private LogSegment cleanGroup(PartitionLog log, List<LogSegment> group, long endOffset, long now,
                                  long deleteRetentionMs) throws IOException {
        long base = group.get(0).baseOffset();
        Path cleanedFile = LogFiles.withSuffix(LogFiles.logFile(log.dir(), base), LogFiles.CLEANED_SUFFIX);
        java.nio.file.Files.deleteIfExists(cleanedFile);
        LogSegment cleaned = LogSegment.create(cleanedFile, base, log.logConfig().indexIntervalBytes(), log.fileIo());
        try {
            for (int g = 0; g < group.size(); g++) {
                boolean lastSegment = g == group.size() - 1;
                LogSegment seg = group.get(g);
                long segmentLastOffset = seg.nextOffset() - 1;
                int scanned = seg.scan(SEGMENT_HEADER_SIZE, (buf, batch, position, size) -> {
                    boolean keepEmpty = lastSegment && lastOffset(buf, batch) == segmentLastOffset;
                    filterBatch(buf, batch, endOffset, now, deleteRetentionMs, keepEmpty);
                    if (out.position() > (1 << 20) - 64 * 1024) {
                        flushOut(cleaned, now);
                    }
                    return true;
                });
                requireWhole(log, seg, scanned);
            }
            flushOut(cleaned, now);
            cleaned.flush();
            return cleaned;
        } catch (IOException | RuntimeException e) {
            cleaned.retire();
            throw e;
        }
    }

    /** A scan that stopped before the end found a corrupt batch: never clean (and lose) past it. */
    private static void requireWhole(PartitionLog log, LogSegment seg, int scannedTo) {
        if (scannedTo != seg.size()) {
            throw new io.tidelog.log.CorruptRecordException(log.partition(), seg.baseOffset(),
                    "segment " + seg.file() + " fails its checks at position " + scannedTo + "; not compacting");
        }
    }

    /** Copies the batch's retained records into {@code out} as a batch with the same offsets. */
    private void filterBatch(ByteBuffer buf, int batch, long endOffset, long now, long deleteRetentionMs,
                             boolean keepEmpty) {
        int total = totalSize(buf, batch);
        if (out.remaining() < total) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + total));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        int start = out.position();
        out.put(buf.array(), buf.arrayOffset() + batch, BATCH_OVERHEAD);
        long horizon = deleteHorizon(buf, batch);
        boolean hasTombstone = false;
        int kept = 0;
        int rp = batch + RECORDS_OFFSET;
        for (int i = 0, n = recordCount(buf, batch); i < n; i++) {
            int size = recordSize(buf, rp);
            long offset = recordOffset(buf, batch, rp);
            boolean keep = true;
            boolean tombstone = isTombstone(buf, rp);
            if (offset < endOffset) {
                long latest = map.get(buf, rp + R_KEY_OFFSET, keyLength(buf, rp));
                keep = latest <= offset;
                if (keep && tombstone && horizon != NO_DELETE_HORIZON && now >= horizon) {
                    keep = false;
                }
            }
            if (keep) {
                out.put(buf.array(), buf.arrayOffset() + rp, size);
                kept++;
                hasTombstone |= tombstone;
            }
            rp += size;
        }
        if (kept == 0 && !keepEmpty) {
            out.position(start);
            return;
        }
        if (hasTombstone && horizon == NO_DELETE_HORIZON) {
            horizon = now + deleteRetentionMs;
        }
        if (hasTombstone) {
            earliestHorizon = Math.min(earliestHorizon, horizon);
        }
        out.putInt(start + LENGTH_OFFSET, out.position() - start - LOG_OVERHEAD)
                .putLong(start + DELETE_HORIZON_OFFSET, hasTombstone ? horizon : NO_DELETE_HORIZON)
                .putInt(start + RECORD_COUNT_OFFSET, kept);
        writeCrc(out, start, crc);
    }

    private void flushOut(LogSegment cleaned, long now) throws IOException {
        out.flip();
        if (out.hasRemaining()) {
            cleaned.append(out, now);
        }
        out.clear();
    }

    /** Replaces {@code group} by {@code cleaned} crash-safely; readers of the old segments keep working. */
    private static void swap(PartitionLog log, List<LogSegment> group, LogSegment cleaned) throws IOException {
        Path dir = log.dir();
        long base = cleaned.baseOffset();
        cleaned.renameTo(LogFiles.withSuffix(LogFiles.logFile(dir, base), LogFiles.SWAP_SUFFIX));
        LogLoader.fsyncDirectory(dir);
        log.segmentsLock().lock();
        try {
            log.segmentMap().put(base, cleaned);
            for (int i = 1; i < group.size(); i++) {
                log.segmentMap().remove(group.get(i).baseOffset());
            }
            for (int i = 1; i < group.size(); i++) {
                group.get(i).retire();
            }
            cleaned.renameTo(LogFiles.logFile(dir, base));
            LogLoader.fsyncDirectory(dir);
            group.get(0).retireReplaced();
        } finally {
            log.segmentsLock().unlock();
        }
        cleaned.seal();
    }
}
