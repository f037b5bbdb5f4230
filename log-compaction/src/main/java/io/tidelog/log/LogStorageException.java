package io.tidelog.log;

/**
 * An I/O error (for example a full disk) while the log was {@code operation} on {@code partition}.
 * A failed append is never acknowledged and none of its records become visible; the log stays usable
 * and a later append can succeed once the cause is gone, so it is retriable.
 */
public class LogStorageException extends ChangeLogException {
    private final String partition;
    private final String operation;

    public LogStorageException(String partition, String operation, Throwable cause) {
        super(operation + " failed for " + partition + ": " + cause, cause);
        this.partition = partition;
        this.operation = operation;
    }

    public String partition() { return partition; }

    public String operation() { return operation; }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
