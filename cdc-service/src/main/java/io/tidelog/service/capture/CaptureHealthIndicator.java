package io.tidelog.service.capture;

import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureStats;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Capture's health: UP while the engine runs, DOWN with the reason when it failed or stopped. */
public final class CaptureHealthIndicator implements HealthIndicator {

    private final CaptureLifecycle lifecycle;

    public CaptureHealthIndicator(CaptureLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public Health health() {
        Capture capture = lifecycle.capture();
        Capture.State state = capture.state();
        Health.Builder b = switch (state) {
            case RUNNING -> Health.up();
            case NEW, STARTING -> Health.outOfService();
            case STOPPING, STOPPED -> Health.down();
            case FAILED -> Health.down().withDetail("error", String.valueOf(capture.failure()));
        };
        CaptureStats.Snapshot s = capture.stats().snapshot();
        return b.withDetail("state", state)
                .withDetail("slot", capture.settings().slotName())
                .withDetail("source", capture.settings().address().toString())
                .withDetail("eventsCaptured", s.total())
                .withDetail("lastEventAt", String.valueOf(s.lastEventAt()))
                .build();
    }
}
