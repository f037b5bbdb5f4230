package io.tidelog.log.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The sparse offset index and time index of one segment, held in memory and written beside a sealed
 * segment. Both are derived data: a missing, stale or corrupt file is ignored and the index rebuilt by
 * scanning the segment.
 *
 * <pre>
 * Index file (.index / .timeindex)
 *   Magic        int32   0x54444958 ("TDIX")
 *   EntryCount   int32
 *   LogSize      int64   size of the segment file the entries describe; a mismatch means stale
 *   CRC          uint32  CRC32C of the entries
 *   Entries      .index:     (RelativeOffset int32, Position int32)[EntryCount]
 *                .timeindex: (MaxTimestampSoFar int64, RelativeOffset int32)[EntryCount]
 * </pre>
 *
 * An offset entry points at a batch whose base offset is {@code baseOffset + RelativeOffset}. Its
 * time entry holds the largest timestamp of all records before that batch, so a search for the first
 * record with timestamp {@code >= t} may start at the last entry whose timestamp is {@code < t}.
 *
 * <p>Index files are not forced to disk: a torn or stale file fails its CRC or LogSize check on load
 * and is rebuilt, so losing one costs a scan, never correctness.
 *
 * <p>Thread-safety: one writer (the appender or the loader); readers see a consistent prefix because
 * the entry count is published last through a volatile field.
 */
final class SegmentIndex {
    private static final int MAGIC = 0x54444958;
    private static final int FILE_HEADER = 4 + 4 + 8 + 4;

    private final long baseOffset;
    private int[] relOffsets = new int[16];
    private int[] positions = new int[16];
    private long[] timestamps = new long[16];
    private volatile int entries;

    SegmentIndex(long baseOffset) {
        this.baseOffset = baseOffset;
    }

    void add(long batchBaseOffset, int position, long maxTimestampSoFar) {
        int n = entries;
        if (n == relOffsets.length) {
            relOffsets = Arrays.copyOf(relOffsets, n * 2);
            positions = Arrays.copyOf(positions, n * 2);
            timestamps = Arrays.copyOf(timestamps, n * 2);
        }
        relOffsets[n] = (int) (batchBaseOffset - baseOffset);
        positions[n] = position;
        timestamps[n] = maxTimestampSoFar;
        entries = n + 1;
    }

    void clear() {
        entries = 0;
    }

    int entries() {
        return entries;
    }

    /** The largest timestamp before the last indexed batch, or -1 if there is no entry. */
    long lastTimestamp() {
        int n = entries;
        return n == 0 ? -1 : timestamps[n - 1];
    }

    /** Position of the last indexed batch whose base offset is {@code <= offset}, or -1. */
    int lookup(long offset) {
        int n = entries;
        int[] rel = relOffsets;
        int[] pos = positions;
        long target = offset - baseOffset;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (rel[mid] <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? -1 : pos[found];
    }

    /** Position of the last indexed batch preceded only by timestamps {@code < timestamp}, or -1. */
    int lookupTime(long timestamp) {
        int n = entries;
        int found = -1;
        for (int i = 0; i < n && timestamps[i] < timestamp; i++) {
            found = positions[i];
        }
        return found;
    }

    void write(Path offsetFile, Path timeFile, long logSize) throws IOException {
        int n = entries;
        ByteBuffer off = ByteBuffer.allocate(FILE_HEADER + n * 8);
        ByteBuffer time = ByteBuffer.allocate(FILE_HEADER + n * 12);
        off.position(FILE_HEADER);
        time.position(FILE_HEADER);
        for (int i = 0; i < n; i++) {
            off.putInt(relOffsets[i]).putInt(positions[i]);
            time.putLong(timestamps[i]).putInt(relOffsets[i]);
        }
        writeFile(offsetFile, off, n, logSize);
        writeFile(timeFile, time, n, logSize);
    }

    private static void writeFile(Path file, ByteBuffer b, int n, long logSize) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(b.array(), FILE_HEADER, b.capacity() - FILE_HEADER);
        b.putInt(0, MAGIC).putInt(4, n).putLong(8, logSize).putInt(16, (int) crc.getValue());
        b.rewind();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /** Loads both files if present, intact and describing a segment of {@code logSize} bytes. */
    boolean load(Path offsetFile, Path timeFile, long logSize) {
        ByteBuffer off = readValid(offsetFile, logSize, 8);
        ByteBuffer time = readValid(timeFile, logSize, 12);
        if (off == null || time == null || off.getInt(4) != time.getInt(4)) {
            return false;
        }
        clear();
        int n = off.getInt(4);
        for (int i = 0; i < n; i++) {
            int rel = off.getInt(FILE_HEADER + i * 8);
            int pos = off.getInt(FILE_HEADER + i * 8 + 4);
            long ts = time.getLong(FILE_HEADER + i * 12);
            if (pos < RecordBatch.SEGMENT_HEADER_SIZE || pos >= logSize || time.getInt(FILE_HEADER + i * 12 + 8) != rel
                    || (i > 0 && (rel < relOffsets[i - 1] || pos <= positions[i - 1]))) {
                clear();
                return false;
            }
            add(baseOffset + rel, pos, ts);
        }
        return true;
    }

    private static ByteBuffer readValid(Path file, long logSize, int entrySize) {
        try {
            if (!Files.exists(file)) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            if (b.capacity() < FILE_HEADER || b.getInt(0) != MAGIC || b.getLong(8) != logSize) {
                return null;
            }
            int n = b.getInt(4);
            if (n < 0 || b.capacity() != FILE_HEADER + (long) n * entrySize) {
                return null;
            }
            CRC32C crc = new CRC32C();
            crc.update(b.array(), FILE_HEADER, b.capacity() - FILE_HEADER);
            return (int) crc.getValue() == b.getInt(16) ? b : null;
        } catch (IOException e) {
            return null;
        }
    }
}
