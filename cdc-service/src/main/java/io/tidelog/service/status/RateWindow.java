package io.tidelog.service.status;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The rate of a growing counter over about the last {@code window}: samples are added as they are
 * taken, and the rate is the counter's growth from the newest sample at least {@code window} old
 * (or the oldest kept) to the latest one. A counter that went down (a restarted runner) counts as 0.
 * Thread-safe.
 */
final class RateWindow {

    private final long windowMillis;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    RateWindow(Duration window) {
        this.windowMillis = window.toMillis();
    }

    synchronized void add(long atMillis, long value) {
        long[] last = samples.peekLast();
        if (last != null && atMillis <= last[0]) {
            return;
        }
        samples.addLast(new long[] {atMillis, value});
        while (samples.size() > 2) {
            long[] second = secondOldest();
            if (second[0] > atMillis - windowMillis) {
                break;
            }
            samples.removeFirst();
        }
    }

    /** Per second over the window; 0 with fewer than two samples. */
    synchronized double perSecond() {
        if (samples.size() < 2) {
            return 0;
        }
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        long grown = last[1] - first[1];
        return grown <= 0 ? 0 : grown * 1000.0 / (last[0] - first[0]);
    }

    private long[] secondOldest() {
        var it = samples.iterator();
        it.next();
        return it.next();
    }
}
