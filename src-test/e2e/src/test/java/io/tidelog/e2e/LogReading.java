package io.tidelog.e2e;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogRecord;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import java.util.ArrayList;
import java.util.List;

/** Reads whole topics of a (stopped service's) log, for the checks that follow a run. */
final class LogReading {

    private LogReading() {
    }

    /** Every partition of the topic. */
    static List<TopicPartition> partitions(ChangeLog log, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        for (int p = 0; p < log.topicConfig(topic).partitions(); p++) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }

    /** Every record the partition holds, from its log start to its end, in offset order. */
    static List<LogRecord> all(ChangeLog log, TopicPartition tp) {
        List<LogRecord> all = new ArrayList<>();
        long offset = log.logStartOffset(tp);
        long end = log.endOffset(tp);
        while (offset < end) {
            ReadResult r = log.read(tp, offset, 10_000, 16 << 20);
            all.addAll(r.records());
            offset = r.nextOffset();
        }
        return all;
    }
}
