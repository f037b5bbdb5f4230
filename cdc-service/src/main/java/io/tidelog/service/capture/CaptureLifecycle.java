package io.tidelog.service.capture;

import io.tidelog.capture.Capture;
import io.tidelog.capture.SourcePipeline;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link SourcePipeline} with the application: checks the source, snapshots if needed and
 * starts streaming when the context starts (the web server is already up, so health answers during
 * a long snapshot), and stops it before the context's beans are destroyed. A refused source fails
 * startup with a {@link io.tidelog.capture.SourceCheckException}.
 */
public final class CaptureLifecycle implements SmartLifecycle {

    /** After the web server, so health answers while the snapshot runs; before load generators. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1000;

    private final SourcePipeline pipeline;
    private volatile boolean started;

    public CaptureLifecycle(SourcePipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void start() {
        started = true;
        try {
            pipeline.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting capture", e);
        }
    }

    @Override
    public void stop() {
        pipeline.close();
        started = false;
    }

    @Override
    public boolean isRunning() {
        if (started && pipeline.capture().state() == Capture.State.NEW) {
            return true; // snapshotting
        }
        Capture.State s = pipeline.capture().state();
        return s == Capture.State.STARTING || s == Capture.State.RUNNING;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    public Capture capture() {
        return pipeline.capture();
    }

    public SourcePipeline pipeline() {
        return pipeline;
    }
}
