package io.tidelog.capture;

/** Captured changes could not be made durable in the log; capture stops and acknowledges nothing of them. */
public final class CaptureWriteException extends RuntimeException {

    public CaptureWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
