package io.tidelog.event;

import java.nio.ByteBuffer;

/**
 * The source position as capture stores it beside every record in the log, under the header
 * {@value #HEADER}: 24 bytes, {@code commitLsn}, {@code lsn}, {@code txId}, each a big-endian 64-bit
 * integer. A snapshot read has {@code commitLsn = 0}, {@code txId = 0} and the snapshot's consistent
 * point as {@code lsn}. Capture writes it; sinks read it to version their writes without parsing the
 * envelope. Part of the log's public contract (README, "What lands in the log").
 */
public final class PositionBytes {

    /** The header key. */
    public static final String HEADER = "tidelog.position";
    /** The header value's length. */
    public static final int LENGTH = 24;

    private PositionBytes() {
    }

    public static byte[] encode(SourcePosition p) {
        return ByteBuffer.allocate(LENGTH).putLong(p.commitLsn()).putLong(p.lsn()).putLong(p.txId()).array();
    }

    /** {@code {commitLsn, lsn, txId}}, or null when {@code bytes} is not a position. */
    public static long[] decode(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new long[] {b.getLong(), b.getLong(), b.getLong()};
    }
}
