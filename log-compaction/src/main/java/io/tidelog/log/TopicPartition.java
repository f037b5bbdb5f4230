package io.tidelog.log;

import java.util.Objects;

/**
 * One partition of a topic: the unit of ordering and of offsets.
 *
 * @param topic     the topic name
 * @param partition the partition number, {@code 0 <= partition < partitions}
 */
public record TopicPartition(String topic, int partition) {

    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
