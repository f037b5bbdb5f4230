package io.tidelog.sink.runner;

import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.GroupConsumer;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.TopicPartition;
import io.tidelog.sink.Sink;
import io.tidelog.sink.SinkContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <h2>Rebalances</h2>
 * On Kafka the sink's group spreads partitions over the instances running the sink. Before the group
 * takes partitions away from this runner, the records it has read but not delivered are delivered and
 * their offsets committed (inside the consumer's poll, on the runner thread), so the next owner starts
 * where this one stopped; if that cannot finish (the runner is stopping), the next owner replays them,
 * which the versioned writes make harmless. The embedded log never moves partitions.
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
    private final Clock clock;
    private final SinkMetrics metrics = new SinkMetrics();
    private final AtomicReference<SinkState> state = new AtomicReference<>(SinkState.STARTING);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private final Thread thread;
    private final DeadLetters deadLetters;
    private final ChunkWriter chunks;
    private final ConcurrentLinkedQueue<PendingReset> resets = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<PendingRedelivery> redeliveries = new ConcurrentLinkedQueue<>();
    /** Polled but not yet delivered (runner thread only); delivered early when partitions are revoked. */
    private final List<LogRecord> undelivered = new ArrayList<>();
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
        EnvelopeDecoder decoder = new EnvelopeDecoder(tableByTopic, settings.fields());
        this.deadLetters = new DeadLetters(log, settings.name(), clock);
        this.chunks = new ChunkWriter(settings.name(), sink, decoder, deadLetters, settings.retry(), metrics, clock,
                new ChunkWriter.Control() {
                    @Override
                    public boolean abandon() {
                        return stopping || failed || paused;
                    }

                    @Override
                    public void giveUp() {
                        failed = true;
                        transition(SinkState.FAILED);
                    }

                    @Override
                    public void state(SinkState to) {
                        transition(to);
                    }

                    @Override
                    public void await(Duration timeout) throws InterruptedException {
                        SinkRunner.this.await(timeout);
                    }
                });
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
            consumer.subscribe(tableByTopic.keySet(), new Handover(consumer));
            transition(SinkState.RUNNING);
            loop(consumer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("sink {}: runner stopped by an unexpected error", name(), e);
            metrics.lastError.set(new SinkMetrics.LastError(clock.instant(), ChunkWriter.describe(e)));
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

    /**
     * Polls until the batch policy says send; may return more than {@code maxRecords} (split later).
     * Records gather in {@link #undelivered}, which a revocation inside a poll may deliver and empty.
     */
    private List<LogRecord> collect(GroupConsumer consumer) throws InterruptedException {
        BatchPolicy policy = settings.batch();
        undelivered.clear();
        long bytes = 0;
        long deadline = 0;
        while (!stopping && !paused) {
            Duration wait = undelivered.isEmpty() ? IDLE_POLL : Duration.ofNanos(deadline - System.nanoTime());
            if (!undelivered.isEmpty() && wait.isNegative()) {
                break;
            }
            List<LogRecord> got = consumer.poll(wait);
            if (got.isEmpty()) {
                if (undelivered.isEmpty()) {
                    break;
                }
                continue;
            }
            if (undelivered.isEmpty()) {
                deadline = System.nanoTime() + policy.linger().toNanos();
                bytes = 0;
            }
            undelivered.addAll(got);
            for (LogRecord r : got) {
                bytes += size(r);
            }
            if (undelivered.size() >= policy.maxRecords() || bytes >= policy.maxBytes() || policy.linger().isZero()) {
                break;
            }
        }
        List<LogRecord> out = new ArrayList<>(undelivered);
        undelivered.clear();
        return out;
    }

    /** Delivers and commits what was read before the group moves partitions away (see the class Javadoc). */
    private final class Handover implements GroupConsumer.RebalanceListener {

        private final GroupConsumer consumer;

        Handover(GroupConsumer consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (undelivered.isEmpty()) {
                LOG.info("sink {}: partitions {} go to another instance; nothing read from them is pending", name(), partitions);
                return;
            }
            List<LogRecord> pending = new ArrayList<>(undelivered);
            undelivered.clear();
            try {
                boolean done = deliver(consumer, pending);
                LOG.info("sink {}: partitions {} go to another instance; {} record(s) read before were {}", name(),
                        partitions, pending.size(), done ? "delivered and committed first" : "left for the next owner");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            undelivered.removeIf(r -> partitions.contains(r.partition()));
            LOG.warn("sink {}: partitions {} were lost (this instance left the group); their next owner replays "
                    + "what was not committed", name(), partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("sink {}: reading partitions {}", name(), partitions);
        }
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
            if (chunks.deliverChunk(chunk) < 0) {
                return false;
            }
            consumer.commitSync(nextOffsets(chunk));
            from = to;
        }
        return true;
    }

    private void applyResets(GroupConsumer consumer) {
        PendingReset r;
        while ((r = resets.poll()) != null) {
            try {
                Map<TopicPartition, Long> positions = OffsetResets.seek(consumer, log, tableByTopic.keySet(), r.target(), name());
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
                int d = chunks.deliverChunk(chunk);
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

    /** Opens the sink; after a failure for good, waits to be resumed and tries again. */
    private boolean openSink() throws InterruptedException {
        while (!stopping) {
            if (chunks.open(new SinkContext(name(), settings.tables()))) {
                return true;
            }
            while ((failed || paused) && !stopping) {
                await(IDLE_POLL);
            }
        }
        return false;
    }

    private void rewind(GroupConsumer consumer, Map<TopicPartition, Long> firstOffsets) {
        Map<TopicPartition, Long> committed = log.committedOffsets(settings.groupId());
        for (Map.Entry<TopicPartition, Long> e : firstOffsets.entrySet()) {
            if (!consumer.assignment().contains(e.getKey())) {
                continue; // gone to another instance meanwhile, which reads from the committed offset
            }
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

}
