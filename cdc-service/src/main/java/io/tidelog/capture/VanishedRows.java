package io.tidelog.capture;

import io.tidelog.event.SourcePosition;
import io.tidelog.log.ChangeLog;
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
            PartitionScan.range(log, tp, 0, boundary, rec -> {
                if (rec.isTombstone()) {
                    live.remove(ByteBuffer.wrap(rec.key()));
                } else {
                    live.add(ByteBuffer.wrap(rec.key()));
                }
            });
            PartitionScan.range(log, tp, boundary, Long.MAX_VALUE, rec -> live.remove(ByteBuffer.wrap(rec.key())));
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
}
