package io.tidelog.service.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureStats;
import io.tidelog.capture.SlotMonitor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Capture's meters, read from {@link CaptureStats} and the {@link SlotMonitor}'s latest measurement:
 * <pre>
 * tidelog.capture.events            counter  changes streamed from the slot and handed to the log
 * tidelog.snapshot.rows             counter  rows the aligned initial snapshot read in this process
 * tidelog.capture.lag               seconds  source commit to capture of the latest change; NaN before the first
 * tidelog.capture.last.event.age    seconds  since the latest change was captured (grows when the source is quiet)
 * tidelog.capture.state{state}      0 or 1   one series per {@link Capture.State}, lower case
 * tidelog.source.slot.lag.bytes     bytes    WAL the slot holds back; NaN before the first measurement or without a slot
 * </pre>
 */
final class CaptureMeters implements MeterBinder {

    private final Supplier<Capture.State> state;
    private final Supplier<CaptureStats.Snapshot> stats;
    private final LongSupplier snapshotRows;
    private final Supplier<SlotMonitor.SlotStatus> slot;
    private final Clock clock;

    CaptureMeters(Supplier<Capture.State> state, Supplier<CaptureStats.Snapshot> stats, LongSupplier snapshotRows,
                  Supplier<SlotMonitor.SlotStatus> slot, Clock clock) {
        this.state = state;
        this.stats = stats;
        this.snapshotRows = snapshotRows;
        this.slot = slot;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("tidelog.capture.events", this, m -> m.stats.get().total())
                .description("Changes streamed from the replication slot and handed to the log").register(registry);
        FunctionCounter.builder("tidelog.snapshot.rows", this, m -> m.snapshotRows.getAsLong())
                .description("Rows read by the aligned initial snapshot").register(registry);
        TimeGauge.builder("tidelog.capture.lag", this, TimeUnit.SECONDS, CaptureMeters::commitToCapture)
                .description("Delay from the source commit to the capture of the latest change").register(registry);
        TimeGauge.builder("tidelog.capture.last.event.age", this, TimeUnit.SECONDS, CaptureMeters::lastEventAge)
                .description("Time since the latest change was captured").register(registry);
        for (Capture.State s : Capture.State.values()) {
            Gauge.builder("tidelog.capture.state", this, m -> m.state.get() == s ? 1 : 0)
                    .tag("state", s.name().toLowerCase(Locale.ROOT))
                    .description("1 for the state capture is in, 0 for the others").register(registry);
        }
        Gauge.builder("tidelog.source.slot.lag.bytes", this, CaptureMeters::slotLagBytes).baseUnit("bytes")
                .description("WAL the replication slot holds back (current WAL position - confirmed flush)")
                .register(registry);
    }

    private double commitToCapture() {
        CaptureStats.Snapshot s = stats.get();
        return s.lastEventAt() == null || s.lastCommitTime() == null ? Double.NaN
                : seconds(Duration.between(s.lastCommitTime(), s.lastEventAt()));
    }

    private double lastEventAge() {
        Instant at = stats.get().lastEventAt();
        return at == null ? Double.NaN : seconds(Duration.between(at, clock.instant()));
    }

    private double slotLagBytes() {
        SlotMonitor.SlotStatus s = slot.get();
        return s == null || !s.exists() ? Double.NaN : s.lagBytes();
    }

    private static double seconds(Duration d) {
        return Math.max(0, d.toNanos()) / 1e9;
    }
}
