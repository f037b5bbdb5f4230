package io.tidelog.harness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UTC clock that stands still until moved, so tests and benchmarks exercise age-based behaviour
 * (lag, retention, compaction lag) without sleeping. Thread-safe.
 */
public final class ManualClock extends Clock {

    private final AtomicLong millis;

    public ManualClock(long epochMillis) {
        this.millis = new AtomicLong(epochMillis);
    }

    public void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
