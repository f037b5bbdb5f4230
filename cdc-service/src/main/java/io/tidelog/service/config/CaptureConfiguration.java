package io.tidelog.service.config;

import io.tidelog.capture.CaptureLease;
import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.ChangeLogWriter;
import io.tidelog.capture.JdbcRowSource;
import io.tidelog.capture.OffsetStorage;
import io.tidelog.capture.SlotMonitor;
import io.tidelog.capture.SnapshotOptions;
import io.tidelog.capture.SourcePipeline;
import io.tidelog.capture.TopicNaming;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.TopicConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import io.tidelog.capture.SourceCheckException;
import io.tidelog.capture.SourceProblem;
import io.tidelog.event.TableId;
import io.tidelog.service.capture.CaptureLifecycle;
import io.tidelog.service.capture.CaptureHealthIndicator;
import io.tidelog.service.capture.CaptureProgressLog;
import io.tidelog.service.capture.RecentChanges;
import io.tidelog.service.demo.DemoDatabase;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires capture: where the source is, the engine's lifecycle, and where its changes go. */
@Configuration(proxyBeanMethods = false)
class CaptureConfiguration {

    @Bean
    SourceConnection sourceConnection(TidelogProperties properties, ObjectProvider<DemoDatabase> demo) {
        if (properties.demo().enabled()) {
            return demo.getObject().connection();
        }
        return SourceConnection.fromProperties(properties.source());
    }

    @Bean
    CaptureSettings captureSettings(TidelogProperties properties, SourceConnection connection) {
        TidelogProperties.Source source = properties.source();
        return new CaptureSettings(connection.address(), connection.username(), connection.password(),
                tables(source.tables()), source.slotName(), source.publicationName(), source.pollInterval(),
                source.maxBatchSize(), OffsetStorage.memory(), source.startupTimeout(),
                CaptureSettings.SnapshotMode.STREAM_ONLY, source.heartbeatInterval(), properties.snapshot().adHocChunkRows());
    }

    @Bean
    ChangeLogWriter changeLogWriter(ChangeLog changeLog, TidelogProperties properties, CaptureSettings settings) {
        TidelogProperties.Log log = properties.log();
        return new ChangeLogWriter(changeLog, topicNaming(log.topicPrefix()), TopicConfig.compacted(log.partitions()),
                settings.tables(), Clock.systemUTC(), new JdbcRowSource(settings));
    }

    /** The latest captured changes, for the progress line and status. */
    @Bean
    RecentChanges recentChanges() {
        return new RecentChanges(100);
    }

    @Bean
    CaptureLifecycle captureLifecycle(CaptureSettings settings, TidelogProperties properties, ChangeLog changeLog,
                                      ChangeLogWriter writer, RecentChanges recent) {
        TidelogProperties.Snapshot snapshot = properties.snapshot();
        SnapshotOptions options = new SnapshotOptions(snapshot.parallelism(), snapshot.rowsPerChunk());
        // A pipeline runs once: a source reset closes it and starts a fresh one.
        Supplier<SourcePipeline> pipelines = () -> new SourcePipeline(settings, options, changeLog, writer, recent,
                Clock.systemUTC());
        TidelogProperties.Lease lease = properties.lease();
        return lease.enabled()
                ? new CaptureLifecycle(pipelines, new CaptureLease(settings, instanceId(), lease.retryInterval()),
                        lease.retryInterval())
                : new CaptureLifecycle(pipelines);
    }

    /** This instance's name for the others: host and process id. */
    private static String instanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid();
    }

    @Bean(destroyMethod = "close")
    SlotMonitor slotMonitor(CaptureSettings settings, TidelogProperties properties) {
        SlotMonitor monitor = new SlotMonitor(settings, properties.source().slotLagWarning().toBytes(), Clock.systemUTC());
        monitor.start(Duration.ofSeconds(10));
        return monitor;
    }

    @Bean
    CaptureHealthIndicator captureHealthIndicator(CaptureLifecycle capture, SlotMonitor slots) {
        return new CaptureHealthIndicator(capture, slots);
    }

    @Bean
    CaptureProgressLog captureProgressLog(CaptureLifecycle capture, RecentChanges recent) {
        return new CaptureProgressLog(capture, recent);
    }

    private static TopicNaming topicNaming(String prefix) {
        try {
            return new TopicNaming(prefix);
        } catch (IllegalArgumentException e) {
            throw new SourceCheckException(SourceProblem.TABLES_INVALID, "tidelog.log.topic-prefix: " + e.getMessage() + ".",
                    "Set tidelog.log.topic-prefix to letters, digits, '.', '_' or '-'.");
        }
    }

    private static List<TableId> tables(List<String> names) {
        if (names.isEmpty()) {
            throw new SourceCheckException(SourceProblem.TABLES_INVALID,
                    "tidelog.source.tables is empty, so there is nothing to capture.",
                    "List the tables to capture under tidelog.source.tables, e.g. [public.customers, public.orders].");
        }
        return names.stream().map(name -> {
            try {
                return TableId.parse(name);
            } catch (IllegalArgumentException e) {
                throw new SourceCheckException(SourceProblem.TABLES_INVALID,
                        "tidelog.source.tables: " + e.getMessage() + ".",
                        "Write each entry of tidelog.source.tables as schema.table.");
            }
        }).toList();
    }
}
