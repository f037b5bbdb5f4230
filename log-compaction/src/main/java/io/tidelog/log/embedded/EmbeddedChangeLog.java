package io.tidelog.log.embedded;

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
import io.tidelog.log.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedded, file-based {@link ChangeLog}: the only public class of this package besides
 * {@link LogConfig}. Open it with {@link #open(Path, LogConfig)}; close it to flush and stop its
 * threads (a flusher for group commit, a cleaner for retention and compaction).
 *
 * <p>Layout and formats: {@link LogFiles}, {@link RecordBatch}, {@link SegmentIndex}. Recovery:
 * {@link LogLoader}. Durability: {@link LogFlusher}. Compaction: {@link LogCleaner}.
 *
 * <p>Thread-safety: every method may be called from any thread (see {@link ChangeLog}).
 */
public final class EmbeddedChangeLog implements ChangeLog {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedChangeLog.class);

    private final Path root;
    private final LogConfig config;
    private final FileIo fileIo;
    private final LogStats stats = new LogStats();
    private final DataNotifier notifier = new DataNotifier();
    private final LogFlusher flusher;
    private final LogCleaner cleaner;
    private final GroupCoordinator groups;
    private final Map<String, TopicConfig> topicConfigs = new ConcurrentHashMap<>();
    private final Map<String, PartitionLog[]> topics = new ConcurrentHashMap<>();
    private FileChannel lockChannel;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPENING);

    /** Lifecycle; changed only through {@link #transition}. */
    enum State { OPENING, RUNNING, CLOSING, CLOSED }

    private EmbeddedChangeLog(Path root, LogConfig config, FileIo fileIo) {
        this.root = root;
        this.fileIo = fileIo;
        this.config = config;
        long interval = config.fsync().forces() ? config.fsync().interval().toNanos() : Long.MAX_VALUE;
        this.flusher = new LogFlusher(interval, stats, "tidelog-flusher");
        this.cleaner = new LogCleaner(config, stats, this::partitions);
        stats.segmentCount(() -> partitions().stream().mapToLong(PartitionLog::segmentCount).sum());
        this.groups = new GroupCoordinator(this, config.clock());
    }

    /** Opens (creating or recovering) the log in {@code root}. */
    public static EmbeddedChangeLog open(Path root, LogConfig config) {
        return open(root, config, FileIo.DEFAULT);
    }

    /** Opens with a custom file opener: tests inject I/O faults through it. */
    static EmbeddedChangeLog open(Path root, LogConfig config, FileIo fileIo) {
        EmbeddedChangeLog log = new EmbeddedChangeLog(root, config, fileIo);
        log.lockDirectory();
        log.flusher.start();
        try {
            for (var e : TopicStore.loadAll(root).entrySet()) {
                log.openTopic(e.getKey(), e.getValue());
            }
            log.groups.load();
        } catch (IOException | RuntimeException e) {
            log.flusher.shutdown();
            for (PartitionLog p : log.partitions()) {
                p.close();
            }
            log.unlockDirectory();
            throw e instanceof IOException io ? LogLoader.storageError(root, "open", io) : (RuntimeException) e;
        }
        log.cleaner.start();
        log.transition(State.OPENING, State.RUNNING);
        return log;
    }

    /** One process per directory: two logs appending to the same files would corrupt them. */
    private void lockDirectory() {
        try {
            Files.createDirectories(root);
            lockChannel = FileChannel.open(root.resolve(LogFiles.LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                throw new ChangeLogException("log directory " + root + " is already open in this or another process");
            }
        } catch (IOException e) {
            throw LogLoader.storageError(root, "lock", e);
        }
    }

    private void unlockDirectory() {
        try {
            lockChannel.close();
        } catch (IOException e) {
            log.warn("Could not release the lock of {}", root, e);
        }
    }

    private void openTopic(String topic, TopicConfig c) {
        PartitionLog[] parts = new PartitionLog[c.partitions()];
        for (int i = 0; i < parts.length; i++) {
            TopicPartition tp = new TopicPartition(topic, i);
            parts[i] = PartitionLog.open(tp, LogFiles.partitionDir(root, topic, i), c, config, stats, flusher, notifier, fileIo);
        }
        topicConfigs.put(topic, c);
        topics.put(topic, parts);
    }

    @Override
    public boolean createTopic(String topic, TopicConfig c) {
        TopicStore.validateName(topic, false);
        return createTopicInternal(topic, c);
    }

    synchronized boolean createTopicInternal(String topic, TopicConfig c) {
        ensureOpen();
        TopicConfig existing = topicConfigs.get(topic);
        if (existing != null) {
            if (existing.partitions() != c.partitions()) {
                throw new ChangeLogException("topic " + topic + " exists with " + existing.partitions()
                        + " partitions, not " + c.partitions());
            }
            return false;
        }
        try {
            TopicStore.save(root, topic, c);
        } catch (IOException e) {
            throw LogLoader.storageError(topic, "create topic", e);
        }
        openTopic(topic, c);
        log.info("Created topic {} with {} partition(s), cleanup policy {}", topic, c.partitions(), c.cleanupPolicy());
        return true;
    }

    @Override
    public Set<String> topics() {
        Set<String> names = new TreeSet<>(topicConfigs.keySet());
        names.removeIf(t -> t.startsWith(TopicStore.INTERNAL_PREFIX));
        return names;
    }

    @Override
    public TopicConfig topicConfig(String topic) {
        TopicConfig c = topicConfigs.get(topic);
        if (c == null) {
            if (config.autoCreateTopics() && !topic.startsWith(TopicStore.INTERNAL_PREFIX)) {
                createTopic(topic, config.defaultTopic());
                return topicConfigs.get(topic);
            }
            throw new UnknownTopicOrPartitionException(topic, -1);
        }
        return c;
    }

    PartitionLog partition(TopicPartition tp) {
        PartitionLog[] parts = topics.get(tp.topic());
        if (parts == null) {
            topicConfig(tp.topic());
            parts = topics.get(tp.topic());
        }
        if (tp.partition() >= parts.length) {
            throw new UnknownTopicOrPartitionException(tp.topic(), tp.partition());
        }
        return parts[tp.partition()];
    }

    List<PartitionLog> partitions() {
        List<PartitionLog> all = new ArrayList<>();
        for (PartitionLog[] parts : topics.values()) {
            all.addAll(List.of(parts));
        }
        return all;
    }

    @Override
    public CompletableFuture<AppendResult> append(TopicPartition tp, List<Record> records) {
        ensureOpen();
        return partition(tp).append(records);
    }

    @Override
    public ReadResult read(TopicPartition tp, long fromOffset, int maxRecords, int maxBytes) {
        ensureOpen();
        return partition(tp).read(fromOffset, maxRecords, maxBytes);
    }

    @Override
    public ReadResult poll(TopicPartition tp, long fromOffset, int maxRecords, int maxBytes, Duration timeout)
            throws InterruptedException {
        PartitionLog p = partition(tp);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = notifier.version();
            ReadResult r = read(tp, fromOffset, maxRecords, maxBytes);
            if (!r.isEmpty() || System.nanoTime() - deadline >= 0 || p.highWatermark() > fromOffset) {
                return r;
            }
            notifier.await(seen, deadline);
        }
    }

    DataNotifier notifier() {
        return notifier;
    }

    @Override
    public long logStartOffset(TopicPartition tp) {
        return partition(tp).logStartOffset();
    }

    @Override
    public long endOffset(TopicPartition tp) {
        return partition(tp).highWatermark();
    }

    @Override
    public OptionalLong offsetForTimestamp(TopicPartition tp, long timestamp) {
        return partition(tp).offsetForTimestamp(timestamp);
    }

    @Override
    public GroupConsumer consumer(String groupId, OffsetResetPolicy resetPolicy) {
        ensureOpen();
        return new EmbeddedGroupConsumer(this, groups, groupId, resetPolicy, stats);
    }

    @Override
    public Map<TopicPartition, Long> committedOffsets(String groupId) {
        return groups.committed(groupId);
    }

    @Override
    public CompletableFuture<Void> commitOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        ensureOpen();
        return groups.commit(groupId, offsets);
    }

    @Override
    public List<PartitionLag> lag(String groupId, String topic) {
        int n = topicConfig(topic).partitions();
        Map<TopicPartition, Long> committed = groups.committed(groupId);
        List<PartitionLag> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TopicPartition tp = new TopicPartition(topic, i);
            out.add(groups.lag(tp, committed.getOrDefault(tp, -1L)));
        }
        return out;
    }

    @Override
    public LogMetrics metrics() {
        return stats.snapshot();
    }

    @Override
    public void addListener(LogListener listener) {
        stats.add(listener);
    }

    /**
     * Runs one retention and compaction pass over all partitions now, as the cleaner thread does every
     * cleaner interval: a compacted partition is cleaned when it is due (dirty ratio or a tombstone's
     * delete horizon). Never overlaps the scheduled pass; returns when done (tests, admin).
     */
    public void runMaintenance() {
        ensureOpen();
        cleaner.runOnce();
    }

    /**
     * Bytes the partition's segments take on disk.
     *
     * @throws UnknownTopicOrPartitionException if the partition does not exist
     */
    public long sizeInBytes(TopicPartition tp) {
        return partition(tp).sizeInBytes();
    }

    LogCleaner cleaner() {
        return cleaner;
    }

    private void ensureOpen() {
        State s = state.get();
        if (s == State.CLOSING || s == State.CLOSED) {
            throw new ChangeLogException("log at " + root + " is " + s.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Moves the lifecycle from {@code from} to {@code to}; false (and nothing changes) if not in {@code from}. */
    private boolean transition(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        log.debug("Log at {}: {} -> {}", root, from, to);
        return true;
    }

    State state() {
        return state.get();
    }

    @Override
    public synchronized void close() {
        if (!transition(State.RUNNING, State.CLOSING)) {
            return;
        }
        cleaner.shutdown();
        flusher.shutdown();
        for (PartitionLog p : partitions()) {
            p.close();
        }
        unlockDirectory();
        transition(State.CLOSING, State.CLOSED);
        log.info("Closed log at {}", root);
    }
}
