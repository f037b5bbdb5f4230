package io.tidelog.service.capture;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When capture may start again after it failed: the first restart waits {@link #FIRST}, each failure
 * after it doubles the wait up to {@link #MAX}, and a capture that has run for {@link #STABLE} without
 * failing earns the first wait back. A failure that repeats at once (a dropped publication, a disk
 * that stays full) thus costs a restart a minute, not a restart loop.
 *
 * <p>Times come from a nanosecond ticker (monotonic, as {@link System#nanoTime()}). Not thread-safe:
 * one watcher thread uses it.
 */
final class CaptureRestarts {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(60);
    static final Duration STABLE = Duration.ofSeconds(60);

    private final LongSupplier nanos;
    private int failures;
    private long runningSince;
    private boolean running;
    private long notBefore;

    CaptureRestarts(LongSupplier nanos) {
        this.nanos = nanos;
        this.notBefore = nanos.getAsLong();
    }

    /** Capture is running now; once it has run for {@link #STABLE}, earlier failures are forgotten. */
    void running() {
        long now = nanos.getAsLong();
        if (!running) {
            running = true;
            runningSince = now;
        } else if (failures > 0 && now - runningSince >= STABLE.toNanos()) {
            failures = 0;
        }
    }

    /**
     * Capture failed.
     *
     * @return how long to wait before the next start
     */
    Duration failed() {
        running = false;
        Duration wait = FIRST.multipliedBy(1L << Math.min(failures, 16));
        if (wait.compareTo(MAX) > 0) {
            wait = MAX;
        }
        failures++;
        notBefore = nanos.getAsLong() + wait.toNanos();
        return wait;
    }

    /** Whether the wait after the last failure is over. */
    boolean mayStart() {
        return nanos.getAsLong() - notBefore >= 0;
    }

    /** Failures since capture last ran for {@link #STABLE}. */
    int failures() {
        return failures;
    }
}
