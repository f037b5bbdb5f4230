package io.tidelog.service.migrate;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.LogCopy;
import io.tidelog.service.config.LogConfiguration;
import io.tidelog.service.config.TidelogProperties;
import io.tidelog.sink.runner.SinkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code migrate-log-to-kafka}: copies the embedded log under {@code tidelog.data-dir} into the Kafka
 * cluster of {@code tidelog.log.kafka.*}, with the same configuration the service runs with, then exits.
 * The service must be stopped. Afterwards start it with {@code tidelog.log.backend: kafka}: capture
 * resumes from the copied source position (no new snapshot) and every sink from its copied offset.
 *
 * <p>Runs a Spring context of its own with only the configuration bound (no capture, no sinks, no web
 * server). See {@link LogCopy} for what is copied and what is refused.
 */
@EnableConfigurationProperties(TidelogProperties.class)
public class LogMigration {

    /** The command-line argument that runs the migration instead of the service. */
    public static final String COMMAND = "migrate-log-to-kafka";

    private static final Logger log = LoggerFactory.getLogger(LogMigration.class);

    /** Whether the command line asks for the migration. */
    public static boolean requested(String[] args) {
        return Arrays.asList(args).contains(COMMAND);
    }

    /** Copies the log; returns the process exit code (0 done, 1 refused or failed). */
    public static int run(String[] args) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(LogMigration.class)
                .web(WebApplicationType.NONE).logStartupInfo(false).run(args)) {
            TidelogProperties properties = context.getBean(TidelogProperties.class);
            Path dataDir = properties.dataDir();
            if (!Files.isDirectory(dataDir.resolve("log"))) {
                log.error("No embedded log at {}: set tidelog.data-dir to the directory the service used", dataDir.resolve("log"));
                return 1;
            }
            List<String> groups = properties.sinks().keySet().stream().map(SinkSettings::groupIdOf).toList();
            try (ChangeLog from = LogConfiguration.embedded(dataDir, properties.log());
                 ChangeLog to = LogConfiguration.kafka(properties.log().kafka())) {
                log.info("Copying the embedded log at {} to Kafka at {} (groups {})", dataDir.resolve("log"),
                        properties.log().kafka().bootstrapServers(), groups);
                LogCopy.Result result = new LogCopy(from, to).copy(groups);
                result.records().forEach((topic, n) -> log.info("  {}: {} records", topic, n));
                result.groups().forEach((group, offsets) -> log.info("  group {}: offsets {}", group, offsets));
                log.info("Copied {} records in {} topics; start the service with tidelog.log.backend=kafka",
                        result.totalRecords(), result.records().size());
                return 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("Interrupted; the Kafka topics may be partly written: delete them and copy again");
            return 1;
        } catch (RuntimeException e) {
            log.error("Migration failed: {}", e.getMessage(), e);
            return 1;
        }
    }
}
