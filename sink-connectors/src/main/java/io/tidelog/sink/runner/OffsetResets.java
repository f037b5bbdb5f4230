package io.tidelog.sink.runner;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.GroupConsumer;
import io.tidelog.log.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Moves a sink's consumer to a {@link ResetTarget}, checking requested offsets against the log. */
final class OffsetResets {

    private OffsetResets() {
    }

    /**
     * Seeks every partition of {@code topics} that this consumer is assigned as {@code target} says. On
     * the embedded log that is every partition; on Kafka with several instances only this instance's
     * share, so a reset is made on each instance (README, "Scale-out").
     *
     * @return the new position of every partition moved, to be committed
     * @throws IllegalArgumentException for an offset outside its partition's range, or a partition the
     *                                  sink does not read or another instance reads
     */
    static Map<TopicPartition, Long> seek(GroupConsumer consumer, ChangeLog log, Collection<String> topics,
                                          ResetTarget target, String sinkName) {
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : topics) {
            for (int p = 0; p < log.topicConfig(topic).partitions(); p++) {
                all.add(new TopicPartition(topic, p));
            }
        }
        List<TopicPartition> mine = all.stream().filter(consumer.assignment()::contains).toList();
        if (target instanceof ResetTarget.Earliest) {
            consumer.seekToBeginning(mine);
        } else if (target instanceof ResetTarget.Latest) {
            consumer.seekToEnd(mine);
        } else if (target instanceof ResetTarget.Timestamp t) {
            consumer.seekToTimestamp(mine, t.epochMillis());
        } else if (target instanceof ResetTarget.Offsets o) {
            for (Map.Entry<TopicPartition, Long> e : o.offsets().entrySet()) {
                if (!all.contains(e.getKey())) {
                    throw new IllegalArgumentException(e.getKey() + " is not a partition of sink " + sinkName);
                }
                if (!mine.contains(e.getKey())) {
                    throw new IllegalArgumentException(e.getKey() + " is read by another instance of sink " + sinkName
                            + "; reset it there");
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
        for (TopicPartition tp : mine) {
            positions.put(tp, consumer.position(tp));
        }
        return positions;
    }
}
