package io.tidelog.sink.runner;

import io.tidelog.log.LogRecord;
import io.tidelog.log.TopicPartition;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.Sink;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one chunk of log records to a sink for its {@link SinkRunner}: decode, write and flush with
 * retries, isolate permanent failures by halving, dead-letter what the target rejects, count it all.
 * Offsets are the runner's business; this class never moves them. Used by the runner's thread only.
 */
final class ChunkWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);

    /** What the writer needs from its runner while it retries. */
    interface Control {
        /** Whether to abandon the chunk now (closing, pausing, or failed). */
        boolean abandon();

        /** The retry policy is exhausted: the sink goes {@link SinkState#FAILED}. */
        void giveUp();

        void state(SinkState state);

        /** Waits, returning early when the runner is signalled. */
        void await(Duration timeout) throws InterruptedException;
    }

    private final String name;
    private final Sink sink;
    private final EnvelopeDecoder decoder;
    private final DeadLetters deadLetters;
    private final RetryPolicy retry;
    private final SinkMetrics metrics;
    private final Clock clock;
    private final Control control;
    private final Random random = new Random();

    ChunkWriter(String name, Sink sink, EnvelopeDecoder decoder, DeadLetters deadLetters, RetryPolicy retry,
                SinkMetrics metrics, Clock clock, Control control) {
        this.name = name;
        this.sink = sink;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
        this.retry = retry;
        this.metrics = metrics;
        this.clock = clock;
        this.control = control;
    }

    /** Decodes, writes and dead-letters one chunk; returns how many were dead-lettered, or -1 to stop. */
    int deliverChunk(List<LogRecord> chunk) throws InterruptedException {
        List<SinkRecord> records = new ArrayList<>(chunk.size());
        Map<String, LogRecord> byPosition = new HashMap<>();
        List<LogRecord> dead = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (LogRecord r : chunk) {
            try {
                SinkRecord decoded = decoder.decode(r);
                records.add(decoded);
                byPosition.put(position(decoded.partition(), decoded.offset()), r);
            } catch (EnvelopeDecoder.UndecodableRecordException e) {
                dead.add(r);
                reasons.add("undecodable: " + e.getMessage());
            }
        }
        List<Rejection> rejected = records.isEmpty() ? List.of() : writeIsolating(records);
        if (rejected == null) {
            return -1;
        }
        for (Rejection rejection : rejected) {
            dead.add(byPosition.get(position(rejection.record().partition(), rejection.record().offset())));
            reasons.add(rejection.reason());
        }
        if (!dead.isEmpty()) {
            deadLetters.append(dead, reasons);
            metrics.recordsDeadLettered.add(dead.size());
            LOG.warn("sink {}: {} record(s) to {}; first: {} at {}:{}", name, dead.size(), deadLetters.partition().topic(),
                    reasons.get(0), dead.get(0).partition(), dead.get(0).offset());
        }
        long newest = 0;
        for (SinkRecord r : records) {
            newest = Math.max(newest, r.commitTime());
        }
        metrics.lastAppliedCommitTime.accumulateAndGet(newest, Math::max);
        return dead.size();
    }

    /**
     * Writes and flushes, retrying retriable errors and bisecting permanent ones.
     *
     * @return the rejected records, or null if the runner must stop (closing, or failed)
     */
    private List<Rejection> writeIsolating(List<SinkRecord> records) throws InterruptedException {
        int failures = 0;
        while (true) {
            if (control.abandon()) {
                return null;
            }
            long start = System.nanoTime();
            try {
                List<Rejection> rejected = sink.write(records);
                sink.flush();
                long took = System.nanoTime() - start;
                metrics.batches.increment();
                metrics.batchNanos.add(took);
                metrics.lastBatchNanos.set(took);
                metrics.recordsWritten.add(records.size() - rejected.size());
                if (failures > 0) {
                    LOG.info("sink {}: target back after {} failed attempt(s)", name, failures);
                    control.state(SinkState.RUNNING);
                }
                return rejected;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failed(e);
                if (sink.classifier().isRetriable(e)) {
                    if (!backOff(++failures, e, "attempt " + failures + " failed")) {
                        return null;
                    }
                } else if (records.size() == 1) {
                    return List.of(new Rejection(records.get(0), describe(e)));
                } else {
                    int half = records.size() / 2;
                    List<Rejection> left = writeIsolating(records.subList(0, half));
                    if (left == null) {
                        return null;
                    }
                    List<Rejection> right = writeIsolating(records.subList(half, records.size()));
                    if (right == null) {
                        return null;
                    }
                    List<Rejection> all = new ArrayList<>(left);
                    all.addAll(right);
                    return all;
                }
            }
        }
    }

    /**
     * Opens the sink, retrying retriable errors under the retry policy.
     *
     * @return true once open; false when the runner abandons it or the sink failed for good (then
     *         {@link Control#giveUp()} was called)
     */
    boolean open(SinkContext context) throws InterruptedException {
        int failures = 0;
        while (!control.abandon()) {
            try {
                sink.open(context);
                LOG.info("sink {}: opened for {} table(s)", name, context.tables().size());
                return true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failed(e);
                if (!sink.classifier().isRetriable(e)) {
                    LOG.error("sink {}: cannot open: {}", name, describe(e));
                    control.giveUp();
                    return false;
                }
                if (!backOff(++failures, e, "cannot open yet (attempt " + failures + ")")) {
                    return false;
                }
            }
        }
        return false;
    }

    private void failed(Exception e) {
        metrics.errors.increment();
        metrics.lastError.set(new SinkMetrics.LastError(clock.instant(), describe(e)));
    }

    /**
     * After the {@code failures}-th retriable failure: gives up when the policy allows no other attempt
     * (returns false), else waits out the backoff in state {@link SinkState#RETRYING}. Logs at attempts
     * 1, 2, 4, 8, …, not at every one.
     */
    private boolean backOff(int failures, Exception e, String what) throws InterruptedException {
        if (!retry.allowsAnother(failures)) {
            LOG.error("sink {}: giving up after {} attempts: {}", name, failures, describe(e));
            control.giveUp();
            return false;
        }
        Duration backoff = retry.backoff(failures, random);
        if (Integer.bitCount(failures) == 1) {
            LOG.warn("sink {}: {}, retrying in {} ms: {}", name, what, backoff.toMillis(), describe(e));
        }
        metrics.retries.increment();
        control.state(SinkState.RETRYING);
        control.await(backoff);
        return true;
    }

    /** The error as one line: its type and message. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String position(TopicPartition tp, long offset) {
        return tp + "@" + offset;
    }
}
