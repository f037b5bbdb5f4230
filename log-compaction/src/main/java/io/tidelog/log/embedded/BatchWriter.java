package io.tidelog.log.embedded;

import io.tidelog.log.Header;
import io.tidelog.log.Record;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

import static io.tidelog.log.embedded.RecordBatch.*;

/**
 * Encodes appended records into one batch ({@link RecordBatch} format) in a reused buffer.
 *
 * <p><b>Single-threaded</b>: owned by one partition and used only under its append lock. After warm-up
 * (the buffer grows to the largest batch seen) encoding allocates nothing for records without headers.
 */
final class BatchWriter {
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final CRC32C crc = new CRC32C();
    private long maxTimestamp;

    /**
     * Encodes the records as one batch starting at {@code baseOffset}.
     *
     * @param encodedSize sum of {@link RecordBatch#sizeOf} of the records
     * @return the buffer, positioned at 0 and limited to the batch
     */
    ByteBuffer encode(long baseOffset, List<Record> records, int encodedSize, long now) {
        int total = BATCH_OVERHEAD + encodedSize;
        if (buffer.capacity() < total) {
            buffer = ByteBuffer.allocate(Math.max(total, buffer.capacity() * 2));
        }
        ByteBuffer b = buffer;
        b.clear();
        long baseTimestamp = timestampOf(records.get(0), now);
        maxTimestamp = Long.MIN_VALUE;
        b.position(RECORDS_OFFSET);
        for (int i = 0, n = records.size(); i < n; i++) {
            Record r = records.get(i);
            long ts = timestampOf(r, now);
            maxTimestamp = Math.max(maxTimestamp, ts);
            int start = b.position();
            b.putInt(0).put((byte) 0).putInt(i).putLong(ts);
            putBytes(b, r.key());
            putBytes(b, r.value());
            List<Header> headers = r.headers();
            b.putInt(headers.size());
            for (int h = 0, hn = headers.size(); h < hn; h++) {
                putBytes(b, HeaderKeys.utf8(headers.get(h).key()));
                putBytes(b, headers.get(h).value());
            }
            b.putInt(start, b.position() - start - 4);
        }
        b.putLong(BASE_OFFSET_OFFSET, baseOffset)
                .putInt(LENGTH_OFFSET, b.position() - LOG_OVERHEAD)
                .putShort(ATTRIBUTES_OFFSET, (short) 0)
                .putInt(LAST_OFFSET_DELTA_OFFSET, records.size() - 1)
                .putLong(BASE_TIMESTAMP_OFFSET, baseTimestamp)
                .putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp)
                .putLong(DELETE_HORIZON_OFFSET, NO_DELETE_HORIZON)
                .putInt(RECORD_COUNT_OFFSET, records.size());
        writeCrc(b, 0, crc);
        b.flip();
        return b;
    }

    long lastMaxTimestamp() {
        return maxTimestamp;
    }

    private static long timestampOf(Record r, long now) {
        return r.timestamp() == Record.NO_TIMESTAMP ? now : r.timestamp();
    }

    private static void putBytes(ByteBuffer b, byte[] bytes) {
        if (bytes == null) {
            b.putInt(-1);
        } else {
            b.putInt(bytes.length).put(bytes);
        }
    }
}
