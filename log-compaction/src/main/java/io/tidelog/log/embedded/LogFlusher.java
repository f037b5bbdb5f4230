package io.tidelog.log.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Group commit: one thread forces every partition with written-but-not-durable data, then
 * acknowledges the appends that force covered. Appends arriving during a force share the next one, so
 * fsync cost is paid per round, not per append.
 *
 * <p>With a zero interval a round starts as soon as an appender {@link #wakeup() wakes} the thread;
 * otherwise rounds run every interval. Waking costs an unpark, no allocation.
 *
 * <p>Thread-safety: {@link #register} and {@link #wakeup} from any thread; rounds on the flusher thread.
 */
final class LogFlusher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LogFlusher.class);

    private final List<PartitionLog> partitions = new CopyOnWriteArrayList<>();
    private final long intervalNanos;
    private final LogStats stats;
    private final Thread thread;
    private volatile boolean pending;
    private volatile boolean running = true;

    LogFlusher(long intervalNanos, LogStats stats, String name) {
        this.intervalNanos = intervalNanos;
        this.stats = stats;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void register(PartitionLog partition) {
        partitions.add(partition);
    }

    void wakeup() {
        if (!pending) {
            pending = true;
            if (intervalNanos == 0) {
                LockSupport.unpark(thread);
            }
        }
    }

    @Override
    public void run() {
        long nextRound = System.nanoTime() + intervalNanos;
        while (running) {
            if (intervalNanos == 0) {
                if (!pending) {
                    LockSupport.park(this);
                }
            } else {
                // Fixed cadence: rounds start every interval, not every interval plus the fsync time.
                long now = System.nanoTime();
                if (nextRound - now > 0) {
                    LockSupport.parkNanos(this, nextRound - now);
                    if (System.nanoTime() - nextRound < 0) {
                        continue; // woken early (close or a spurious wakeup)
                    }
                }
                nextRound = Math.max(nextRound + intervalNanos, System.nanoTime());
            }
            if (pending) {
                pending = false;
                flushRound();
            }
        }
        flushRound();
    }

    /** Forces all dirty partitions once and acknowledges what that covered. */
    void flushRound() {
        long start = System.nanoTime();
        int flushed = 0;
        for (PartitionLog p : partitions) {
            try {
                if (p.flushIfDirty()) {
                    flushed++;
                }
            } catch (RuntimeException e) {
                log.error("Flush of {} failed", p.partition(), e);
            }
        }
        if (flushed > 0) {
            stats.onFsync(System.nanoTime() - start, flushed);
        }
    }

    void shutdown() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
