package io.tidelog.sink.runner;

/** What a sink's runner is doing. */
public enum SinkState {
    /** Opening the sink, waiting for its topics. */
    STARTING,
    /** Reading the log and writing. */
    RUNNING,
    /** Paused by an operator; its position is kept. */
    PAUSED,
    /** Its target failed with a retriable error; retrying the same batch with backoff. */
    RETRYING,
    /** Stopped after an error it cannot get past (see the last error); resume to try again. */
    FAILED,
    /** Closed. */
    STOPPED
}
