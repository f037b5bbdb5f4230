package io.tidelog.capture;

/** An ad-hoc snapshot request that cannot be carried out as asked; {@link #reason()} says which kind. */
public final class AdHocSnapshotException extends RuntimeException {

    /** Why the request was refused. */
    public enum Reason {
        /** No snapshot with that id is known. */
        UNKNOWN,
        /** Another ad-hoc snapshot is running. */
        BUSY,
        /** Capture is not streaming (starting, snapshotting, resetting or stopped), so it takes no signals. */
        NOT_STREAMING,
        /** The snapshot has already ended. */
        ENDED,
        /** Blocking snapshots run to their end. */
        NOT_CANCELLABLE
    }

    private final Reason reason;

    public AdHocSnapshotException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
