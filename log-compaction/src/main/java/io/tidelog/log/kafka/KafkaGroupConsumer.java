package io.tidelog.log.kafka;

import io.tidelog.log.GroupConsumer;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a Kafka consumer group: a {@link KafkaConsumer} with manual commits and the cooperative
 * sticky assignor, so that a rebalance revokes only the partitions that move (see {@link KafkaClients}
 * for its settings).
 *
 * <h2>Semantics, as the embedded consumer's</h2>
 * <ul>
 *   <li>{@link #subscribe} joins the group: partitions come with a later {@link #poll}, and the
 *       {@link RebalanceListener} is called on the polling thread inside {@code poll}. While
 *       {@link RebalanceListener#onPartitionsRevoked} runs, the revoked partitions are still assigned,
 *       so the listener can commit them. {@link #assign} is manual assignment; each ends the other.</li>
 *   <li>Start position: the committed offset; without one, or out of range, the reset policy. Kafka's own
 *       reset is off ({@code auto.offset.reset=none}): this class applies the policy, so that every reset
 *       of an out-of-range offset is logged and reported to {@link io.tidelog.log.LogListener#onOffsetReset}
 *       (a partition with no committed offset starts silently, as in the embedded log).
 *       {@link OffsetResetPolicy#FAIL} throws {@link OffsetOutOfRangeException} from {@link #poll} and
 *       {@link #position} (offset {@code -1} when nothing was committed).</li>
 *   <li>{@link #position}, {@link #seek} and the other seeks need an assigned partition and throw
 *       {@link IllegalStateException} otherwise, like both Kafka's and the embedded consumer. Unlike the
 *       embedded consumer, {@link #poll} before any {@link #subscribe} or {@link #assign} throws
 *       {@link IllegalStateException} too (Kafka's behaviour), instead of waiting for nothing.</li>
 *   <li>{@link #commitSync(Map)} commits only partitions assigned to this member now and skips the others
 *       (logged at debug): after a rebalance another member reads them and commits its own progress;
 *       committing a stale offset for it would make the group re-read or skip records.</li>
 * </ul>
 *
 * <p>Not thread-safe, like {@link KafkaConsumer}: one thread per consumer.
 */
final class KafkaGroupConsumer implements GroupConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupConsumer.class);
    /** Resets one poll applies before it gives up and returns nothing (retention racing the resets). */
    private static final int MAX_RESETS_PER_POLL = 8;

    private final String groupId;
    private final OffsetResetPolicy resetPolicy;
    private final KafkaClients clients;
    private final Topics topics;
    private final GroupOffsets groups;
    private final Listeners listeners;
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** Offsets delivered but not committed yet (Kafka refused while rebalancing); the consumer's thread only. */
    private final Map<org.apache.kafka.common.TopicPartition, Long> pendingCommits = new HashMap<>();
    private RuntimeException listenerFailure;
    /** True while {@link #close()} runs: the rebalance listener may still use the consumer. */
    private boolean closing;
    private boolean closed;

    KafkaGroupConsumer(String groupId, OffsetResetPolicy resetPolicy, KafkaClients clients, Topics topics,
                       GroupOffsets groups, Listeners listeners) {
        this.groupId = groupId;
        this.resetPolicy = resetPolicy;
        this.clients = clients;
        this.topics = topics;
        this.groups = groups;
        this.listeners = listeners;
        this.consumer = new KafkaConsumer<>(clients.member(groupId), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @Override
    public String groupId() {
        return groupId;
    }

    /** @throws io.tidelog.log.UnknownTopicOrPartitionException if a topic does not exist */
    @Override
    public void subscribe(Collection<String> topicNames, RebalanceListener listener) {
        ensureOpen();
        topicNames.forEach(topics::config);
        if (consumer.subscription().isEmpty() && !consumer.assignment().isEmpty()) {
            consumer.unsubscribe();
        }
        consumer.subscribe(List.copyOf(topicNames), new Rebalances(listener));
    }

    @Override
    public Set<TopicPartition> assignment() {
        ensureOpen();
        return Set.copyOf(Convert.ours(consumer.assignment()));
    }

    /** @throws io.tidelog.log.UnknownTopicOrPartitionException if a partition does not exist */
    @Override
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        partitions.forEach(topics::check);
        if (!consumer.subscription().isEmpty()) {
            consumer.unsubscribe();
        }
        consumer.assign(Convert.kafka(partitions));
    }

    @Override
    public List<LogRecord> poll(Duration timeout) throws InterruptedException {
        ensureOpen();
        try {
            return pollResetting(System.nanoTime() + timeout.toNanos());
        } catch (InterruptException e) {
            Thread.interrupted();
            InterruptedException ie = new InterruptedException("interrupted while polling group " + groupId);
            ie.initCause(e);
            throw ie;
        } catch (KafkaException e) {
            throw failure("poll", e);
        }
    }

    /** Polls until the deadline, applying the reset policy where Kafka reports a position it cannot use. */
    private List<LogRecord> pollResetting(long deadline) {
        for (int resets = 0; resets <= MAX_RESETS_PER_POLL; resets++) {
            try {
                List<LogRecord> out = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    out.add(Convert.logRecord(r));
                }
                if (!pendingCommits.isEmpty()) {
                    commitPending();
                }
                return out;
            } catch (NoOffsetForPartitionException e) {
                startWithoutOffset(e.partitions());
            } catch (org.apache.kafka.clients.consumer.OffsetOutOfRangeException e) {
                resetOutOfRange(e.offsetOutOfRangePartitions());
            }
        }
        return List.of();
    }

    /** A partition without a committed offset starts where the policy says, silently (or FAIL throws). */
    private void startWithoutOffset(Set<org.apache.kafka.common.TopicPartition> partitions) {
        switch (resetPolicy) {
            case EARLIEST -> consumer.seekToBeginning(partitions);
            case LATEST -> consumer.seekToEnd(partitions);
            case FAIL -> {
                org.apache.kafka.common.TopicPartition first = partitions.stream()
                        .min(Comparator.comparing(org.apache.kafka.common.TopicPartition::toString)).orElseThrow();
                throw outOfRange(first, -1);
            }
        }
        LOG.info("Consumer group {} has no committed offset for {}; starting at the {} offset", groupId,
                Convert.ours(partitions), resetPolicy == OffsetResetPolicy.EARLIEST ? "earliest" : "latest");
    }

    /** Positions outside the log move to its start or end, each reported; or FAIL throws. */
    private void resetOutOfRange(Map<org.apache.kafka.common.TopicPartition, Long> positions) {
        if (resetPolicy == OffsetResetPolicy.FAIL) {
            Map.Entry<org.apache.kafka.common.TopicPartition, Long> first = positions.entrySet().iterator().next();
            throw outOfRange(first.getKey(), first.getValue());
        }
        Map<org.apache.kafka.common.TopicPartition, Long> targets = resetPolicy == OffsetResetPolicy.EARLIEST
                ? consumer.beginningOffsets(positions.keySet(), clients.timeout())
                : consumer.endOffsets(positions.keySet(), clients.timeout());
        positions.forEach((ktp, from) -> {
            long to = targets.get(ktp);
            consumer.seek(ktp, to);
            listeners.offsetReset(groupId, Convert.ours(ktp), from, to, resetPolicy);
        });
    }

    private OffsetOutOfRangeException outOfRange(org.apache.kafka.common.TopicPartition ktp, long offset) {
        long start = consumer.beginningOffsets(List.of(ktp), clients.timeout()).get(ktp);
        long end = consumer.endOffsets(List.of(ktp), clients.timeout()).get(ktp);
        return new OffsetOutOfRangeException(Convert.ours(ktp), offset, start, end);
    }

    @Override
    public long position(TopicPartition partition) {
        ensureOpen();
        org.apache.kafka.common.TopicPartition ktp = Convert.kafka(partition);
        try {
            try {
                return consumer.position(ktp, clients.timeout());
            } catch (NoOffsetForPartitionException e) {
                startWithoutOffset(e.partitions());
                return consumer.position(ktp, clients.timeout());
            }
        } catch (InterruptException e) {
            throw clients.interrupted("group " + groupId + " reading its position on " + partition, e);
        } catch (KafkaException e) {
            throw failure("reading the position on " + partition, e);
        }
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        ensureOpen();
        consumer.seek(Convert.kafka(partition), offset);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        requireAssigned(partitions);
        consumer.seekToBeginning(Convert.kafka(partitions));
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        requireAssigned(partitions);
        consumer.seekToEnd(Convert.kafka(partitions));
    }

    @Override
    public void seekToTimestamp(Collection<TopicPartition> partitions, long timestamp) {
        requireAssigned(partitions);
        Map<org.apache.kafka.common.TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(Convert.kafka(tp), timestamp));
        Map<org.apache.kafka.common.TopicPartition, OffsetAndTimestamp> found;
        try {
            found = consumer.offsetsForTimes(query, clients.timeout());
        } catch (InterruptException e) {
            throw clients.interrupted("group " + groupId + " looking up offsets by time", e);
        } catch (KafkaException e) {
            throw failure("looking up offsets for timestamp " + timestamp, e);
        }
        for (org.apache.kafka.common.TopicPartition ktp : query.keySet()) {
            OffsetAndTimestamp o = found.get(ktp);
            if (o == null) {
                consumer.seekToEnd(List.of(ktp));
            } else {
                consumer.seek(ktp, o.offset());
            }
        }
    }

    private void requireAssigned(Collection<TopicPartition> partitions) {
        ensureOpen();
        Set<org.apache.kafka.common.TopicPartition> assigned = consumer.assignment();
        for (TopicPartition tp : partitions) {
            if (!assigned.contains(Convert.kafka(tp))) {
                throw new IllegalStateException("partition " + tp + " is not assigned to this consumer of group " + groupId);
            }
        }
    }

    /** Commits the positions of all assigned partitions (resolving a pending reset first). */
    @Override
    public void commitSync() {
        ensureOpen();
        Map<TopicPartition, Long> positions = new LinkedHashMap<>();
        for (org.apache.kafka.common.TopicPartition ktp : consumer.assignment()) {
            TopicPartition tp = Convert.ours(ktp);
            positions.put(tp, position(tp));
        }
        commitSync(positions);
    }

    /**
     * Commits the offsets of the partitions assigned now; see the class Javadoc for why not the others.
     *
     * <p>While the group rebalances Kafka refuses commits ({@code RebalanceInProgressException}): they are
     * kept and made after the next poll, or before the partitions are revoked. A commit after this member
     * was expelled ({@code CommitFailedException}) is dropped: the next owner replays from the last
     * committed offset. Either way the records were delivered, so a late or lost commit is a harmless replay.
     */
    @Override
    public void commitSync(Map<TopicPartition, Long> offsets) {
        ensureOpen();
        Set<org.apache.kafka.common.TopicPartition> assigned = consumer.assignment();
        GroupOffsets.kafkaOffsets(offsets).forEach((ktp, o) -> {
            if (assigned.contains(ktp)) {
                pendingCommits.merge(ktp, o.offset(), Math::max);
            } else {
                LOG.debug("Consumer group {}: not committing offset {} of {}, which this member no longer reads",
                        groupId, o.offset(), ktp);
            }
        });
        commitPending();
    }

    /** Makes the commits not made yet, for the partitions still assigned. */
    private void commitPending() {
        pendingCommits.keySet().retainAll(consumer.assignment());
        if (pendingCommits.isEmpty()) {
            return;
        }
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> mine = new HashMap<>();
        pendingCommits.forEach((ktp, o) -> mine.put(ktp, new OffsetAndMetadata(o)));
        try {
            consumer.commitSync(mine, clients.timeout());
            pendingCommits.clear();
        } catch (RebalanceInProgressException e) {
            LOG.debug("Consumer group {} rebalances: committing {} after the next poll", groupId, Convert.ours(mine.keySet()));
        } catch (CommitFailedException e) {
            LOG.warn("Consumer group {}: offsets of {} not committed, this member left the group meanwhile; their next "
                    + "owner replays from the last committed offset", groupId, Convert.ours(mine.keySet()));
            pendingCommits.clear();
        } catch (InterruptException e) {
            throw clients.interrupted("group " + groupId + " committing offsets", e);
        } catch (KafkaException e) {
            throw failure("commit of " + Convert.ours(mine.keySet()), e);
        }
    }

    /** Lag of the group's committed offsets on the partitions assigned to this member. */
    @Override
    public List<PartitionLag> lag() {
        List<TopicPartition> mine = new ArrayList<>(assignment());
        mine.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return groups.lag(groupId, mine);
    }

    /**
     * Leaves the group, within the request timeout; the partitions go to the other members at once. Kafka
     * first tells the {@link RebalanceListener} that they are revoked, and the listener may still commit;
     * if it fails, that is logged (the next owner reads the uncommitted records again). Idempotent.
     */
    @Override
    public void close() {
        if (closed || closing) {
            return;
        }
        closing = true;
        try {
            consumer.close(CloseOptions.timeout(clients.timeout()));
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Consumer group {}: interrupted while leaving the group", groupId);
        } catch (KafkaException e) {
            RuntimeException fromListener = listenerFailure;
            LOG.warn("Consumer group {}: closing the member failed: {}", groupId,
                    fromListener != null ? fromListener.toString() : e.toString(), fromListener != null ? fromListener : e);
        } finally {
            closed = true;
            listenerFailure = null;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("consumer of group " + groupId + " is closed");
        }
    }

    /** A Kafka failure of {@code what}: the rebalance listener's own exception as it was, else a {@link KafkaLogException}. */
    private RuntimeException failure(String what, KafkaException e) {
        RuntimeException fromListener = listenerFailure;
        listenerFailure = null;
        if (fromListener != null) {
            return fromListener;
        }
        if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
            return clients.timedOut("group " + groupId + ": " + what, e);
        }
        return new KafkaLogException(KafkaLogException.Problem.FAILED, "consumer group " + groupId + ": " + what
                + " failed: " + e, e);
    }

    /** The {@link RebalanceListener} as Kafka's; remembers what it throws, which Kafka wraps. */
    private final class Rebalances implements ConsumerRebalanceListener {
        private final RebalanceListener listener;

        Rebalances(RebalanceListener listener) {
            this.listener = listener;
        }

        @Override
        public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                call(() -> {
                    commitPending();
                    listener.onPartitionsRevoked(Convert.ours(partitions));
                });
            }
        }

        @Override
        public void onPartitionsLost(Collection<org.apache.kafka.common.TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                call(() -> listener.onPartitionsLost(Convert.ours(partitions)));
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                call(() -> listener.onPartitionsAssigned(Convert.ours(partitions)));
            }
        }

        private void call(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                listenerFailure = e;
                throw e;
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaGroupConsumer[" + groupId + ", " + resetPolicy + "]";
    }
}
