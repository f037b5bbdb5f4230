package io.tidelog.capture;

/** Capture could not reach the streaming state: the engine failed or did not start in time. */
public final class CaptureStartException extends RuntimeException {

    public CaptureStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
