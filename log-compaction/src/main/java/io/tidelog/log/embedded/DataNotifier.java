package io.tidelog.log.embedded;

/**
 * Wakes tailing readers when any partition's high watermark advances, so they wait without spinning.
 * A reader notes {@link #version()}, checks for data, and if none calls {@link #await} with that
 * version: a signal in between is not lost.
 *
 * <p>Thread-safety: a monitor.
 */
final class DataNotifier {
    private long version;

    synchronized void signalAll() {
        version++;
        notifyAll();
    }

    synchronized long version() {
        return version;
    }

    /** Waits until the version moves past {@code seen} or the deadline (System.nanoTime) passes. */
    synchronized void await(long seen, long deadlineNanos) throws InterruptedException {
        while (version == seen) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            wait(Math.max(1, remaining / 1_000_000));
        }
    }
}
