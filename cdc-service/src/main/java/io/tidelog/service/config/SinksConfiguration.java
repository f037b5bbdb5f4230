package io.tidelog.service.config;

import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.TopicNaming;
import io.tidelog.log.ChangeLog;
import io.tidelog.service.sinks.SinkFactory;
import io.tidelog.service.sinks.SinksLifecycle;
import io.tidelog.sink.runner.SinkFleet;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the sinks configured under {@code tidelog.sinks}: one runner each, over the log. */
@Configuration(proxyBeanMethods = false)
class SinksConfiguration {

    @Bean
    SinkFleet sinkFleet(TidelogProperties properties, CaptureSettings capture, ChangeLog changeLog,
                        DataDirectory dataDirectory) {
        SinkFactory factory = new SinkFactory(capture.tables(), new TopicNaming(properties.log().topicPrefix()),
                dataDirectory.path(), changeLog, Clock.systemUTC());
        return new SinkFleet(factory.create(properties.sinks()));
    }

    @Bean
    SinksLifecycle sinksLifecycle(SinkFleet fleet, TidelogProperties properties) {
        return new SinksLifecycle(fleet, properties.admin().shutdownTimeout());
    }
}
