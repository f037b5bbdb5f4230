package io.tidelog.sink.runner;

import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.GroupConsumer;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.TopicPartition;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.Sink;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one sink over the log: a consumer group per sink, batches, retries, dead letters, offsets.
 *
 * <h2>Per batch</h2>
 * Poll the sink's topics until the {@link BatchPolicy} says send; decode each record (a record that
 * is not a change goes straight to the dead-letter topic); {@link Sink#write} then {@link Sink#flush};
 * append the records the sink rejected to the dead-letter topic; only then commit the group's offsets
 * past the batch. A crash anywhere before the commit replays the batch, which the sink's versioned
 * writes make harmless, so the target never misses a change and never goes backwards.
 *
 * <h2>Errors</h2>
 * The sink's {@link io.tidelog.sink.ErrorClassifier} decides. Retriable: the same batch again after
 * a {@link RetryPolicy} backoff, for ever by default (state {@link SinkState#RETRYING}; the log keeps
 * everything meanwhile). Permanent: the batch is split in halves, recursively, until the records that
 * fail alone are found; those go to the dead-letter topic with the error, the others are written.
 *
 * <h2>Threads</h2>
 * One thread per runner, so sinks are independent: a slow or failed sink delays only itself, never
 * capture or another sink. {@link #pause}, {@link #resume}, {@link #close} and the getters may be
 * called from any thread.
 */
public final class SinkRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRunner.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    private final SinkSettings settings;
    private final Sink sink;
    private final ChangeLog log;
    private final Map<String, TableId> tableByTopic;
    private final EnvelopeDecoder decoder;
    private final Clock clock;
    private final Random random = new Random();
    private final SinkMetrics metrics = new SinkMetrics();
    private final AtomicReference<SinkState> state = new AtomicReference<>(SinkState.STARTING);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private final Thread thread;
    private final DeadLetters deadLetters;
    private final ConcurrentLinkedQueue<PendingReset> resets = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<PendingRedelivery> redeliveries = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private volatile boolean paused;
    private volatile boolean failed;

    /**
     * @param topics the log topic of each table in {@code settings.tables()}
     */
    public SinkRunner(SinkSettings settings, Sink sink, ChangeLog log, Map<TableId, String> topics, Clock clock) {
        this.settings = settings;
        this.sink = sink;
        this.log = log;
        this.clock = clock;
        Map<String, TableId> byTopic = new HashMap<>();
        for (TableId table : settings.tables()) {
            String topic = topics.get(table);
            if (topic == null) {
                throw new IllegalArgumentException("sink '" + settings.name() + "' receives " + table
                        + ", which is not captured");
            }
            byTopic.put(topic, table);
        }
        this.tableByTopic = Map.copyOf(byTopic);
        this.decoder = new EnvelopeDecoder(tableByTopic, settings.fields());
        this.deadLetters = new DeadLetters(log, settings.name(), clock);
        this.thread = new Thread(this::run, "tidelog-sink-" + settings.name());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public String name() {
        return settings.name();
    }

    public SinkSettings settings() {
        return settings;
    }

    public SinkState state() {
        return state.get();
    }

    public SinkMetrics metrics() {
        return metrics;
    }

    /** The dead-letter topic's name. */
    public String deadLetterTopic() {
        return deadLetters.partition().topic();
    }

    /** How many records the dead-letter topic holds. */
    public long deadLetterCount() {
        return deadLetters.size();
    }

    /** The group's lag on every partition of the sink's topics (from committed offsets). */
    public List<PartitionLag> lag() {
        List<PartitionLag> out = new ArrayList<>();
        for (String topic : tableByTopic.keySet()) {
            if (log.topics().contains(topic)) {
                out.addAll(log.lag(settings.groupId(), topic));
            }
        }
        return out;
    }

    /** Stops reading after the batch in flight; the position is kept. */
    public void pause() {
        paused = true;
        wake();
    }

    /** Resumes after {@link #pause}, or retries after {@link SinkState#FAILED}. */
    public void resume() {
        paused = false;
        failed = false;
        wake();
    }

    /**
     * Moves the group's offsets, between batches (or while paused or failed), and commits them. The
     * future completes with the committed offsets once done, or exceptionally if an offset is out of
     * range or a partition is not one of the sink's.
     */
    public CompletableFuture<Map<TopicPartition, Long>> reset(ResetTarget target) {
        PendingReset pending = new PendingReset(target, new CompletableFuture<>());
        if (state() == SinkState.STOPPED || stopping) {
            pending.done().completeExceptionally(new IllegalStateException("sink " + name() + " is stopped"));
            return pending.done();
        }
        resets.add(pending);
        wake();
        return pending.done();
    }

    private record PendingReset(ResetTarget target, CompletableFuture<Map<TopicPartition, Long>> done) {
    }

    /**
     * Writes records again that the sink once rejected (typically read back from its dead-letter topic,
     * with their original partition and offset), between batches, with the usual retries and isolation.
     * Offsets do not move. Records rejected again are appended to the dead-letter topic again, with the
     * new reason. Safe whenever: a record older than what the target holds for its row is ignored by the
     * target's version guard.
     *
     * @return the outcome once done; fails if the runner stops first
     */
    public CompletableFuture<Redelivery> redeliver(List<LogRecord> records) {
        PendingRedelivery pending = new PendingRedelivery(List.copyOf(records), new CompletableFuture<>());
        if (state() == SinkState.STOPPED || stopping) {
            pending.done().completeExceptionally(new IllegalStateException("sink " + name() + " is stopped"));
            return pending.done();
        }
        redeliveries.add(pending);
        wake();
        return pending.done();
    }

    /**
     * What {@link #redeliver} did.
     *
     * @param written           records the target accepted
     * @param deadLetteredAgain records rejected again (appended to the dead-letter topic again)
     */
    public record Redelivery(int written, int deadLetteredAgain) {
    }

    private record PendingRedelivery(List<LogRecord> records, CompletableFuture<Redelivery> done) {
    }

    /**
     * Stops the runner: the batch in flight is finished (or, if its target is failing, abandoned
     * uncommitted, to be replayed on the next start) and the sink closed.
     */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Like {@link #close()}, waiting at most {@code timeout} for the runner thread. */
    public void close(Duration timeout) {
        stopping = true;
        wake();
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("sink {}: still busy {} after close, interrupting", name(), timeout);
                thread.interrupt();
            }
        }
        if (!thread.isAlive()) {
            state.set(SinkState.STOPPED);
        }
    }

    private void run() {
        GroupConsumer consumer = null;
        try {
            if (!awaitTopics() || !openSink()) {
                return;
            }
            consumer = log.consumer(settings.groupId(), OffsetResetPolicy.EARLIEST);
            consumer.subscribe(tableByTopic.keySet());
            transition(SinkState.RUNNING);
            loop(consumer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("sink {}: runner stopped by an unexpected error", name(), e);
            metrics.lastError.set(new SinkMetrics.LastError(clock.instant(), describe(e)));
        } finally {
            if (consumer != null) {
                consumer.close();
            }
            try {
                sink.close();
            } catch (RuntimeException e) {
                LOG.warn("sink {}: close failed: {}", name(), e.toString());
            }
            state.set(SinkState.STOPPED);
            LOG.info("sink {}: stopped after {} records ({} dead letters)", name(), metrics.recordsWritten(),
                    metrics.recordsDeadLettered());
        }
    }

    private void loop(GroupConsumer consumer) throws InterruptedException {
        while (!stopping) {
            applyResets(consumer);
            applyRedeliveries();
            if (paused || failed) {
                transition(failed ? SinkState.FAILED : SinkState.PAUSED);
                await(IDLE_POLL);
                continue;
            }
            transition(SinkState.RUNNING);
            List<LogRecord> polled = collect(consumer);
            if (polled.isEmpty()) {
                continue;
            }
            Map<TopicPartition, Long> firstOffsets = firstOffsets(polled);
            if (!deliver(consumer, polled)) {
                // Stopped or failed mid-way: read the undelivered rest again later.
                rewind(consumer, firstOffsets);
            }
        }
    }

    /** Polls until the batch policy says send; may return more than {@code maxRecords} (split later). */
    private List<LogRecord> collect(GroupConsumer consumer) throws InterruptedException {
        BatchPolicy policy = settings.batch();
        List<LogRecord> out = new ArrayList<>();
        long bytes = 0;
        long deadline = 0;
        while (!stopping && !paused) {
            Duration wait = out.isEmpty() ? IDLE_POLL : Duration.ofNanos(deadline - System.nanoTime());
            if (!out.isEmpty() && wait.isNegative()) {
                break;
            }
            List<LogRecord> got = consumer.poll(wait);
            if (got.isEmpty()) {
                if (out.isEmpty()) {
                    return out;
                }
                continue;
            }
            if (out.isEmpty()) {
                deadline = System.nanoTime() + policy.linger().toNanos();
            }
            out.addAll(got);
            for (LogRecord r : got) {
                bytes += size(r);
            }
            if (out.size() >= policy.maxRecords() || bytes >= policy.maxBytes() || policy.linger().isZero()) {
                break;
            }
        }
        return out;
    }

    /** Delivers polled records chunk by chunk, committing after each; false if it had to stop. */
    private boolean deliver(GroupConsumer consumer, List<LogRecord> polled) throws InterruptedException {
        BatchPolicy policy = settings.batch();
        int from = 0;
        while (from < polled.size()) {
            int to = from;
            long bytes = 0;
            while (to < polled.size() && to - from < policy.maxRecords() && (to == from || bytes < policy.maxBytes())) {
                bytes += size(polled.get(to++));
            }
            List<LogRecord> chunk = polled.subList(from, to);
            if (deliverChunk(chunk) < 0) {
                return false;
            }
            consumer.commitSync(nextOffsets(chunk));
            from = to;
        }
        return true;
    }

    /** Decodes, writes and dead-letters one chunk; returns how many were dead-lettered, or -1 to stop. */
    private int deliverChunk(List<LogRecord> chunk) throws InterruptedException {
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
            LOG.warn("sink {}: {} record(s) to {}; first: {} at {}:{}", name(), dead.size(), deadLetterTopic(),
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
            if (stopping || failed || paused) {
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
                    LOG.info("sink {}: target back after {} failed attempt(s)", name(), failures);
                    transition(SinkState.RUNNING);
                }
                return rejected;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                metrics.errors.increment();
                metrics.lastError.set(new SinkMetrics.LastError(clock.instant(), describe(e)));
                if (sink.classifier().isRetriable(e)) {
                    failures++;
                    if (!settings.retry().allowsAnother(failures)) {
                        LOG.error("sink {}: giving up after {} attempts: {}", name(), failures, describe(e));
                        failed = true;
                        return null;
                    }
                    Duration backoff = settings.retry().backoff(failures, random);
                    if (failures == 1 || Integer.bitCount(failures) == 1) { // 1, 2, 4, 8, ...: not once per attempt
                        LOG.warn("sink {}: attempt {} failed, retrying in {} ms: {}", name(), failures,
                                backoff.toMillis(), describe(e));
                    }
                    metrics.retries.increment();
                    transition(SinkState.RETRYING);
                    await(backoff);
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

    private void applyResets(GroupConsumer consumer) {
        PendingReset r;
        while ((r = resets.poll()) != null) {
            try {
                List<TopicPartition> all = new ArrayList<>();
                for (String topic : tableByTopic.keySet()) {
                    for (int p = 0; p < log.topicConfig(topic).partitions(); p++) {
                        all.add(new TopicPartition(topic, p));
                    }
                }
                ResetTarget target = r.target();
                if (target instanceof ResetTarget.Earliest) {
                    consumer.seekToBeginning(all);
                } else if (target instanceof ResetTarget.Latest) {
                    consumer.seekToEnd(all);
                } else if (target instanceof ResetTarget.Timestamp t) {
                    consumer.seekToTimestamp(all, t.epochMillis());
                } else if (target instanceof ResetTarget.Offsets o) {
                    for (Map.Entry<TopicPartition, Long> e : o.offsets().entrySet()) {
                        if (!all.contains(e.getKey())) {
                            throw new IllegalArgumentException(e.getKey() + " is not a partition of sink " + name());
                        }
                        long start = log.logStartOffset(e.getKey());
                        long end = log.endOffset(e.getKey());
                        if (e.getValue() < start || e.getValue() > end) {
                            throw new IllegalArgumentException("offset " + e.getValue() + " of " + e.getKey()
                                    + " is outside [" + start + ", " + end + "]");
                        }
                    }
                    o.offsets().forEach(consumer::seek);
                }
                Map<TopicPartition, Long> positions = new LinkedHashMap<>();
                for (TopicPartition tp : all) {
                    positions.put(tp, consumer.position(tp));
                }
                consumer.commitSync(positions);
                LOG.info("sink {}: offsets reset ({}) to {}", name(), r.target(), positions);
                r.done().complete(positions);
            } catch (RuntimeException e) {
                r.done().completeExceptionally(e);
            }
        }
    }

    private void applyRedeliveries() throws InterruptedException {
        PendingRedelivery r;
        while (!stopping && (r = redeliveries.peek()) != null) {
            int dead = 0;
            int written = 0;
            for (int from = 0; from < r.records().size(); from += settings.batch().maxRecords()) {
                List<LogRecord> chunk = r.records().subList(from,
                        Math.min(r.records().size(), from + settings.batch().maxRecords()));
                int d = deliverChunk(chunk);
                if (d < 0) {
                    return; // stopping, paused or failed mid-way: try again later
                }
                dead += d;
                written += chunk.size() - d;
            }
            redeliveries.poll();
            LOG.info("sink {}: redelivered {} record(s), {} rejected again", name(), written, dead);
            r.done().complete(new Redelivery(written, dead));
        }
    }

    private boolean awaitTopics() throws InterruptedException {
        boolean logged = false;
        while (!stopping) {
            List<String> missing = tableByTopic.keySet().stream().filter(t -> !log.topics().contains(t)).sorted().toList();
            if (missing.isEmpty()) {
                return true;
            }
            if (!logged) {
                LOG.info("sink {}: waiting for topics {} (created when capture starts)", name(), missing);
                logged = true;
            }
            await(IDLE_POLL);
        }
        return false;
    }

    private boolean openSink() throws InterruptedException {
        int failures = 0;
        while (!stopping) {
            try {
                sink.open(new SinkContext(name(), settings.tables()));
                LOG.info("sink {}: opened for {} table(s)", name(), settings.tables().size());
                return true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                metrics.errors.increment();
                metrics.lastError.set(new SinkMetrics.LastError(clock.instant(), describe(e)));
                if (!sink.classifier().isRetriable(e)) {
                    LOG.error("sink {}: cannot open: {}", name(), describe(e));
                    failed = true;
                    transition(SinkState.FAILED);
                    while (failed && !stopping) {
                        await(IDLE_POLL);
                    }
                    continue;
                }
                failures++;
                if (!settings.retry().allowsAnother(failures)) {
                    LOG.error("sink {}: cannot open after {} attempts: {}", name(), failures, describe(e));
                    failed = true;
                    transition(SinkState.FAILED);
                    while (failed && !stopping) {
                        await(IDLE_POLL);
                    }
                    failures = 0;
                    continue;
                }
                Duration backoff = settings.retry().backoff(failures, random);
                if (failures == 1 || Integer.bitCount(failures) == 1) {
                    LOG.warn("sink {}: cannot open yet (attempt {}), retrying in {} ms: {}", name(), failures,
                            backoff.toMillis(), describe(e));
                }
                transition(SinkState.RETRYING);
                await(backoff);
            }
        }
        return false;
    }

    private void rewind(GroupConsumer consumer, Map<TopicPartition, Long> firstOffsets) {
        Map<TopicPartition, Long> committed = log.committedOffsets(settings.groupId());
        for (Map.Entry<TopicPartition, Long> e : firstOffsets.entrySet()) {
            Long c = committed.get(e.getKey());
            consumer.seek(e.getKey(), c != null && c > e.getValue() ? c : e.getValue());
        }
    }

    private static Map<TopicPartition, Long> firstOffsets(List<LogRecord> records) {
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        for (LogRecord r : records) {
            first.putIfAbsent(r.partition(), r.offset());
        }
        return first;
    }

    private static Map<TopicPartition, Long> nextOffsets(List<LogRecord> records) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (LogRecord r : records) {
            next.merge(r.partition(), r.offset() + 1, Math::max);
        }
        return next;
    }

    private void transition(SinkState to) {
        SinkState from = state.getAndSet(to);
        if (from != to) {
            LOG.info("sink {}: {} -> {}", name(), from, to);
        }
    }

    /** Waits for {@code timeout} or until pause/resume/close signals. */
    private void await(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            if (!stopping) {
                signal.await(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void wake() {
        lock.lock();
        try {
            signal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static int size(LogRecord r) {
        return (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length) + 64;
    }

    private static String position(TopicPartition tp, long offset) {
        return tp + "@" + offset;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
