package io.tidelog.service.observe;

import io.tidelog.log.PartitionLag;
import java.time.Duration;
import java.util.Collection;

/**
 * How far a sink's consumer group is behind, summed over some partitions, from committed offsets.
 *
 * @param records  offsets not yet consumed ({@link PartitionLag#records()}); on compacted topics some
 *                 of them no longer hold a record
 * @param age      age of the oldest unconsumed record, zero when caught up
 * @param consumed the summed positions the group has consumed up to; its growth is the group's rate
 */
record SinkLag(long records, Duration age, long consumed) {

    static final SinkLag NONE = new SinkLag(0, Duration.ZERO, 0);

    static SinkLag of(Collection<PartitionLag> partitions) {
        long records = 0;
        long consumed = 0;
        Duration age = Duration.ZERO;
        for (PartitionLag p : partitions) {
            records += p.records();
            consumed += p.endOffset() - p.records();
            if (p.timeLag().compareTo(age) > 0) {
                age = p.timeLag();
            }
        }
        return new SinkLag(records, age, consumed);
    }

    double ageSeconds() {
        return age.toNanos() / 1e9;
    }
}
