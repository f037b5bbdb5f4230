package io.tidelog.service.capture;

import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.ChangeEventHandler;
import io.tidelog.capture.SourcePreflight;
import org.springframework.context.SmartLifecycle;

/**
 * Runs {@link Capture} with the application: checks the source, then starts the engine when the
 * context starts, and stops it before the context's beans are destroyed. A refused source fails
 * startup with a {@link io.tidelog.capture.SourceCheckException}.
 */
public final class CaptureLifecycle implements SmartLifecycle {

    /** After the web server, so health answers while the snapshot runs; before load generators. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1000;

    private final Capture capture;

    public CaptureLifecycle(CaptureSettings settings, ChangeEventHandler handler) {
        this.capture = new Capture(settings, handler);
    }

    @Override
    public void start() {
        SourcePreflight.check(capture.settings());
        capture.start();
    }

    @Override
    public void stop() {
        capture.close();
    }

    @Override
    public boolean isRunning() {
        Capture.State s = capture.state();
        return s == Capture.State.STARTING || s == Capture.State.RUNNING;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    public Capture capture() {
        return capture;
    }
}
