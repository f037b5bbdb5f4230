package io.tidelog.service;

import io.tidelog.service.capture.CaptureLifecycle;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Something the service does every {@code period} on a daemon thread of its own while it runs, such
 * as a progress line: started with capture, stopped before it. {@link #tick()} runs on that thread
 * only, one run at a time; a tick that throws ends the schedule, so ticks catch what they expect.
 */
public abstract class PeriodicLifecycle implements SmartLifecycle {

    private final String threadName;
    private final Duration initialDelay;
    private final Duration period;
    private ScheduledExecutorService timer;

    protected PeriodicLifecycle(String threadName, Duration initialDelay, Duration period) {
        this.threadName = threadName;
        this.initialDelay = initialDelay;
        this.period = period;
    }

    /** Prepares the first tick; false when there is nothing to do, and then nothing starts. */
    protected boolean beforeStart() {
        return true;
    }

    protected abstract void tick();

    @Override
    public final synchronized void start() {
        if (timer != null || !beforeStart()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public final synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public final synchronized boolean isRunning() {
        return timer != null;
    }

    /** Starts after capture, stops before it. */
    @Override
    public int getPhase() {
        return CaptureLifecycle.PHASE + 1;
    }
}
