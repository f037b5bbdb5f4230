package io.tidelog.service.capture;

import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureLease;
import io.tidelog.capture.CaptureStats;
import io.tidelog.capture.SlotMonitor;
import io.tidelog.snapshot.AlignedSnapshot;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Capture's health: UP while the engine runs, OUT_OF_SERVICE while it snapshots or starts, DOWN with
 * the reason when it failed or stopped. A standby (another instance holds the capture lease) is UP with
 * {@code role=standby} and the holder: it does not capture, so it has no capture problem to report.
 */
public final class CaptureHealthIndicator implements HealthIndicator {

    private final CaptureLifecycle lifecycle;
    private final SlotMonitor slots;

    public CaptureHealthIndicator(CaptureLifecycle lifecycle, SlotMonitor slots) {
        this.lifecycle = lifecycle;
        this.slots = slots;
    }

    @Override
    public Health health() {
        Capture capture = lifecycle.capture();
        if (lifecycle.role() == CaptureLifecycle.Role.STANDBY) {
            // Healthy: it serves its share of the sinks and takes over capture when the active instance dies.
            CaptureLease.Holder holder = lifecycle.leaseHolder();
            return Health.up().withDetail("role", "standby")
                    .withDetail("leaseHolder", holder == null ? "unknown" : holder.toString())
                    .withDetail("slot", capture.settings().slotName()).build();
        }
        Capture.State state = capture.state();
        Health.Builder b = switch (state) {
            case RUNNING -> Health.up();
            case NEW, STARTING -> Health.outOfService();
            case STOPPING, STOPPED -> Health.down();
            case FAILED -> Health.down().withDetail("error", String.valueOf(capture.failure()));
        };
        CaptureStats.Snapshot s = capture.stats().snapshot();
        SlotMonitor.SlotStatus slot = slots.latest();
        if (slot != null) {
            b.withDetail("slotLagBytes", slot.lagBytes()).withDetail("slotActive", slot.active());
        }
        AlignedSnapshot snapshot = lifecycle.pipeline().snapshot();
        if (snapshot != null) {
            b.withDetail("snapshot", snapshot.progress().tables().stream().map(t -> Map.of(
                    "table", t.table().toString(), "rows", t.rows(), "estimatedRows", t.estimatedRows(),
                    "percent", Math.round(t.percent() * 10) / 10.0, "rowsPerSecond", Math.round(t.rowsPerSecond()),
                    "done", t.done())).toList());
        }
        return b.withDetail("role", "active").withDetail("state", state)
                .withDetail("slot", capture.settings().slotName())
                .withDetail("source", capture.settings().address().toString())
                .withDetail("eventsCaptured", s.total())
                .withDetail("lastEventAt", String.valueOf(s.lastEventAt()))
                .build();
    }
}
