package io.tidelog.sink;

import java.util.List;

/**
 * A target that keeps a copy of captured tables: a cache, a search index, a warehouse. The sink maps
 * a batch of changes to its target's bulk call; the runner owns everything around it (reading the
 * log, batching, retries, the dead-letter topic, offsets, metrics, pause and resume).
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>{@link #open} before anything else, with the tables the sink receives. It may create
 *       indices or tables; it must be idempotent: a restart calls it again on the same target, and
 *       the runner calls it again on the same instance after it failed (target not reachable yet).</li>
 *   <li>{@link #write} any number of times, each batch in log order per partition. Records of one
 *       row arrive in commit order. A batch may contain the same row several times and records the
 *       target has already seen (after a crash, a reset or a replay).</li>
 *   <li>{@link #flush} after each write: when it returns, every record of the batches written so far
 *       is durable in the target (as durable as the target is). Only then does the runner commit
 *       the log offsets, so a record is written at least once; the sink makes that exactly-once in
 *       effect.</li>
 *   <li>{@link #close} once; no other call follows.</li>
 * </ol>
 *
 * <h2>Idempotent and order-safe</h2>
 * Writing any record again, or an older record of a row after a newer one, must leave the target
 * unchanged. Each record carries a {@link ChangeVersion} derived from its source position; the
 * target itself enforces it (a guarded script, an external version, a conditional merge), never a
 * check-then-write from the sink's memory.
 *
 * <h2>Errors</h2>
 * A sink may throw anything from {@link #write} or {@link #flush}; its {@link #classifier()} tells the
 * runner whether to retry the batch (retriable) or to isolate the records that cause it (permanent).
 * A sink that knows which records its target rejected for good returns them from {@link #write}; the
 * runner sends those to the dead-letter topic and counts the rest as written.
 *
 * <p>Calls come from one thread, the sink's runner thread: a sink needs no locking of its own.
 */
public interface Sink extends AutoCloseable {

    /** Prepares the target for these tables. */
    void open(SinkContext context) throws Exception;

    /**
     * Writes a batch. Records not in the returned list count as written once {@link #flush} returns.
     *
     * @return the records the target rejected permanently (e.g. a document its mapping refuses), each
     *         with the target's reason; empty when all were accepted
     */
    List<Rejection> write(List<SinkRecord> batch) throws Exception;

    /** Makes every record written so far durable in the target. */
    void flush() throws Exception;

    /** Decides which of this sink's errors are worth retrying. */
    default ErrorClassifier classifier() {
        return ErrorClassifier.DEFAULT;
    }

    @Override
    void close();
}
