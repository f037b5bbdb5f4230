package io.tidelog.snapshot;

/** The snapshot could not be taken or read; nothing it produced should be taken as complete. */
public final class SnapshotException extends RuntimeException {

    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
