package io.tidelog.capture;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Keeps Debezium's source offsets in the change log itself, in the compacted topic
 * {@link TopicNaming#SOURCE_OFFSETS}: no side file, and the position is only ever written after the
 * events it covers are durable (the engine commits offsets of records the handler has accepted).
 *
 * <p>Debezium creates offset stores by class name, so the log is handed over through a registry:
 * {@link #register} returns an id that goes into the engine configuration as {@value #LOG_ID}.
 */
public final class LogOffsetBackingStore extends MemoryOffsetBackingStore {

    /** Engine property naming the registered log. */
    public static final String LOG_ID = "offset.storage.tidelog.log-id";

    private static final Map<String, ChangeLog> LOGS = new ConcurrentHashMap<>();
    private static final TopicPartition PARTITION = new TopicPartition(TopicNaming.SOURCE_OFFSETS, 0);

    private ChangeLog changeLog;

    /** Makes a log available to stores the engine creates; returns the id to configure. */
    public static String register(ChangeLog log) {
        String id = UUID.randomUUID().toString();
        LOGS.put(id, log);
        return id;
    }

    public static void unregister(String id) {
        LOGS.remove(id);
    }

    /** Whether the log holds a source position: false before the first offset commit. */
    public static boolean hasPosition(ChangeLog log) {
        return log.topics().contains(TopicNaming.SOURCE_OFFSETS) && log.endOffset(PARTITION) > 0;
    }

    /** Forgets the stored position (tombstones every key): the next run starts from its slot's beginning. */
    public static void clear(ChangeLog log) throws InterruptedException {
        if (!log.topics().contains(TopicNaming.SOURCE_OFFSETS)) {
            return;
        }
        java.util.Set<ByteBuffer> keys = new java.util.HashSet<>();
        PartitionScan.all(log, PARTITION, rec -> keys.add(ByteBuffer.wrap(rec.key())));
        if (keys.isEmpty()) {
            return;
        }
        List<Record> tombstones = keys.stream().map(k -> Record.tombstone(bytes(k))).toList();
        try {
            log.append(PARTITION, tombstones).get();
        } catch (ExecutionException e) {
            throw new CaptureWriteException("Could not clear the stored source position", e.getCause());
        }
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Object id = config.originals().get(LOG_ID);
        changeLog = id == null ? null : LOGS.get(id.toString());
        if (changeLog == null) {
            throw new ConnectException("No change log registered under " + LOG_ID + "=" + id);
        }
    }

    @Override
    public synchronized void start() {
        super.start();
        changeLog.createTopic(TopicNaming.SOURCE_OFFSETS, TopicConfig.compacted(1));
        PartitionScan.all(changeLog, PARTITION, rec -> {
            if (rec.value() == null) {
                data.remove(ByteBuffer.wrap(rec.key()));
            } else {
                data.put(ByteBuffer.wrap(rec.key()), ByteBuffer.wrap(rec.value()));
            }
        });
    }

    @Override
    protected void save() {
        List<Record> records = new ArrayList<>(data.size());
        for (Map.Entry<ByteBuffer, ByteBuffer> e : data.entrySet()) {
            records.add(Record.of(bytes(e.getKey()), e.getValue() == null ? null : bytes(e.getValue())));
        }
        if (records.isEmpty()) {
            return;
        }
        try {
            changeLog.append(PARTITION, records).get();
        } catch (ExecutionException e) {
            throw new ConnectException("Could not store the source position in the log", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while storing the source position", e);
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
