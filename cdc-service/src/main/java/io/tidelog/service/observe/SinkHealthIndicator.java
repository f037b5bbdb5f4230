package io.tidelog.service.observe;

import io.tidelog.sink.runner.SinkMetrics;
import io.tidelog.sink.runner.SinkState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * One sink's health, a member of the {@code sinks} composite:
 * <ul>
 *   <li>OUT_OF_SERVICE when {@link SinkState#FAILED} (it stopped after an error it cannot get past,
 *       until resumed) or {@link SinkState#STOPPED}, with the last error;</li>
 *   <li>OUT_OF_SERVICE when its oldest unconsumed record is older than {@code tidelog.health.max-sink-lag}
 *       — a sink retrying for ever against a dead target ends up here;</li>
 *   <li>UP otherwise, including {@link SinkState#PAUSED} (an operator's choice; its lag is not held against it).</li>
 * </ul>
 * A non-UP health carries a {@code reason} naming the sink and the measured value.
 */
final class SinkHealthIndicator implements HealthIndicator {

    private final ObservedSink sink;
    private final Duration maxLag;

    SinkHealthIndicator(ObservedSink sink, Duration maxLag) {
        this.sink = sink;
        this.maxLag = maxLag;
    }

    /** The {@code sinks} contributor: one member per sink, by name. */
    static CompositeHealthContributor composite(List<ObservedSink> sinks, Duration maxLag) {
        Map<String, SinkHealthIndicator> members = new LinkedHashMap<>();
        sinks.forEach(s -> members.put(s.name(), new SinkHealthIndicator(s, maxLag)));
        return CompositeHealthContributor.fromMap(members);
    }

    @Override
    public Health health() {
        return assess(sink.name(), sink.runner().state(), sink.lag(), sink.runner().metrics().lastError(), maxLag);
    }

    static Health assess(String name, SinkState state, SinkLag lag, SinkMetrics.LastError lastError, Duration maxLag) {
        Health.Builder b;
        if (state == SinkState.FAILED) {
            b = Health.outOfService().withDetail("reason", "sink " + name + " FAILED"
                    + (lastError == null ? "" : ": " + lastError.message()));
        } else if (state == SinkState.STOPPED) {
            b = Health.outOfService().withDetail("reason", "sink " + name + " is stopped");
        } else if (state != SinkState.PAUSED && lag.age().compareTo(maxLag) > 0) {
            b = Health.outOfService().withDetail("reason", "sink " + name + " is " + Amounts.duration(lag.age())
                    + " behind (" + Amounts.count(lag.records()) + " records; max " + Amounts.duration(maxLag) + ")");
        } else {
            b = Health.up();
        }
        b.withDetail("state", state.name())
                .withDetail("lagRecords", lag.records())
                .withDetail("lagSeconds", Math.round(lag.ageSeconds() * 1000) / 1000.0);
        if (lastError != null) {
            b.withDetail("lastError", Map.of("at", String.valueOf(lastError.at()),
                    "message", String.valueOf(lastError.message())));
        }
        return b.build();
    }
}
