package io.tidelog.log.embedded;

import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.log.Record;
import io.tidelog.log.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk format of segments, batches and records (big-endian), with field offsets as derived
 * constants, in the manner of Kafka's {@code DefaultRecordBatch}.
 *
 * <pre>
 * Segment file = SegmentHeader Batch*
 *
 * SegmentHeader (16 bytes)
 *   Magic            int32   0x54444C47 ("TDLG")
 *   FormatVersion    int16   1
 *   Reserved         int16   0
 *   BaseOffset       int64   equals the file name
 *
 * Batch
 *   BaseOffset       int64   offset of the batch's first offset slot
 *   Length           int32   bytes after this field
 *   CRC              uint32  CRC32C of Attributes .. end of batch
 *   Attributes       int16   0 (reserved)
 *   LastOffsetDelta  int32   last offset slot - BaseOffset; kept when compaction removes records
 *   BaseTimestamp    int64   timestamp of the first record as appended
 *   MaxTimestamp     int64   largest record timestamp
 *   DeleteHorizon    int64   compaction: tombstones in this batch may be dropped after this
 *                            epoch-millis; -1 until the batch is first cleaned
 *   RecordCount      int32   0 is allowed: an empty batch keeps LastOffsetDelta after compaction
 *   Records          Record[RecordCount]
 *
 * Record
 *   Length           int32   bytes after this field
 *   Attributes       int8    0 (reserved)
 *   OffsetDelta      int32   offset - BaseOffset
 *   Timestamp        int64
 *   KeyLength        int32   -1 = null key
 *   Key              byte[KeyLength]
 *   ValueLength      int32   -1 = null value = tombstone
 *   Value            byte[ValueLength]
 *   HeaderCount      int32
 *   Headers          (KeyLength int32, Key utf-8, ValueLength int32 (-1 = null), Value)[HeaderCount]
 * </pre>
 *
 * Written by {@link BatchWriter} (one batch per append call, appended by {@link LogSegment}) and by
 * the {@link Cleaner} (batches copied with records removed, same offsets, new CRC); validated and
 * decoded here.
 *
 * <p>A batch is valid when it lies entirely within the file, its Length is at least
 * {@link #BATCH_OVERHEAD} - {@link #LOG_OVERHEAD}, its BaseOffset is not below the previous batch's
 * last offset + 1, and its CRC matches. Anything else at the tail of the active segment is a torn write.
 */
final class RecordBatch {
    static final int SEGMENT_MAGIC = 0x54444C47;
    static final short FORMAT_VERSION = 1;
    static final int SEGMENT_MAGIC_OFFSET = 0;
    static final int SEGMENT_VERSION_OFFSET = SEGMENT_MAGIC_OFFSET + 4;
    static final int SEGMENT_BASE_OFFSET_OFFSET = SEGMENT_VERSION_OFFSET + 2 + 2;
    static final int SEGMENT_HEADER_SIZE = SEGMENT_BASE_OFFSET_OFFSET + 8;

    static final int BASE_OFFSET_OFFSET = 0;
    static final int BASE_OFFSET_LENGTH = 8;
    static final int LENGTH_OFFSET = BASE_OFFSET_OFFSET + BASE_OFFSET_LENGTH;
    static final int LENGTH_LENGTH = 4;
    static final int LOG_OVERHEAD = LENGTH_OFFSET + LENGTH_LENGTH;
    static final int CRC_OFFSET = LOG_OVERHEAD;
    static final int CRC_LENGTH = 4;
    static final int ATTRIBUTES_OFFSET = CRC_OFFSET + CRC_LENGTH;
    static final int ATTRIBUTES_LENGTH = 2;
    static final int LAST_OFFSET_DELTA_OFFSET = ATTRIBUTES_OFFSET + ATTRIBUTES_LENGTH;
    static final int LAST_OFFSET_DELTA_LENGTH = 4;
    static final int BASE_TIMESTAMP_OFFSET = LAST_OFFSET_DELTA_OFFSET + LAST_OFFSET_DELTA_LENGTH;
    static final int BASE_TIMESTAMP_LENGTH = 8;
    static final int MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + BASE_TIMESTAMP_LENGTH;
    static final int MAX_TIMESTAMP_LENGTH = 8;
    static final int DELETE_HORIZON_OFFSET = MAX_TIMESTAMP_OFFSET + MAX_TIMESTAMP_LENGTH;
    static final int DELETE_HORIZON_LENGTH = 8;
    static final int RECORD_COUNT_OFFSET = DELETE_HORIZON_OFFSET + DELETE_HORIZON_LENGTH;
    static final int RECORD_COUNT_LENGTH = 4;
    static final int RECORDS_OFFSET = RECORD_COUNT_OFFSET + RECORD_COUNT_LENGTH;
    static final int BATCH_OVERHEAD = RECORDS_OFFSET;

    static final int R_LENGTH_OFFSET = 0;
    static final int R_ATTRIBUTES_OFFSET = R_LENGTH_OFFSET + 4;
    static final int R_OFFSET_DELTA_OFFSET = R_ATTRIBUTES_OFFSET + 1;
    static final int R_TIMESTAMP_OFFSET = R_OFFSET_DELTA_OFFSET + 4;
    static final int R_KEY_LENGTH_OFFSET = R_TIMESTAMP_OFFSET + 8;
    static final int R_KEY_OFFSET = R_KEY_LENGTH_OFFSET + 4;
    /** Fixed bytes of a record without key, value and headers. */
    static final int RECORD_OVERHEAD = R_KEY_OFFSET + 4 + 4;

    static final long NO_DELETE_HORIZON = -1L;

    private RecordBatch() {
    }

    /** Encoded size of a record, including its Length field. */
    static int sizeOf(Record r) {
        int size = RECORD_OVERHEAD + len(r.key()) + len(r.value());
        List<Header> headers = r.headers();
        for (int i = 0, n = headers.size(); i < n; i++) {
            Header h = headers.get(i);
            size += 8 + HeaderKeys.utf8(h.key()).length + len(h.value());
        }
        return size;
    }

    private static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

    static void writeSegmentHeader(ByteBuffer buf, long baseOffset) {
        buf.putInt(SEGMENT_MAGIC).putShort(FORMAT_VERSION).putShort((short) 0).putLong(baseOffset);
    }

    /** Null if the header is valid for this base offset, else what is wrong. */
    static String checkSegmentHeader(ByteBuffer buf, long expectedBaseOffset) {
        if (buf.remaining() < SEGMENT_HEADER_SIZE) {
            return "short header";
        }
        int p = buf.position();
        if (buf.getInt(p + SEGMENT_MAGIC_OFFSET) != SEGMENT_MAGIC) {
            return "bad magic";
        }
        short version = buf.getShort(p + SEGMENT_VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            return "unsupported format version " + version;
        }
        long base = buf.getLong(p + SEGMENT_BASE_OFFSET_OFFSET);
        return base == expectedBaseOffset ? null : "base offset " + base + " does not match file name";
    }

    static long baseOffset(ByteBuffer b, int batch) {
        return b.getLong(batch + BASE_OFFSET_OFFSET);
    }

    /** Total bytes of the batch, including BaseOffset and Length. */
    static int totalSize(ByteBuffer b, int batch) {
        return LOG_OVERHEAD + b.getInt(batch + LENGTH_OFFSET);
    }

    static long lastOffset(ByteBuffer b, int batch) {
        return baseOffset(b, batch) + b.getInt(batch + LAST_OFFSET_DELTA_OFFSET);
    }

    static long maxTimestamp(ByteBuffer b, int batch) {
        return b.getLong(batch + MAX_TIMESTAMP_OFFSET);
    }

    static int recordCount(ByteBuffer b, int batch) {
        return b.getInt(batch + RECORD_COUNT_OFFSET);
    }

    static long deleteHorizon(ByteBuffer b, int batch) {
        return b.getLong(batch + DELETE_HORIZON_OFFSET);
    }

    static int crc(ByteBuffer b, int batch, int totalSize, CRC32C crc) {
        crc.reset();
        crc.update(b.array(), b.arrayOffset() + batch + ATTRIBUTES_OFFSET, totalSize - ATTRIBUTES_OFFSET);
        return (int) crc.getValue();
    }

    /** Recomputes and stores the CRC of a batch whose fields are final. */
    static void writeCrc(ByteBuffer b, int batch, CRC32C crc) {
        b.putInt(batch + CRC_OFFSET, crc(b, batch, totalSize(b, batch), crc));
    }

    /**
     * Checks the batch starting at {@code batch} in a heap buffer holding bytes up to {@code limit}.
     *
     * @return the batch's total size if valid; {@link #INCOMPLETE} if it extends past {@code limit};
     *         {@link #CORRUPT} if its framing or CRC is wrong
     */
    static int check(ByteBuffer b, int batch, int limit, long minBaseOffset, CRC32C crc) {
        if (limit - batch < BATCH_OVERHEAD) {
            return INCOMPLETE;
        }
        int length = b.getInt(batch + LENGTH_OFFSET);
        if (length < BATCH_OVERHEAD - LOG_OVERHEAD || baseOffset(b, batch) < minBaseOffset
                || b.getInt(batch + LAST_OFFSET_DELTA_OFFSET) < 0 || recordCount(b, batch) < 0) {
            return CORRUPT;
        }
        int total = LOG_OVERHEAD + length;
        if (total > limit - batch) {
            return INCOMPLETE;
        }
        return crc(b, batch, total, crc) == b.getInt(batch + CRC_OFFSET) ? total : CORRUPT;
    }

    static final int INCOMPLETE = -1;
    static final int CORRUPT = -2;

    static int recordSize(ByteBuffer b, int record) {
        return 4 + b.getInt(record + R_LENGTH_OFFSET);
    }

    static long recordOffset(ByteBuffer b, int batch, int record) {
        return baseOffset(b, batch) + b.getInt(record + R_OFFSET_DELTA_OFFSET);
    }

    static int keyLength(ByteBuffer b, int record) {
        return b.getInt(record + R_KEY_LENGTH_OFFSET);
    }

    static boolean isTombstone(ByteBuffer b, int record) {
        int keyLen = Math.max(0, keyLength(b, record));
        return b.getInt(record + R_KEY_OFFSET + keyLen) < 0;
    }

    /**
     * Decodes records of a valid batch with offsets {@code >= fromOffset}, at most {@code max} of them.
     *
     * @return the offset of the last record decoded, or -1 if none
     */
    static long decode(ByteBuffer b, int batch, TopicPartition tp, long fromOffset, int max, List<LogRecord> out) {
        int count = recordCount(b, batch);
        long base = baseOffset(b, batch);
        int p = batch + RECORDS_OFFSET;
        long last = -1;
        for (int i = 0; i < count && max > 0; i++) {
            int size = recordSize(b, p);
            long offset = base + b.getInt(p + R_OFFSET_DELTA_OFFSET);
            if (offset >= fromOffset) {
                out.add(decodeRecord(b, p, tp, offset));
                last = offset;
                max--;
            }
            p += size;
        }
        return last;
    }

    private static LogRecord decodeRecord(ByteBuffer b, int p, TopicPartition tp, long offset) {
        long timestamp = b.getLong(p + R_TIMESTAMP_OFFSET);
        int q = p + R_KEY_LENGTH_OFFSET;
        byte[] key = bytes(b, q);
        q += 4 + len(key);
        byte[] value = bytes(b, q);
        q += 4 + len(value);
        int headerCount = b.getInt(q);
        q += 4;
        List<Header> headers = headerCount == 0 ? List.of() : new ArrayList<>(headerCount);
        for (int i = 0; i < headerCount; i++) {
            byte[] k = bytes(b, q);
            q += 4 + len(k);
            byte[] v = bytes(b, q);
            q += 4 + len(v);
            headers.add(new Header(new String(k, StandardCharsets.UTF_8), v));
        }
        return new LogRecord(tp, offset, timestamp, key, value, headers);
    }

    private static byte[] bytes(ByteBuffer b, int lengthAt) {
        int n = b.getInt(lengthAt);
        if (n < 0) {
            return null;
        }
        byte[] out = new byte[n];
        b.get(lengthAt + 4, out);
        return out;
    }
}
