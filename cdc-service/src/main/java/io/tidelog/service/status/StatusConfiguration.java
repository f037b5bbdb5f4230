package io.tidelog.service.status;

import io.tidelog.capture.AdHocSnapshots;
import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureLease;
import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.CaptureStats;
import io.tidelog.capture.SlotMonitor;
import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.service.capture.CaptureLifecycle;
import io.tidelog.service.config.SinkProperties;
import io.tidelog.service.config.TidelogProperties;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.snapshot.AlignedSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the {@link StatusService} over the running capture, log and sinks. */
@Configuration(proxyBeanMethods = false)
class StatusConfiguration {

    @Bean
    Redaction redaction(TidelogProperties properties) {
        List<String> secrets = new ArrayList<>();
        secrets.add(properties.source().password());
        secrets.add(properties.admin().token());
        for (SinkProperties sink : properties.sinks().values()) {
            secrets.add(sink.redis().password());
            secrets.add(sink.opensearch().password());
        }
        return Redaction.of(secrets);
    }

    @Bean(destroyMethod = "close")
    StatusService statusService(CaptureLifecycle capture, CaptureSettings settings, SlotMonitor slots, ChangeLog changeLog,
                                SinkFleet fleet, TidelogProperties properties, Redaction redaction) {
        Map<String, String> types = new LinkedHashMap<>();
        properties.sinks().forEach((name, sink) -> {
            if (sink.type() != null) {
                types.put(name, sink.type().name().toLowerCase(Locale.ROOT));
            }
        });
        StatusService status = new StatusService(new CaptureView(capture, settings, slots), changeLog, fleet, types,
                redaction, Clock.systemUTC());
        status.start(Duration.ofSeconds(1));
        return status;
    }

    /** Capture as the status sees it, read through the lifecycle on every call. */
    private record CaptureView(CaptureLifecycle capture, CaptureSettings settings, SlotMonitor slots)
            implements SourceView {

        @Override
        public String slotName() {
            return settings.slotName();
        }

        @Override
        public List<TableId> tables() {
            return settings.tables();
        }

        @Override
        public Capture.State state() {
            return capture.capture().state();
        }

        @Override
        public Throwable failure() {
            return capture.capture().failure();
        }

        @Override
        public CaptureStats.Snapshot stats() {
            return capture.capture().stats().snapshot();
        }

        @Override
        public SlotMonitor.SlotStatus slot() {
            return slots.latest();
        }

        @Override
        public AlignedSnapshot snapshot() {
            return capture.pipeline().snapshot();
        }

        @Override
        public List<AdHocSnapshots.Progress> adHocSnapshots() {
            return capture.pipeline().adHocSnapshots().all();
        }

        @Override
        public String role() {
            return capture.role().name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String leaseHolder() {
            CaptureLease.Holder h = capture.leaseHolder();
            return h == null ? null : h.toString();
        }
    }
}
