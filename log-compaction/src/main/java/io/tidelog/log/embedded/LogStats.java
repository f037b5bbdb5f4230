package io.tidelog.log.embedded;

import io.tidelog.log.LogListener;
import io.tidelog.log.LogMetrics;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The log's counters and its listener fan-out. A listener that throws is logged and ignored.
 *
 * <p>Thread-safety: all counters are concurrent; listeners are a copy-on-write list.
 */
final class LogStats implements LogListener {
    private static final Logger log = LoggerFactory.getLogger(LogStats.class);

    final LongAdder recordsAppended = new LongAdder();
    final LongAdder bytesAppended = new LongAdder();
    private final LongAdder fsyncs = new LongAdder();
    private final LongAdder fsyncNanos = new LongAdder();
    private final AtomicLong fsyncNanosMax = new AtomicLong();
    private final LongAdder compactionRuns = new LongAdder();
    private final LongAdder bytesReclaimed = new LongAdder();
    private final LongAdder recoveredBytesDropped = new LongAdder();
    private final CopyOnWriteArrayList<LogListener> listeners = new CopyOnWriteArrayList<>();
    private volatile LongSupplier segmentCount = () -> 0;

    void segmentCount(LongSupplier supplier) {
        segmentCount = supplier;
    }

    void add(LogListener listener) {
        listeners.add(listener);
    }

    LogMetrics snapshot() {
        return new LogMetrics(recordsAppended.sum(), bytesAppended.sum(), fsyncs.sum(), fsyncNanos.sum(),
                fsyncNanosMax.get(), segmentCount.getAsLong(), compactionRuns.sum(), bytesReclaimed.sum(),
                recoveredBytesDropped.sum());
    }

    @Override
    public void onFsync(long nanos, int partitionsFlushed) {
        fsyncs.increment();
        fsyncNanos.add(nanos);
        fsyncNanosMax.accumulateAndGet(nanos, Math::max);
        for (LogListener l : listeners) {
            safely(() -> l.onFsync(nanos, partitionsFlushed));
        }
    }

    @Override
    public void onSegmentRolled(TopicPartition partition, long baseOffset) {
        for (LogListener l : listeners) {
            safely(() -> l.onSegmentRolled(partition, baseOffset));
        }
    }

    @Override
    public void onSegmentsDeleted(TopicPartition partition, int segments, long bytes, String reason) {
        bytesReclaimed.add(bytes);
        log.info("Deleted {} segment(s), {} bytes of {} ({})", segments, bytes, partition, reason);
        for (LogListener l : listeners) {
            safely(() -> l.onSegmentsDeleted(partition, segments, bytes, reason));
        }
    }

    @Override
    public void onCompaction(TopicPartition partition, long bytesBefore, long bytesAfter, long nanos) {
        compactionRuns.increment();
        bytesReclaimed.add(Math.max(0, bytesBefore - bytesAfter));
        log.info("Compacted {}: {} -> {} bytes in {} ms", partition, bytesBefore, bytesAfter, nanos / 1_000_000);
        for (LogListener l : listeners) {
            safely(() -> l.onCompaction(partition, bytesBefore, bytesAfter, nanos));
        }
    }

    @Override
    public void onRecoveryTruncation(TopicPartition partition, long bytesDropped, long recordsDropped) {
        recoveredBytesDropped.add(bytesDropped);
        log.warn("Recovery of {} cut a torn or corrupt tail: {} bytes, at least {} records", partition,
                bytesDropped, recordsDropped);
        for (LogListener l : listeners) {
            safely(() -> l.onRecoveryTruncation(partition, bytesDropped, recordsDropped));
        }
    }

    @Override
    public void onOffsetReset(String groupId, TopicPartition partition, long from, long to, OffsetResetPolicy policy) {
        log.warn("Consumer group {} offset {} of {} is out of range; reset to {} ({}), skipping {} offsets",
                groupId, from, partition, to, policy, Math.max(0, to - from));
        for (LogListener l : listeners) {
            safely(() -> l.onOffsetReset(groupId, partition, from, to, policy));
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("Log listener failed", e);
        }
    }
}
