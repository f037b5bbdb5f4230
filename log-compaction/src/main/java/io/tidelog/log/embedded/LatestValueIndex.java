package io.tidelog.log.embedded;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.LatestValues;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link LatestValues} as a local index over the log: per partition, key hash → offset of the key's
 * latest record ({@link KeyOffsetTable}); a lookup reads that one record back and checks its key.
 * Values are never cached, so memory follows the number of keys, not their size.
 *
 * <p><b>Following the log.</b> The index of a partition is built on its first lookup by reading the
 * partition from its log start (for a compacted topic that is its compacted view, plus the dirty
 * tail), and before every later lookup it indexes the records appended since, up to the high
 * watermark. So it is always as current as the durable log when it answers, needs no hook in the
 * append path, keeps no files, and is rebuilt the same way after a restart. A record with a value
 * sets its key's offset; a tombstone removes the key.
 *
 * <p><b>Memory bound.</b> At most {@code maxBytesPerTopic} per topic (split evenly over its
 * partitions), 16 bytes per slot at up to 3/4 load: about {@code maxBytesPerTopic / 21} keys per
 * topic. Beyond that, keys are evicted and lookups for them answer empty ({@link #evictions()}
 * counts them). Catching up reads at most {@value #READ_BYTES} bytes per read call.
 *
 * <p><b>Invariants.</b> A present answer is the record at the offset indexed for the key, read
 * back with the same key and a value: compaction keeps the latest record of every key, so the offset
 * of an indexed key's latest record stays readable; if it is not (a stale entry whose tombstone was
 * compacted away before the index saw it, a hash collision, a record removed by retention), the
 * read-back check fails and the answer is empty, never another key's record.
 *
 * <p><b>Thread-safety.</b> Thread-safe: each partition's index is guarded by its own lock (catch-up
 * and lookup of one partition are serialised, partitions proceed in parallel); reading the record
 * back happens outside the lock.
 */
public final class LatestValueIndex implements LatestValues {

    /** The default memory bound per topic: 32 MiB, about 1.5 million keys. */
    public static final long DEFAULT_BYTES_PER_TOPIC = 32L << 20;

    static final int READ_BYTES = 1 << 20;
    private static final int READ_RECORDS = 4096;

    private final ChangeLog log;
    private final long maxBytesPerTopic;
    private final ConcurrentMap<TopicPartition, PartitionIndex> partitions = new ConcurrentHashMap<>();

    /**
     * An index over this log, empty until the first lookup of each partition.
     *
     * @param maxBytesPerTopic the memory bound of one topic's key → offset tables
     */
    public LatestValueIndex(ChangeLog log, long maxBytesPerTopic) {
        this.log = Objects.requireNonNull(log, "log");
        if (maxBytesPerTopic < KeyOffsetTable.BYTES_PER_SLOT) {
            throw new IllegalArgumentException("maxBytesPerTopic must be at least " + KeyOffsetTable.BYTES_PER_SLOT
                    + ", was " + maxBytesPerTopic);
        }
        this.maxBytesPerTopic = maxBytesPerTopic;
    }

    @Override
    public Optional<LogRecord> latest(String topic, byte[] key) {
        Objects.requireNonNull(key, "key");
        TopicPartition tp = new TopicPartition(topic, log.partitionFor(topic, key));
        PartitionIndex index = partitions.computeIfAbsent(tp, t -> new PartitionIndex(
                new KeyOffsetTable(maxBytesPerTopic / log.topicConfig(topic).partitions())));
        long hash = KeyHash.hash64(key);
        long offset;
        synchronized (index) {
            catchUp(tp, index);
            offset = index.table.get(hash);
        }
        if (offset < 0) {
            return Optional.empty();
        }
        LogRecord record = readAt(tp, offset);
        boolean same = record != null && record.offset() == offset && Arrays.equals(record.key(), key);
        return same && record.value() != null ? Optional.of(record) : Optional.empty();
    }

    /** Keys currently indexed in a partition (0 before its first lookup). */
    public int size(TopicPartition partition) {
        PartitionIndex index = partitions.get(partition);
        if (index == null) {
            return 0;
        }
        synchronized (index) {
            return index.table.size();
        }
    }

    /** Keys dropped to stay within the memory bound, over all partitions. */
    public long evictions() {
        long n = 0;
        for (PartitionIndex index : partitions.values()) {
            synchronized (index) {
                n += index.table.evictions();
            }
        }
        return n;
    }

    /** Bytes held by the key → offset tables now, over all partitions. */
    public long memoryBytes() {
        long n = 0;
        for (PartitionIndex index : partitions.values()) {
            synchronized (index) {
                n += index.table.bytes();
            }
        }
        return n;
    }

    /** Indexes every record from where the index stopped up to the high watermark. */
    private void catchUp(TopicPartition tp, PartitionIndex index) {
        long end = log.endOffset(tp);
        while (index.next < end) {
            ReadResult r;
            try {
                r = log.read(tp, index.next, READ_RECORDS, READ_BYTES);
            } catch (OffsetOutOfRangeException e) {
                long start = log.logStartOffset(tp);
                if (index.next >= start) {
                    throw e;
                }
                index.next = start; // retention removed what was not indexed yet
                continue;
            }
            for (LogRecord record : r.records()) {
                if (record.key() == null) {
                    continue;
                }
                long hash = KeyHash.hash64(record.key());
                if (record.value() == null) {
                    index.table.remove(hash);
                } else {
                    index.table.put(hash, record.offset());
                }
            }
            if (r.nextOffset() <= index.next) {
                break; // nothing readable up to the watermark yet
            }
            index.next = r.nextOffset();
        }
    }

    private LogRecord readAt(TopicPartition tp, long offset) {
        try {
            List<LogRecord> records = log.read(tp, offset, 1, 1).records();
            return records.isEmpty() ? null : records.get(0);
        } catch (OffsetOutOfRangeException e) {
            return null;
        }
    }

    /** One partition's table and the next offset to index; guarded by its own monitor. */
    private static final class PartitionIndex {
        final KeyOffsetTable table;
        long next;

        PartitionIndex(KeyOffsetTable table) {
            this.table = table;
        }
    }
}
