package io.tidelog.service.observe;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.SlotMonitor;
import io.tidelog.capture.TopicNaming;
import io.tidelog.log.ChangeLog;
import io.tidelog.service.capture.CaptureLifecycle;
import io.tidelog.service.config.TidelogProperties;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.snapshot.AlignedSnapshot;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires what an operator watches: the meter binders, the {@code walLag} and {@code sinks} health
 * contributors (members of the readiness group, see {@code application.yml}), and the sink progress line.
 */
@Configuration(proxyBeanMethods = false)
class ObserveConfiguration {

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    @Bean
    MeterBinder captureMeters(CaptureLifecycle capture, SlotMonitor slots) {
        return new CaptureMeters(() -> capture.capture().state(), () -> capture.capture().stats().snapshot(),
                () -> snapshotRows(capture.pipeline().snapshot()), slots::latest, Clock.systemUTC());
    }

    private static long snapshotRows(AlignedSnapshot snapshot) {
        return snapshot == null ? 0 : snapshot.progress().tables().stream().mapToLong(t -> t.rows()).sum();
    }

    @Bean
    MeterBinder logMeters(ChangeLog changeLog, CaptureSettings capture, TidelogProperties properties) {
        TopicNaming naming = naming(properties);
        return new LogMeters(changeLog, capture.tables().stream().map(naming::topic).toList());
    }

    @Bean
    MeterBinder sinkMeters(SinkFleet fleet, ChangeLog changeLog, TidelogProperties properties) {
        return new SinkMeters(ObservedSink.of(fleet, changeLog, naming(properties)));
    }

    @Bean
    HealthIndicator walLagHealthIndicator(SlotMonitor slots, HealthThresholds thresholds) {
        return new WalLagHealthIndicator(() -> freshUnlessPresent(slots), thresholds.maxWalLag());
    }

    /**
     * The monitor's latest measurement, measured again when it has none yet or last saw no slot: the
     * monitor starts before capture creates the slot and measures every few seconds, and readiness must
     * not report a missing slot for that long after it exists.
     */
    private static SlotMonitor.SlotStatus freshUnlessPresent(SlotMonitor slots) {
        SlotMonitor.SlotStatus latest = slots.latest();
        if (latest != null && latest.exists()) {
            return latest;
        }
        try {
            return slots.measure();
        } catch (SQLException | RuntimeException e) {
            return latest;
        }
    }

    @Bean
    CompositeHealthContributor sinksHealthContributor(SinkFleet fleet, ChangeLog changeLog,
                                                      TidelogProperties properties, HealthThresholds thresholds) {
        return SinkHealthIndicator.composite(ObservedSink.of(fleet, changeLog, naming(properties)),
                thresholds.maxSinkLag());
    }

    @Bean
    SinkProgressLog sinkProgressLog(SinkFleet fleet, ChangeLog changeLog, TidelogProperties properties) {
        return new SinkProgressLog(ObservedSink.of(fleet, changeLog, naming(properties)), PROGRESS_EVERY);
    }

    private static TopicNaming naming(TidelogProperties properties) {
        return new TopicNaming(properties.log().topicPrefix());
    }
}
