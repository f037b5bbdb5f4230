package io.tidelog.log;

/** Base of every exception the log throws; subclasses carry the context needed to act on them. */
public class ChangeLogException extends RuntimeException {

    public ChangeLogException(String message) {
        super(message);
    }

    public ChangeLogException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether retrying the same call later may succeed (e.g. after disk space returns). */
    public boolean isRetriable() {
        return false;
    }
}
