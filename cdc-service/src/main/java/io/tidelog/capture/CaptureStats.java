package io.tidelog.capture;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.Op;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Running counters of what capture has handed on. Written by the capture thread only, read by
 * anyone (status, health, the progress log line).
 */
public final class CaptureStats {

    private final Clock clock;
    private final AtomicLongArray byOp = new AtomicLongArray(Op.values().length);
    private volatile long batches;
    private volatile Instant lastEventAt;
    private volatile Instant lastCommitTime;
    private volatile long lastLsn;

    CaptureStats(Clock clock) {
        this.clock = clock;
    }

    void recordBatch(List<ChangeEvent> batch) {
        for (ChangeEvent e : batch) {
            byOp.incrementAndGet(e.op().ordinal());
        }
        ChangeEvent last = batch.get(batch.size() - 1);
        lastLsn = last.position().lsn();
        lastCommitTime = last.position().commitTime();
        lastEventAt = clock.instant();
        batches++;
    }

    /** A consistent-enough copy of the counters (each field is read once). */
    public Snapshot snapshot() {
        long[] counts = new long[byOp.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = byOp.get(i);
        }
        return new Snapshot(counts[Op.CREATE.ordinal()], counts[Op.UPDATE.ordinal()], counts[Op.DELETE.ordinal()],
                counts[Op.READ.ordinal()], batches, lastEventAt, lastCommitTime, lastLsn);
    }

    /**
     * Counters at one moment.
     *
     * @param creates inserts captured
     * @param updates updates captured
     * @param deletes deletes captured
     * @param reads snapshot reads captured
     * @param batches batches handed on
     * @param lastEventAt when the latest batch was handed on, or null
     * @param lastCommitTime source commit time of the latest event, or null
     * @param lastLsn LSN of the latest event, or 0
     */
    public record Snapshot(long creates, long updates, long deletes, long reads, long batches,
                           Instant lastEventAt, Instant lastCommitTime, long lastLsn) {

        /** All events of every op. */
        public long total() {
            return creates + updates + deletes + reads;
        }
    }
}
