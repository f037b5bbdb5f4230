package io.tidelog.log.kafka;

import io.tidelog.log.LogListener;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.TopicPartition;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's {@link LogListener}s. On Kafka only {@link LogListener#onOffsetReset} is ever called (from
 * the resetting consumer's thread, inside its poll): fsyncs, segment rolls, deletions, compaction and
 * recovery happen in the brokers, which tell their clients nothing of them. A listener that throws is
 * logged and skipped. Thread-safe.
 */
final class Listeners {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<LogListener> listeners = new CopyOnWriteArrayList<>();

    void add(LogListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** A group's position was out of range and moved by its reset policy: logged, and every listener told. */
    void offsetReset(String groupId, TopicPartition partition, long from, long to, OffsetResetPolicy policy) {
        LOG.warn("Consumer group {} offset {} of {} is out of range; reset to {} ({}), skipping {} offsets",
                groupId, from, partition, to, policy, Math.max(0, to - from));
        for (LogListener l : listeners) {
            try {
                l.onOffsetReset(groupId, partition, from, to, policy);
            } catch (RuntimeException e) {
                LOG.warn("Log listener failed", e);
            }
        }
    }
}
