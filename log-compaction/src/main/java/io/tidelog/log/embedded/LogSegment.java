package io.tidelog.log.embedded;

import io.tidelog.log.CorruptRecordException;
import io.tidelog.log.LogRecord;
import io.tidelog.log.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

import static io.tidelog.log.embedded.RecordBatch.*;

/**
 * One segment file of a partition: a {@link RecordBatch segment header} followed by batches, plus its
 * in-memory {@link SegmentIndex} (written beside the file when sealed).
 *
 * <p>Invariants: {@code baseOffset <= } the first offset in this segment and {@code >} every offset in
 * previous segments; batch base offsets strictly increase; {@link #size()} only covers whole batches.
 *
 * <p>Thread-safety: one appender (under the partition's append lock) and any number of concurrent
 * readers. Readers bound themselves by the partition's high watermark, never by the file size, so a
 * batch being written is never read. A reader {@link #tryRetain() retains} the segment; a replaced or
 * deleted segment keeps its channel open until its last reader releases it, so readers positioned on
 * an old segment keep working across compaction swaps and retention.
 */
final class LogSegment {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LogSegment.class);

    /** What a scan visits; return false to stop. */
    interface BatchVisitor {
        boolean visit(ByteBuffer buf, int batch, int filePosition, int size) throws IOException;
    }

    /** Result of {@link #recover()}: how much of a torn or corrupt tail was cut. */
    record Recovery(long bytesDropped, long recordsDropped) {
    }

    private final long baseOffset;
    private final FileChannel channel;
    private final SegmentIndex index;
    private final int indexIntervalBytes;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile Path file;
    private volatile int size;
    private volatile long nextOffset;
    private volatile long maxTimestamp = -1;
    private volatile boolean deleteFileWhenReleased;
    private long firstAppendMillis = -1;
    private int bytesSinceIndexEntry;

    private LogSegment(Path file, long baseOffset, FileChannel channel, int indexIntervalBytes) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.channel = channel;
        this.index = new SegmentIndex(baseOffset);
        this.indexIntervalBytes = indexIntervalBytes;
        this.nextOffset = baseOffset;
        this.size = SEGMENT_HEADER_SIZE;
    }

    /** Creates an empty segment file (header only, forced) at {@code file}. */
    static LogSegment create(Path file, long baseOffset, int indexIntervalBytes, FileIo io) throws IOException {
        FileChannel ch = io.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_SIZE);
            writeSegmentHeader(header, baseOffset);
            header.flip();
            writeFully(ch, header, 0);
            ch.force(true);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
        return new LogSegment(file, baseOffset, ch, indexIntervalBytes);
    }

    /**
     * Opens an existing segment. A sealed segment loads its index files, or rebuilds them by a scan
     * if missing or stale; the caller recovers the active segment with {@link #recover()}.
     */
    static LogSegment open(Path file, long baseOffset, int indexIntervalBytes, boolean sealed, FileIo io)
            throws IOException {
        FileChannel ch = io.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        LogSegment s = new LogSegment(file, baseOffset, ch, indexIntervalBytes);
        if (sealed) {
            s.size = (int) ch.size();
            Path dir = file.getParent();
            if (!s.index.load(LogFiles.indexFile(dir, baseOffset), LogFiles.timeIndexFile(dir, baseOffset), s.size)) {
                int validEnd = s.rebuildIndex();
                if (validEnd < s.size) {
                    log.warn("Sealed segment {} fails its checks at position {} of {}; reads past offset {} will "
                            + "fail with CorruptRecordException and the cleaner will skip this partition",
                            file, validEnd, s.size, s.nextOffset);
                }
            } else {
                s.readTail();
            }
        }
        return s;
    }

    /**
     * Validates every batch from the start; truncates the file at the first torn or corrupt batch (or
     * rewrites a torn header) and rebuilds the index. Never fails on bad data: it reports what it cut.
     */
    Recovery recover() throws IOException {
        long fileSize = channel.size();
        ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_SIZE);
        readFully(channel, header, 0);
        header.flip();
        if (checkSegmentHeader(header, baseOffset) != null) {
            channel.truncate(0);
            ByteBuffer fresh = ByteBuffer.allocate(SEGMENT_HEADER_SIZE);
            writeSegmentHeader(fresh, baseOffset);
            fresh.flip();
            writeFully(channel, fresh, 0);
            channel.force(true);
            size = SEGMENT_HEADER_SIZE;
            index.clear();
            nextOffset = baseOffset;
            return new Recovery(fileSize, 0);
        }
        size = (int) Math.min(fileSize, Integer.MAX_VALUE);
        int validEnd = rebuildIndex();
        if (validEnd == fileSize) {
            return new Recovery(0, 0);
        }
        long recordsDropped = countRecordsLoosely(validEnd, fileSize);
        channel.truncate(validEnd);
        channel.force(true);
        size = validEnd;
        return new Recovery(fileSize - validEnd, recordsDropped);
    }

    private long countRecordsLoosely(long from, long fileSize) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(BATCH_OVERHEAD);
        long count = 0;
        long pos = from;
        while (pos + BATCH_OVERHEAD <= fileSize) {
            h.clear();
            readFully(channel, h, pos);
            int length = h.getInt(LENGTH_OFFSET);
            int records = h.getInt(RECORD_COUNT_OFFSET);
            if (length < BATCH_OVERHEAD - LOG_OVERHEAD || records < 0 || records > length) {
                break;
            }
            count += records;
            pos += LOG_OVERHEAD + (long) length;
        }
        return count;
    }

    /** Rebuilds index, next offset and max timestamp by scanning; returns the end of the valid prefix. */
    private int rebuildIndex() throws IOException {
        index.clear();
        bytesSinceIndexEntry = Integer.MAX_VALUE;
        nextOffset = baseOffset;
        maxTimestamp = -1;
        return scan(SEGMENT_HEADER_SIZE, (buf, batch, position, batchSize) -> {
            onBatchAppended(RecordBatch.baseOffset(buf, batch), lastOffset(buf, batch), position, batchSize,
                    RecordBatch.maxTimestamp(buf, batch));
            return true;
        });
    }

    /** Sets next offset and max timestamp from the batches after the last index entry. */
    private void readTail() throws IOException {
        int from = Math.max(SEGMENT_HEADER_SIZE, index.lookup(Long.MAX_VALUE));
        maxTimestamp = index.lastTimestamp();
        scan(from, (buf, batch, position, batchSize) -> {
            nextOffset = lastOffset(buf, batch) + 1;
            maxTimestamp = Math.max(maxTimestamp, RecordBatch.maxTimestamp(buf, batch));
            return true;
        });
    }

    private void onBatchAppended(long batchBase, long lastOffset, int position, int batchSize, long batchMaxTs) {
        if (bytesSinceIndexEntry >= indexIntervalBytes) {
            index.add(batchBase, position, maxTimestamp);
            bytesSinceIndexEntry = 0;
        }
        bytesSinceIndexEntry += batchSize;
        maxTimestamp = Math.max(maxTimestamp, batchMaxTs);
        nextOffset = lastOffset + 1;
    }

    /**
     * Scans valid batches from {@code fromPosition} up to the current size, stopping at the first
     * torn or corrupt one or when the visitor says so.
     *
     * @return the file position after the last batch visited and valid
     */
    int scan(int fromPosition, BatchVisitor visitor) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        CRC32C crc = new CRC32C();
        long end = size;
        long filePos = fromPosition;
        long minBase = baseOffset;
        while (filePos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - filePos));
            readFully(channel, buf, filePos);
            int limit = buf.position();
            int p = 0;
            while (true) {
                int r = check(buf, p, limit, minBase, crc);
                if (r > 0) {
                    if (!visitor.visit(buf, p, (int) (filePos + p), r)) {
                        return (int) (filePos + p + r);
                    }
                    minBase = lastOffset(buf, p) + 1;
                    p += r;
                } else if (r == INCOMPLETE && filePos + limit < end) {
                    if (p == 0) {
                        long needed = LOG_OVERHEAD + (long) buf.getInt(LENGTH_OFFSET);
                        if (filePos + needed > end) {
                            return (int) filePos;
                        }
                        buf = ByteBuffer.allocate((int) needed);
                    }
                    break;
                } else {
                    return (int) (filePos + p);
                }
            }
            filePos += p;
        }
        return (int) filePos;
    }

    /**
     * Appends whole encoded batches (one for the appender, many for the cleaner) with one write. On
     * failure the file is cut back so no partial batch remains, and the segment is unchanged.
     */
    void append(ByteBuffer batches, long nowMillis) throws IOException {
        int position = size;
        int start = batches.position();
        int length = batches.remaining();
        try {
            writeFully(channel, batches, position);
        } catch (IOException e) {
            try {
                channel.truncate(position);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (firstAppendMillis < 0) {
            firstAppendMillis = nowMillis;
        }
        for (int p = start; p < start + length; ) {
            int total = totalSize(batches, p);
            onBatchAppended(RecordBatch.baseOffset(batches, p), lastOffset(batches, p), position + (p - start), total,
                    RecordBatch.maxTimestamp(batches, p));
            p += total;
        }
        size = position + length;
    }

    /** Cuts the segment back to {@code position} after a failed force, forgetting later index entries. */
    void truncateTo(int position, long newNextOffset) throws IOException {
        channel.truncate(position);
        size = position;
        rebuildIndex();
        nextOffset = Math.max(baseOffset, newNextOffset);
    }

    void flush() throws IOException {
        channel.force(false);
    }

    /** Forces data and writes the index files; called once the segment stops being active. */
    void seal() throws IOException {
        channel.force(false);
        Path dir = file.getParent();
        index.write(LogFiles.indexFile(dir, baseOffset), LogFiles.timeIndexFile(dir, baseOffset), size);
    }

    /**
     * Reads records with offsets in {@code [cursor.next, maxOffset)} into {@code out}, verifying each
     * batch's CRC. Advances {@code cursor.next} past what was read and adds the bytes read.
     *
     * @return false if this segment holds no batch at or after {@code cursor.next} below {@code maxOffset}
     */
    boolean read(TopicPartition tp, ReadCursor cursor, long maxOffset, int maxRecords, List<LogRecord> out)
            throws IOException {
        long from = cursor.next;
        int end = size;
        int pos = Math.max(SEGMENT_HEADER_SIZE, index.lookup(from));
        ByteBuffer hdr = ByteBuffer.allocate(BATCH_OVERHEAD);
        int firstTotal = 0;
        while (true) {
            if (pos + BATCH_OVERHEAD > end) {
                return false;
            }
            hdr.clear();
            readFully(channel, hdr, pos);
            long base = hdr.getLong(BASE_OFFSET_OFFSET);
            if (base >= maxOffset) {
                return false;
            }
            firstTotal = LOG_OVERHEAD + hdr.getInt(LENGTH_OFFSET);
            if (firstTotal < BATCH_OVERHEAD || pos + (long) firstTotal > end) {
                throw new CorruptRecordException(tp, from, "bad batch length at " + file + ":" + pos);
            }
            if (base + hdr.getInt(LAST_OFFSET_DELTA_OFFSET) >= from) {
                break;
            }
            pos += firstTotal;
        }
        // Read about what maxRecords needs, judged by the first batch's bytes per record, not always maxBytes:
        // a consumer asking for 500 small records must not read (and allocate) a megabyte per call.
        long firstRecords = (long) hdr.getInt(LAST_OFFSET_DELTA_OFFSET) + 1;
        long wanted = (long) maxRecords * Math.max(1, firstTotal / firstRecords) + firstTotal;
        int chunk = (int) Math.min(end - pos, Math.max(firstTotal, Math.min(cursor.remainingBytes(), wanted)));
        ByteBuffer buf = ByteBuffer.allocate(chunk);
        readFully(channel, buf, pos);
        CRC32C crc = new CRC32C();
        int p = 0;
        int startCount = out.size();
        while (chunk - p >= BATCH_OVERHEAD && out.size() - startCount < maxRecords) {
            if (RecordBatch.baseOffset(buf, p) >= maxOffset) {
                break;
            }
            int r = check(buf, p, chunk, 0, crc);
            if (r == INCOMPLETE && p > 0) {
                break;
            }
            if (r < 0) {
                throw new CorruptRecordException(tp, cursor.next, "CRC or framing check failed at " + file + ":" + (pos + p));
            }
            long lastDecoded = decode(buf, p, tp, cursor.next, maxRecords - (out.size() - startCount), out);
            long batchLast = lastOffset(buf, p);
            cursor.next = out.size() - startCount >= maxRecords && lastDecoded >= 0 ? lastDecoded + 1 : batchLast + 1;
            cursor.bytes += r;
            p += r;
        }
        return true;
    }

    /** First offset {@code < maxOffset} with a timestamp {@code >= timestamp}, or -1. */
    long offsetForTimestamp(long timestamp, long maxOffset) throws IOException {
        if (maxTimestamp < timestamp) {
            return -1;
        }
        long[] found = {-1};
        scan(Math.max(SEGMENT_HEADER_SIZE, index.lookupTime(timestamp)), (buf, batch, position, batchSize) -> {
            if (RecordBatch.baseOffset(buf, batch) >= maxOffset) {
                return false;
            }
            if (RecordBatch.maxTimestamp(buf, batch) >= timestamp) {
                int rp = batch + RECORDS_OFFSET;
                for (int i = 0, n = recordCount(buf, batch); i < n; i++) {
                    long offset = recordOffset(buf, batch, rp);
                    if (buf.getLong(rp + R_TIMESTAMP_OFFSET) >= timestamp && offset < maxOffset) {
                        found[0] = offset;
                        return false;
                    }
                    rp += recordSize(buf, rp);
                }
            }
            return true;
        });
        return found[0];
    }

    boolean tryRetain() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            try {
                channel.close();
                if (deleteFileWhenReleased) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                // a leftover .deleted file is removed by the next recovery
            }
        }
    }

    /**
     * Takes the segment out of service: its index files go now; its data file is renamed
     * {@code .deleted} and removed when the last reader releases it.
     */
    void retire() throws IOException {
        Path dir = file.getParent();
        if (LogFiles.isSegmentName(file.getFileName().toString())) {
            Files.deleteIfExists(LogFiles.indexFile(dir, baseOffset));
            Files.deleteIfExists(LogFiles.timeIndexFile(dir, baseOffset));
        }
        Path deleted = LogFiles.withSuffix(file, LogFiles.DELETED_SUFFIX);
        Files.move(file, deleted, StandardCopyOption.ATOMIC_MOVE);
        file = deleted;
        deleteFileWhenReleased = true;
        release();
    }

    /** Takes the segment out of service after its file name was taken over by a replacement. */
    void retireReplaced() {
        release();
    }

    /** Renames the file (used for {@code .cleaned} to {@code .swap} to {@code .log}). */
    void renameTo(Path target) throws IOException {
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    void close() {
        release();
    }

    long baseOffset() { return baseOffset; }

    int size() { return size; }

    long nextOffset() { return nextOffset; }

    long maxTimestamp() { return maxTimestamp; }

    Path file() { return file; }

    boolean isEmpty() { return size <= SEGMENT_HEADER_SIZE; }

    /** Millis (log clock) of the first append to this segment in this process, or -1. */
    long firstAppendMillis() { return firstAppendMillis; }

    void firstAppendMillis(long millis) { firstAppendMillis = millis; }

    @Override
    public String toString() {
        return "LogSegment(" + file.getFileName() + ", size=" + size + ", next=" + nextOffset + ")";
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }

    static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                break;
            }
            p += n;
        }
    }

    /** Read position and progress of one read call across segments. */
    static final class ReadCursor {
        long next;
        long bytes;
        final int maxBytes;

        ReadCursor(long next, int maxBytes) {
            this.next = next;
            this.maxBytes = maxBytes;
        }

        int remainingBytes() {
            return (int) Math.max(0, maxBytes - bytes);
        }
    }
}
