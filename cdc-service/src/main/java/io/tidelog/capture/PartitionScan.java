package io.tidelog.capture;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import java.util.function.Consumer;

/** Reads a range of one partition, record by record: the one loop capture's bookkeeping reads the log with. */
final class PartitionScan {

    private static final int MAX_RECORDS = 10_000;
    private static final int MAX_BYTES = 8 << 20;

    private PartitionScan() {
    }

    /** Every record of the partition, from its start to its end. */
    static void all(ChangeLog log, TopicPartition tp, Consumer<LogRecord> visitor) {
        range(log, tp, log.logStartOffset(tp), log.endOffset(tp), visitor);
    }

    /**
     * Records with offsets in {@code [from, to)} (clamped to what the partition holds), in offset order.
     * Offsets compaction removed are skipped.
     */
    static void range(ChangeLog log, TopicPartition tp, long from, long to, Consumer<LogRecord> visitor) {
        long offset = Math.max(from, log.logStartOffset(tp));
        long end = Math.min(to, log.endOffset(tp));
        while (offset < end) {
            ReadResult r = log.read(tp, offset, MAX_RECORDS, MAX_BYTES);
            for (LogRecord rec : r.records()) {
                if (rec.offset() >= end) {
                    return;
                }
                visitor.accept(rec);
            }
            if (r.nextOffset() <= offset) {
                return;
            }
            offset = r.nextOffset();
        }
    }
}
