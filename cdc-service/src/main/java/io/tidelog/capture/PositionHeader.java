package io.tidelog.capture;

import io.tidelog.event.SourcePosition;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import java.nio.ByteBuffer;

/**
 * The source position carried by every record capture writes, in the header {@value #KEY}: 16 bytes,
 * {@code commitLsn} then {@code lsn}, big-endian. Positions compare as that pair, which is the order
 * in which streaming delivers changes ({@link SourcePosition}).
 */
final class PositionHeader {

    static final String KEY = "tidelog.position";

    private PositionHeader() {
    }

    static Header of(SourcePosition p) {
        return new Header(KEY, ByteBuffer.allocate(16).putLong(p.commitLsn()).putLong(p.lsn()).array());
    }

    /** The position of a record, or null when it carries none. */
    static long[] read(LogRecord record) {
        for (Header h : record.headers()) {
            if (KEY.equals(h.key()) && h.value() != null && h.value().length == 16) {
                ByteBuffer b = ByteBuffer.wrap(h.value());
                return new long[] {b.getLong(), b.getLong()};
            }
        }
        return null;
    }

    /** Whether position {@code (commitLsn, lsn)} is at or before {@code mark}. */
    static boolean atOrBefore(long commitLsn, long lsn, long[] mark) {
        return commitLsn < mark[0] || (commitLsn == mark[0] && lsn <= mark[1]);
    }
}
