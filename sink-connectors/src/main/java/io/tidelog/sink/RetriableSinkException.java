package io.tidelog.sink;

/** Thrown by a sink when its target failed in a way that a later retry of the same batch may fix. */
public class RetriableSinkException extends Exception {

    public RetriableSinkException(String message) {
        super(message);
    }

    public RetriableSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
