package io.tidelog.service.config;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import io.tidelog.log.kafka.KafkaChangeLog;
import io.tidelog.log.kafka.KafkaLogSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The change log between capture and sinks: the embedded log under {@code <data-dir>/log}, or Kafka
 * ({@code tidelog.log.backend: kafka}); capture, sinks and the admin API see only {@link ChangeLog}.
 */
@Configuration(proxyBeanMethods = false)
public class LogConfiguration {

    @Bean(destroyMethod = "close")
    DataDirectory dataDirectory(TidelogProperties properties) {
        return properties.demo().enabled() ? DataDirectory.temporary() : DataDirectory.at(properties.dataDir());
    }

    @Bean(destroyMethod = "close")
    ChangeLog changeLog(DataDirectory dataDirectory, TidelogProperties properties) {
        return switch (properties.log().backend()) {
            case EMBEDDED -> embedded(dataDirectory.path(), properties.log());
            case KAFKA -> kafka(properties.log().kafka());
        };
    }

    /** The embedded log under {@code <dataDir>/log}. */
    public static EmbeddedChangeLog embedded(Path dataDir, TidelogProperties.Log log) {
        Duration interval = log.fsyncInterval();
        LogConfig config = LogConfig.defaults().withFsync(interval.isZero()
                ? LogConfig.FsyncPolicy.perBatch() : LogConfig.FsyncPolicy.every(interval));
        return EmbeddedChangeLog.open(dataDir.resolve("log"), config);
    }

    /**
     * The log on Kafka as {@code tidelog.log.kafka} describes it.
     *
     * @throws InvalidLogException without bootstrap servers
     * @throws io.tidelog.log.kafka.KafkaLogException when no broker answers
     */
    public static KafkaChangeLog kafka(TidelogProperties.Kafka kafka) {
        if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
            throw new InvalidLogException("tidelog.log.kafka.bootstrap-servers is required with tidelog.log.backend=kafka",
                    "Set tidelog.log.kafka.bootstrap-servers to the brokers (host:port,...), or remove "
                            + "tidelog.log.backend to keep the embedded log.");
        }
        return KafkaChangeLog.open(new KafkaLogSettings(kafka.bootstrapServers(), kafka.replicationFactor(),
                kafka.createTopics(), kafka.requestTimeout(), kafka.properties(), "tidelog"));
    }
}
