package io.tidelog.service.config;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The change log between capture and sinks: the embedded log under {@code <data-dir>/log}. */
@Configuration(proxyBeanMethods = false)
class LogConfiguration {

    @Bean(destroyMethod = "close")
    DataDirectory dataDirectory(TidelogProperties properties) {
        return properties.demo().enabled() ? DataDirectory.temporary() : DataDirectory.at(properties.dataDir());
    }

    @Bean(destroyMethod = "close")
    ChangeLog changeLog(DataDirectory dataDirectory, TidelogProperties properties) {
        Duration interval = properties.log().fsyncInterval();
        LogConfig config = LogConfig.defaults().withFsync(interval.isZero()
                ? LogConfig.FsyncPolicy.perBatch() : LogConfig.FsyncPolicy.every(interval));
        return EmbeddedChangeLog.open(dataDirectory.path().resolve("log"), config);
    }
}
