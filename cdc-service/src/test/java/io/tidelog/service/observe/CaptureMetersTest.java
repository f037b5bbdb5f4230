package io.tidelog.service.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureStats;
import io.tidelog.capture.SlotMonitor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CaptureMetersTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicReference<Capture.State> state = new AtomicReference<>(Capture.State.NEW);
    private final AtomicReference<CaptureStats.Snapshot> stats =
            new AtomicReference<>(new CaptureStats.Snapshot(0, 0, 0, 0, 0, null, null, 0));
    private final AtomicReference<SlotMonitor.SlotStatus> slot = new AtomicReference<>();
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final AtomicLong snapshotRows = new AtomicLong();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CaptureMeters meters = new CaptureMeters(state::get, stats::get, snapshotRows::get, slot::get, new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    });

    @Test
    void followsTheCaptureCountersStateAndSlot() {
        meters.bindTo(registry);
        assertThat(registry.get("tidelog.capture.events").functionCounter().count()).isZero();
        assertThat(registry.get("tidelog.capture.lag").timeGauge().value(TimeUnit.SECONDS)).isNaN();
        assertThat(registry.get("tidelog.capture.last.event.age").timeGauge().value(TimeUnit.SECONDS)).isNaN();
        assertThat(registry.get("tidelog.source.slot.lag.bytes").gauge().value()).isNaN();
        assertThat(stateGauge("new")).isEqualTo(1);
        assertThat(registry.get("tidelog.snapshot.rows").functionCounter().count()).isZero();

        snapshotRows.set(5000);
        assertThat(registry.get("tidelog.snapshot.rows").functionCounter().count()).isEqualTo(5000);
        state.set(Capture.State.RUNNING);
        stats.set(new CaptureStats.Snapshot(10, 5, 2, 100, 4, T0.plusMillis(250), T0.plusMillis(100), 42));
        now.set(T0.plusSeconds(3));
        slot.set(new SlotMonitor.SlotStatus("s", true, true, 1, 5000, 4999, T0));

        assertThat(registry.get("tidelog.capture.events").functionCounter().count()).isEqualTo(117);
        assertThat(registry.get("tidelog.capture.lag").timeGauge().value(TimeUnit.MILLISECONDS)).isEqualTo(150);
        assertThat(registry.get("tidelog.capture.last.event.age").timeGauge().value(TimeUnit.MILLISECONDS))
                .isEqualTo(2750);
        assertThat(registry.get("tidelog.source.slot.lag.bytes").gauge().value()).isEqualTo(4999);
        assertThat(registry.get("tidelog.source.slot.lag.bytes").gauge().getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(stateGauge("new")).isZero();
        assertThat(stateGauge("running")).isEqualTo(1);
        assertThat(registry.find("tidelog.capture.state").gauges()).hasSize(Capture.State.values().length);

        slot.set(new SlotMonitor.SlotStatus("s", false, false, 0, 0, 0, T0));
        assertThat(registry.get("tidelog.source.slot.lag.bytes").gauge().value()).as("no slot").isNaN();
    }

    @Test
    void lagIsNeverNegativeWhenClocksDisagree() {
        meters.bindTo(registry);
        stats.set(new CaptureStats.Snapshot(1, 0, 0, 0, 1, T0, T0.plus(Duration.ofSeconds(2)), 1));
        assertThat(registry.get("tidelog.capture.lag").timeGauge().value(TimeUnit.SECONDS)).isZero();
    }

    private double stateGauge(String state) {
        return registry.get("tidelog.capture.state").tag("state", state).gauge().value();
    }
}
