package io.tidelog.capture;

import io.tidelog.event.SourcePosition;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import java.nio.ByteBuffer;

/**
 * The source position carried by every record capture writes, in the header {@value #KEY}: 24 bytes,
 * {@code commitLsn}, {@code lsn}, {@code txId}, big-endian. {@code (txId, lsn)} identifies one change
 * of the source; {@code (commitLsn, lsn)} is the order streaming delivers changes in
 * ({@link SourcePosition}).
 */
final class PositionHeader {

    static final String KEY = "tidelog.position";

    private PositionHeader() {
    }

    static Header of(SourcePosition p) {
        return new Header(KEY, ByteBuffer.allocate(24).putLong(p.commitLsn()).putLong(p.lsn()).putLong(p.txId()).array());
    }

    /** The position of a record as {@code {commitLsn, lsn, txId}}, or null when it carries none. */
    static long[] read(LogRecord record) {
        for (Header h : record.headers()) {
            if (KEY.equals(h.key()) && h.value() != null && h.value().length == 24) {
                ByteBuffer b = ByteBuffer.wrap(h.value());
                return new long[] {b.getLong(), b.getLong(), b.getLong()};
            }
        }
        return null;
    }
}
