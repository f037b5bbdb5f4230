package io.tidelog.service.observe;

import io.tidelog.capture.TopicNaming;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.PartitionLag;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.sink.runner.SinkRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * One sink as the meters, health and progress line see it: its runner, and the log topics its
 * consumer group reads, whose lag is read from the log (a topic not created yet counts as no lag).
 *
 * @param runner the sink's runner
 * @param log    the log it reads
 * @param topics the topics of the tables it receives, in a stable order
 */
record ObservedSink(SinkRunner runner, ChangeLog log, List<String> topics) {

    ObservedSink {
        topics = List.copyOf(topics);
    }

    /** Every sink of the fleet, with its topics named as capture names them. */
    static List<ObservedSink> of(SinkFleet fleet, ChangeLog log, TopicNaming naming) {
        return fleet.runners().stream().map(r -> new ObservedSink(r, log,
                r.settings().tables().stream().map(naming::topic).sorted().toList())).toList();
    }

    String name() {
        return runner.name();
    }

    /** Lag over all of the sink's topics. */
    SinkLag lag() {
        List<PartitionLag> all = new ArrayList<>();
        for (String topic : topics) {
            all.addAll(partitions(topic));
        }
        return SinkLag.of(all);
    }

    /** Lag on one of its topics. */
    SinkLag lag(String topic) {
        return SinkLag.of(partitions(topic));
    }

    private List<PartitionLag> partitions(String topic) {
        return log.topics().contains(topic) ? log.lag(runner.settings().groupId(), topic) : List.of();
    }
}
