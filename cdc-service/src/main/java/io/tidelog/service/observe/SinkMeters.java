package io.tidelog.service.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tidelog.sink.runner.SinkMetrics;
import io.tidelog.sink.runner.SinkState;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Each sink's meters, tagged {@code sink=<name>}, from its runner's {@link SinkMetrics} (totals since
 * the runner started) and its consumer group's lag:
 * <pre>
 * tidelog.sink.records.written            counter  records written and flushed (dead letters not counted)
 * tidelog.sink.records.dead.lettered      counter  records sent to the dead-letter topic
 * tidelog.sink.retries                    counter  failed attempts that were retried
 * tidelog.sink.errors                     counter  failed attempts, retriable or not
 * tidelog.sink.batch.latency              timer    write + flush of successful batches (count and total)
 * tidelog.sink.dead.letters               gauge    records in the dead-letter topic
 * tidelog.sink.lag.records{topic}         gauge    offsets of the topic not yet consumed
 * tidelog.sink.lag.seconds{topic}         seconds  age of the oldest unconsumed record of the topic
 * tidelog.sink.state{state}               0 or 1   one series per {@link SinkState}, lower case
 * </pre>
 * The batch timer is a {@link FunctionTimer} over the runner's totals: no histogram, but exact.
 */
final class SinkMeters implements MeterBinder {

    private final List<ObservedSink> sinks;

    SinkMeters(List<ObservedSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ObservedSink sink : sinks) {
            Tags tags = Tags.of("sink", sink.name());
            counter(registry, sink, tags, "tidelog.sink.records.written", "Records written and flushed",
                    SinkMetrics::recordsWritten);
            counter(registry, sink, tags, "tidelog.sink.records.dead.lettered", "Records sent to the dead-letter topic",
                    SinkMetrics::recordsDeadLettered);
            counter(registry, sink, tags, "tidelog.sink.retries", "Failed attempts that were retried",
                    SinkMetrics::retries);
            counter(registry, sink, tags, "tidelog.sink.errors", "Failed attempts, retriable or not",
                    SinkMetrics::errors);
            FunctionTimer.builder("tidelog.sink.batch.latency", sink, s -> s.runner().metrics().batches(),
                            s -> s.runner().metrics().batchNanos(), TimeUnit.NANOSECONDS)
                    .tags(tags).description("Write and flush of successful batches").register(registry);
            Gauge.builder("tidelog.sink.dead.letters", sink, s -> s.runner().deadLetterCount()).tags(tags)
                    .description("Records in the sink's dead-letter topic").register(registry);
            for (String topic : sink.topics()) {
                Tags topicTags = tags.and("topic", topic);
                Gauge.builder("tidelog.sink.lag.records", sink, s -> s.lag(topic).records()).tags(topicTags)
                        .description("Offsets of the topic the sink has not consumed yet").register(registry);
                TimeGauge.builder("tidelog.sink.lag.seconds", sink, TimeUnit.SECONDS, s -> s.lag(topic).ageSeconds())
                        .tags(topicTags).description("Age of the oldest record of the topic the sink has not consumed")
                        .register(registry);
            }
            for (SinkState state : SinkState.values()) {
                Gauge.builder("tidelog.sink.state", sink, s -> s.runner().state() == state ? 1 : 0)
                        .tags(tags.and("state", state.name().toLowerCase(Locale.ROOT)))
                        .description("1 for the state the sink is in, 0 for the others").register(registry);
            }
        }
    }

    private static void counter(MeterRegistry registry, ObservedSink sink, Tags tags, String name, String description,
                                ToLongFunction<SinkMetrics> value) {
        FunctionCounter.builder(name, sink, s -> value.applyAsLong(s.runner().metrics())).tags(tags)
                .description(description).register(registry);
    }
}
