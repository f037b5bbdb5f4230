package io.tidelog.log.embedded;

import io.tidelog.log.GroupConsumer;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * A {@link GroupConsumer} of the embedded log. Positions live in memory until committed through the
 * {@link GroupCoordinator}. An out-of-range position (below the log start, or above the end) is
 * handled by the reset policy; every reset is logged and reported to listeners.
 *
 * <p><b>Not thread-safe</b>: one thread per consumer.
 */
final class EmbeddedGroupConsumer implements GroupConsumer {
    private static final int MAX_POLL_RECORDS = 500;
    private static final int MAX_POLL_BYTES = 1024 * 1024;

    private final EmbeddedChangeLog log;
    private final GroupCoordinator groups;
    private final String groupId;
    private final OffsetResetPolicy resetPolicy;
    private final LogStats stats;
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private int nextPartition;
    private boolean closed;

    EmbeddedGroupConsumer(EmbeddedChangeLog log, GroupCoordinator groups, String groupId,
                          OffsetResetPolicy resetPolicy, LogStats stats) {
        this.log = log;
        this.groups = groups;
        this.groupId = groupId;
        this.resetPolicy = resetPolicy;
        this.stats = stats;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    /** Static membership: every partition of the topics, for good; the listener is told of the assignment. */
    @Override
    public void subscribe(Collection<String> topics, RebalanceListener listener) {
        List<TopicPartition> all = new ArrayList<>();
        for (String t : topics) {
            for (int i = 0; i < log.topicConfig(t).partitions(); i++) {
                all.add(new TopicPartition(t, i));
            }
        }
        assign(all);
        listener.onPartitionsAssigned(List.copyOf(all));
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(positions.keySet());
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        positions.clear();
        for (TopicPartition tp : partitions) {
            log.partition(tp);
            long committed = groups.committed(groupId, tp);
            positions.put(tp, committed);
        }
    }

    @Override
    public List<LogRecord> poll(Duration timeout) throws InterruptedException {
        ensureOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> assigned = new ArrayList<>(positions.keySet());
        while (true) {
            long seen = log.notifier().version();
            List<LogRecord> out = new ArrayList<>();
            for (int i = 0; i < assigned.size() && out.size() < MAX_POLL_RECORDS; i++) {
                TopicPartition tp = assigned.get((nextPartition + i) % assigned.size());
                ReadResult r = readFrom(tp, MAX_POLL_RECORDS - out.size());
                out.addAll(r.records());
                positions.put(tp, r.nextOffset());
            }
            nextPartition = assigned.isEmpty() ? 0 : (nextPartition + 1) % assigned.size();
            if (!out.isEmpty() || System.nanoTime() - deadline >= 0) {
                return out;
            }
            log.notifier().await(seen, deadline);
        }
    }

    private ReadResult readFrom(TopicPartition tp, int maxRecords) {
        long position = position(tp);
        try {
            return log.read(tp, position, maxRecords, MAX_POLL_BYTES);
        } catch (OffsetOutOfRangeException e) {
            long reset = reset(tp, position, e);
            return log.read(tp, reset, maxRecords, MAX_POLL_BYTES);
        }
    }

    private long reset(TopicPartition tp, long from, OffsetOutOfRangeException cause) {
        long to = switch (resetPolicy) {
            case EARLIEST -> log.logStartOffset(tp);
            case LATEST -> log.endOffset(tp);
            case FAIL -> throw cause;
        };
        stats.onOffsetReset(groupId, tp, from, to, resetPolicy);
        positions.put(tp, to);
        return to;
    }

    @Override
    public long position(TopicPartition tp) {
        Long p = positions.get(tp);
        if (p == null) {
            throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
        }
        if (p < 0) {
            p = switch (resetPolicy) {
                case EARLIEST -> log.logStartOffset(tp);
                case LATEST -> log.endOffset(tp);
                case FAIL -> throw new OffsetOutOfRangeException(tp, -1, log.logStartOffset(tp), log.endOffset(tp));
            };
            positions.put(tp, p);
        }
        return p;
    }

    @Override
    public void seek(TopicPartition tp, long offset) {
        position(tp);
        positions.put(tp, offset);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            seek(tp, log.logStartOffset(tp));
        }
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            seek(tp, log.endOffset(tp));
        }
    }

    @Override
    public void seekToTimestamp(Collection<TopicPartition> partitions, long timestamp) {
        for (TopicPartition tp : partitions) {
            seek(tp, log.offsetForTimestamp(tp, timestamp).orElse(log.endOffset(tp)));
        }
    }

    @Override
    public void commitSync() {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (TopicPartition tp : positions.keySet()) {
            offsets.put(tp, position(tp));
        }
        commitSync(offsets);
    }

    @Override
    public void commitSync(Map<TopicPartition, Long> offsets) {
        ensureOpen();
        try {
            groups.commit(groupId, offsets).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    @Override
    public List<PartitionLag> lag() {
        List<PartitionLag> out = new ArrayList<>();
        for (TopicPartition tp : positions.keySet()) {
            out.add(groups.lag(tp, groups.committed(groupId, tp)));
        }
        return out;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("consumer of group " + groupId + " is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
