package io.tidelog.capture;

import io.tidelog.event.PositionBytes;
import io.tidelog.event.SourcePosition;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;

/**
 * The source position carried by every record capture writes ({@link PositionBytes}).
 * {@code (txId, lsn)} identifies one change of the source; {@code (commitLsn, lsn)} is the order
 * streaming delivers changes in ({@link SourcePosition}).
 */
final class PositionHeader {

    private PositionHeader() {
    }

    static Header of(SourcePosition p) {
        return new Header(PositionBytes.HEADER, PositionBytes.encode(p));
    }

    /** The position of a record as {@code {commitLsn, lsn, txId}}, or null when it carries none. */
    static long[] read(LogRecord record) {
        for (Header h : record.headers()) {
            if (PositionBytes.HEADER.equals(h.key())) {
                return PositionBytes.decode(h.value());
            }
        }
        return null;
    }
}
