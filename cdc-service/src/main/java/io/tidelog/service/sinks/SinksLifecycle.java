package io.tidelog.service.sinks;

import io.tidelog.service.capture.CaptureLifecycle;
import io.tidelog.sink.runner.SinkFleet;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the sinks with the application. They start just before capture, so a new sink reads the log
 * while the initial snapshot is still being written, and stop just after it: capture stops adding
 * records first, then each sink finishes and commits its batch in flight (within {@code stopTimeout}).
 */
public final class SinksLifecycle implements SmartLifecycle {

    private final SinkFleet fleet;
    private final Duration stopTimeout;
    private volatile boolean running;

    public SinksLifecycle(SinkFleet fleet, Duration stopTimeout) {
        this.fleet = fleet;
        this.stopTimeout = stopTimeout;
    }

    @Override
    public void start() {
        fleet.start();
        running = true;
    }

    @Override
    public void stop() {
        fleet.close(stopTimeout);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return CaptureLifecycle.PHASE - 1;
    }

    public SinkFleet fleet() {
        return fleet;
    }
}
