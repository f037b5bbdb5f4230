package io.tidelog.log.kafka;

import io.tidelog.log.AppendResult;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.ChangeLogException;
import io.tidelog.log.GroupConsumer;
import io.tidelog.log.LogListener;
import io.tidelog.log.LogMetrics;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.ReadResult;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChangeLog} on Apache Kafka: a log topic is a Kafka topic of the same name, a record a Kafka
 * record with the same key, value, headers and timestamp, a consumer group a Kafka consumer group. Any
 * Kafka client reads what this log writes. The mapping is in the {@linkplain io.tidelog.log.kafka package
 * documentation}; the roles are {@link Topics}, {@link Appender}, {@link Readers}, {@link GroupOffsets} and
 * {@link KafkaGroupConsumer}.
 *
 * <h2>Differences from the {@link ChangeLog} contract</h2>
 * <ul>
 *   <li>A failed append of several records may have made a prefix of them visible (no Kafka
 *       transactions); see {@link Appender}.</li>
 *   <li>Acknowledged means written to the in-sync replicas ({@code acks=all}), not fsynced: Kafka's
 *       durability is replication ({@code min.insync.replicas}), so run replication factor 3.</li>
 *   <li>{@link #commitOffsets} fails while the group has active members (Kafka refuses it).</li>
 *   <li>{@link #metrics()}: records and bytes appended (an upper bound of their uncompressed encoded size)
 *       are counted here; fsync, segment, compaction and recovery counters stay 0, as the brokers keep
 *       those. Listeners hear only of offset resets ({@link Listeners}).</li>
 *   <li>{@link GroupConsumer}s live on after {@link #close()} (each has its own connections); close them
 *       first.</li>
 * </ul>
 *
 * <h2>Lifecycle</h2>
 * {@link #open} checks that the cluster answers, then the log is {@link State#RUNNING}; {@link #close()}
 * moves it through {@link State#CLOSING} to {@link State#CLOSED}, after which every call throws
 * {@link ChangeLogException}.
 *
 * <p>Thread-safe, as {@link ChangeLog} demands.
 */
public final class KafkaChangeLog implements ChangeLog {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaChangeLog.class);

    /** Lifecycle; changed only through {@link #transition}. */
    enum State { RUNNING, CLOSING, CLOSED }

    private final KafkaClients clients;
    private final Admin admin;
    private final Topics topics;
    private final Appender appender;
    private final Readers readers;
    private final GroupOffsets groups;
    private final Listeners listeners = new Listeners();
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);

    private KafkaChangeLog(KafkaClients clients, Admin admin) {
        this.clients = clients;
        this.admin = admin;
        this.topics = new Topics(clients, admin);
        this.readers = new Readers(clients);
        this.groups = new GroupOffsets(clients, admin, readers, Clock.systemUTC());
        this.appender = new Appender(clients);
    }

    /**
     * Connects to the cluster and checks that it answers ({@code describeCluster}) within the request
     * timeout.
     *
     * @throws KafkaLogException {@link KafkaLogException.Problem#UNREACHABLE} when no broker answers in time or
     *                           the servers cannot be resolved, {@link KafkaLogException.Problem#FAILED} when the
     *                           cluster refuses (e.g. authentication) or a client property is invalid
     */
    public static KafkaChangeLog open(KafkaLogSettings settings) {
        Objects.requireNonNull(settings, "settings");
        KafkaClients clients = new KafkaClients(settings);
        Admin admin;
        try {
            admin = Admin.create(clients.admin());
        } catch (KafkaException e) {
            boolean servers = String.valueOf(e.getMessage()).contains("bootstrap");
            throw new KafkaLogException(servers ? KafkaLogException.Problem.UNREACHABLE : KafkaLogException.Problem.FAILED,
                    "cannot connect to Kafka at "
                    + settings.bootstrapServers() + ": " + e.getMessage() + "; check the bootstrap servers and the "
                    + "client properties " + new java.util.TreeSet<>(settings.properties().keySet()), e);
        }
        try {
            int brokers = admin.describeCluster().nodes()
                    .get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).size();
            KafkaChangeLog log = new KafkaChangeLog(clients, admin);
            LOG.info("Kafka log on {} ({} broker(s)), settings {}", settings.bootstrapServers(), brokers, settings);
            return log;
        } catch (InterruptedException e) {
            admin.close(Duration.ZERO);
            throw clients.interrupted("connecting to Kafka at " + settings.bootstrapServers(), e);
        } catch (ExecutionException | TimeoutException e) {
            admin.close(Duration.ZERO);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            boolean timedOut = cause instanceof TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException;
            throw new KafkaLogException(timedOut ? KafkaLogException.Problem.UNREACHABLE : KafkaLogException.Problem.FAILED,
                    (timedOut ? "no Kafka broker at " + settings.bootstrapServers() + " answered within "
                            + settings.requestTimeout().toMillis() + " ms"
                            : "Kafka at " + settings.bootstrapServers() + " refused to describe the cluster: " + cause)
                            + "; check the bootstrap servers, that the brokers run and are reachable from here, and "
                            + "the security properties", cause);
        } catch (KafkaException e) {
            admin.close(Duration.ZERO);
            throw new KafkaLogException(KafkaLogException.Problem.FAILED, "cannot create the Kafka clients for "
                    + settings.bootstrapServers() + ": " + e.getMessage() + "; check the client properties", e);
        }
    }

    @Override
    public boolean createTopic(String topic, TopicConfig config) {
        ensureOpen();
        return topics.create(topic, config);
    }

    @Override
    public Set<String> topics() {
        ensureOpen();
        return topics.names();
    }

    @Override
    public TopicConfig topicConfig(String topic) {
        ensureOpen();
        return topics.config(topic);
    }

    /** Sends to the explicit partition; see {@link Appender} for what differs from the embedded log. */
    @Override
    public CompletableFuture<AppendResult> append(TopicPartition partition, List<Record> records) {
        ensureOpen();
        return appender.append(partition, topics.check(partition), records);
    }

    @Override
    public ReadResult read(TopicPartition partition, long fromOffset, int maxRecords, int maxBytes) {
        ensureOpen();
        topics.check(partition);
        try {
            return readers.read(partition, fromOffset, maxRecords, maxBytes, Duration.ZERO);
        } catch (InterruptedException e) {
            throw clients.interrupted("reading " + partition, e);
        }
    }

    @Override
    public ReadResult poll(TopicPartition partition, long fromOffset, int maxRecords, int maxBytes, Duration timeout)
            throws InterruptedException {
        ensureOpen();
        topics.check(partition);
        return readers.read(partition, fromOffset, maxRecords, maxBytes, timeout);
    }

    @Override
    public long logStartOffset(TopicPartition partition) {
        ensureOpen();
        topics.check(partition);
        return readers.logStartOffsets(List.of(partition)).get(partition);
    }

    @Override
    public long endOffset(TopicPartition partition) {
        ensureOpen();
        topics.check(partition);
        return readers.endOffsets(List.of(partition)).get(partition);
    }

    @Override
    public OptionalLong offsetForTimestamp(TopicPartition partition, long timestamp) {
        ensureOpen();
        topics.check(partition);
        return readers.offsetForTimestamp(partition, timestamp);
    }

    /** A new member of the Kafka consumer group; see {@link KafkaGroupConsumer}. */
    @Override
    public GroupConsumer consumer(String groupId, OffsetResetPolicy resetPolicy) {
        ensureOpen();
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("a consumer group id is required");
        }
        return new KafkaGroupConsumer(groupId, Objects.requireNonNull(resetPolicy, "resetPolicy"), clients, topics,
                groups, listeners);
    }

    @Override
    public Map<TopicPartition, Long> committedOffsets(String groupId) {
        ensureOpen();
        return groups.committed(groupId);
    }

    /** Fails (exceptionally) while the group has active members; see {@link GroupOffsets}. */
    @Override
    public CompletableFuture<Void> commitOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        ensureOpen();
        return groups.commit(groupId, offsets);
    }

    @Override
    public List<PartitionLag> lag(String groupId, String topic) {
        ensureOpen();
        int n = topics.config(topic).partitions();
        List<TopicPartition> partitions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            partitions.add(new TopicPartition(topic, i));
        }
        return groups.lag(groupId, partitions);
    }

    /** Records and bytes appended since open; the other counters are the brokers' and stay 0. */
    @Override
    public LogMetrics metrics() {
        return new LogMetrics(appender.recordsAppended(), appender.bytesAppended(), 0, 0, 0, 0, 0, 0, 0);
    }

    /** Only {@link LogListener#onOffsetReset} is ever called; see {@link Listeners}. */
    @Override
    public void addListener(LogListener listener) {
        listeners.add(listener);
    }

    /**
     * Sends pending appends and waits for them, then closes the readers and the admin client, each within
     * the request timeout. Appends not acknowledged by then fail. Idempotent.
     */
    @Override
    public void close() {
        if (!transition(State.RUNNING, State.CLOSING)) {
            return;
        }
        Duration timeout = clients.timeout();
        try {
            appender.close(timeout);
        } finally {
            try {
                readers.close();
            } finally {
                admin.close(timeout);
                transition(State.CLOSING, State.CLOSED);
                LOG.info("Closed the Kafka log on {}", clients.settings().bootstrapServers());
            }
        }
    }

    private void ensureOpen() {
        State s = state.get();
        if (s != State.RUNNING) {
            throw new ChangeLogException("the Kafka log on " + clients.settings().bootstrapServers() + " is "
                    + s.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Moves the lifecycle from {@code from} to {@code to}; false (and nothing changes) if not in {@code from}. */
    private boolean transition(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        LOG.debug("Kafka log on {}: {} -> {}", clients.settings().bootstrapServers(), from, to);
        return true;
    }

    State state() {
        return state.get();
    }

    @Override
    public String toString() {
        return "KafkaChangeLog[" + clients.settings().bootstrapServers() + ", " + state.get() + "]";
    }
}
