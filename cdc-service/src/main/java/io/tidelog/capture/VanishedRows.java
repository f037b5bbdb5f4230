package io.tidelog.capture;

import io.tidelog.event.SourcePosition;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.Record;
import io.tidelog.log.TopicPartition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Retires rows a retaken snapshot no longer contains. When a snapshot is taken again (an earlier
 * attempt was interrupted, or the slot was lost), the log may hold rows that were deleted between
 * the two consistent points: their deletes were never streamed and the new snapshot does not read
 * them, so without this step they would stay in the compacted view forever.
 *
 * <p>For each partition: the keys live at {@code endBefore} (the end offset when the retake started)
 * minus the keys the new snapshot wrote after it get a tombstone, carrying the new snapshot's
 * position. Memory: one entry per key live before the retake; retakes are rare.
 */
final class VanishedRows {

    private VanishedRows() {
    }

    /**
     * Writes tombstones for keys of the topic live before the retake but absent from it.
     *
     * @param endBefore end offset of each partition when the retake started
     * @return how many tombstones were written
     */
    static long retire(ChangeLog log, String topic, Map<Integer, Long> endBefore, SourcePosition snapshot)
            throws InterruptedException {
        long retired = 0;
        for (Map.Entry<Integer, Long> e : endBefore.entrySet()) {
            TopicPartition tp = new TopicPartition(topic, e.getKey());
            long boundary = e.getValue();
            Set<ByteBuffer> live = new HashSet<>();
            scan(log, tp, log.logStartOffset(tp), boundary, (key, tombstone) -> {
                if (tombstone) {
                    live.remove(key);
                } else {
                    live.add(key);
                }
            });
            scan(log, tp, boundary, log.endOffset(tp), (key, tombstone) -> live.remove(key));
            if (live.isEmpty()) {
                continue;
            }
            List<Record> tombstones = new ArrayList<>(live.size());
            for (ByteBuffer key : live) {
                tombstones.add(new Record(key.array(), null, List.of(PositionHeader.of(snapshot)),
                        snapshot.commitTime().toEpochMilli()));
            }
            try {
                log.append(tp, tombstones).get();
            } catch (ExecutionException ex) {
                throw new CaptureWriteException("Could not retire rows a retaken snapshot no longer has in " + tp,
                        ex.getCause());
            }
            retired += tombstones.size();
        }
        return retired;
    }

    private interface KeyVisitor {
        void visit(ByteBuffer key, boolean tombstone);
    }

    private static void scan(ChangeLog log, TopicPartition tp, long from, long to, KeyVisitor visitor) {
        long offset = Math.max(from, log.logStartOffset(tp));
        while (offset < to) {
            ReadResult r = log.read(tp, offset, 10_000, 8 << 20);
            for (LogRecord rec : r.records()) {
                if (rec.offset() >= to) {
                    return;
                }
                visitor.visit(ByteBuffer.wrap(rec.key()), rec.isTombstone());
            }
            if (r.records().isEmpty() && r.nextOffset() <= offset) {
                return;
            }
            offset = r.nextOffset();
        }
    }
}
