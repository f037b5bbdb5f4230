package io.tidelog.service.config;

import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.ChangeEventHandler;
import io.tidelog.capture.SourceCheckException;
import io.tidelog.capture.SourceProblem;
import io.tidelog.event.TableId;
import io.tidelog.service.capture.CaptureLifecycle;
import io.tidelog.service.capture.CaptureHealthIndicator;
import io.tidelog.service.capture.CaptureProgressLog;
import io.tidelog.service.capture.RecentChanges;
import io.tidelog.service.demo.DemoDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        List<TableId> tables = tables(source.tables());
        return new CaptureSettings(connection.address(), connection.username(), connection.password(), tables,
                source.slotName(), source.publicationName(), source.pollInterval(), source.maxBatchSize(),
                properties.demo().enabled() ? null : offsetFile(properties.dataDir()), source.startupTimeout(),
                CaptureSettings.SnapshotMode.DEBEZIUM_INITIAL);
    }

    /** The in-process next stage until the log takes this place. */
    @Bean
    RecentChanges recentChanges() {
        return new RecentChanges(100);
    }

    @Bean
    CaptureLifecycle captureLifecycle(CaptureSettings settings, ChangeEventHandler handler) {
        return new CaptureLifecycle(settings, handler);
    }

    @Bean
    CaptureHealthIndicator captureHealthIndicator(CaptureLifecycle capture) {
        return new CaptureHealthIndicator(capture);
    }

    @Bean
    CaptureProgressLog captureProgressLog(CaptureLifecycle capture, RecentChanges recent) {
        return new CaptureProgressLog(capture, recent);
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

    private static Path offsetFile(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create tidelog.data-dir " + dataDir.toAbsolutePath(), e);
        }
        return dataDir.resolve("source-offsets.dat");
    }
}
