package io.tidelog.service.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogListener;
import io.tidelog.log.LogMetrics;
import io.tidelog.log.TopicPartition;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The change log's meters, from {@link ChangeLog#metrics()} (totals since the log opened) and, for
 * fsync latency, a {@link LogListener} feeding a real {@link Timer} (so percentiles or a histogram
 * can be turned on with {@code management.metrics.distribution.*.tidelog.log.fsync}):
 * <pre>
 * tidelog.log.appended.records          counter  records acknowledged
 * tidelog.log.appended.bytes            counter  encoded bytes written
 * tidelog.log.fsync                     timer    fsync rounds (one may cover many appends and partitions)
 * tidelog.log.segments                  gauge    segments open across all partitions
 * tidelog.log.compaction.runs           counter  completed cleaning passes
 * tidelog.log.reclaimed.bytes           counter  bytes freed by compaction and retention
 * tidelog.log.recovery.dropped.bytes    counter  bytes cut by recovery on open (a torn tail)
 * tidelog.log.end.offset{topic}         gauge    summed end offsets of a captured table's topic
 * </pre>
 */
final class LogMeters implements MeterBinder {

    private final ChangeLog log;
    private final List<String> topics;

    /** @param topics the topics to report end offsets of (the captured tables'; a missing one reads NaN) */
    LogMeters(ChangeLog log, List<String> topics) {
        this.log = log;
        this.topics = List.copyOf(topics);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "tidelog.log.appended.records", null, "Records appended and acknowledged",
                LogMetrics::recordsAppended);
        counter(registry, "tidelog.log.appended.bytes", "bytes", "Encoded bytes appended", LogMetrics::bytesAppended);
        counter(registry, "tidelog.log.compaction.runs", null, "Completed compaction passes",
                LogMetrics::compactionRuns);
        counter(registry, "tidelog.log.reclaimed.bytes", "bytes", "Bytes freed by compaction and retention",
                LogMetrics::bytesReclaimed);
        counter(registry, "tidelog.log.recovery.dropped.bytes", "bytes",
                "Bytes cut by recovery on open (torn or corrupt tails)", LogMetrics::recoveredBytesDropped);
        Gauge.builder("tidelog.log.segments", this, m -> m.log.metrics().segments())
                .description("Segments open across all partitions").register(registry);
        Timer fsync = Timer.builder("tidelog.log.fsync").description("Fsync rounds of the log").register(registry);
        log.addListener(new LogListener() {
            @Override
            public void onFsync(long nanos, int partitionsFlushed) {
                fsync.record(nanos, TimeUnit.NANOSECONDS);
            }
        });
        for (String topic : topics) {
            Gauge.builder("tidelog.log.end.offset", this, m -> m.endOffset(topic)).tag("topic", topic)
                    .description("End offsets of the topic's partitions, summed").register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String unit, String description,
                         ToDoubleFunction<LogMetrics> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.log.metrics())).baseUnit(unit)
                .description(description).register(registry);
    }

    private double endOffset(String topic) {
        if (!log.topics().contains(topic)) {
            return Double.NaN;
        }
        long sum = 0;
        for (int p = 0; p < log.topicConfig(topic).partitions(); p++) {
            sum += log.endOffset(new TopicPartition(topic, p));
        }
        return sum;
    }
}
