package io.tidelog.sink.runner;

import io.tidelog.log.TopicPartition;
import java.util.Map;

/**
 * Where a sink's runner moves its group's offsets on {@link SinkRunner#reset}. Moving back replays
 * records the target has (the versioned writes make that harmless); moving forward skips records.
 */
public sealed interface ResetTarget {

    /** Offset 0 (the log start) of every partition: rebuilds the target from the compacted log. */
    record Earliest() implements ResetTarget {
    }

    /** The end of every partition: skips everything not yet delivered. */
    record Latest() implements ResetTarget {
    }

    /** The first record of each partition with a log timestamp at or after {@code epochMillis}. */
    record Timestamp(long epochMillis) implements ResetTarget {
    }

    /** Exact offsets; partitions not named keep their position. */
    record Offsets(Map<TopicPartition, Long> offsets) implements ResetTarget {
        public Offsets {
            offsets = Map.copyOf(offsets);
        }
    }
}
