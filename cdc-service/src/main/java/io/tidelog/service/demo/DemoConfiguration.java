package io.tidelog.service.demo;

import io.tidelog.service.config.TidelogProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The demo's beans, present only with {@code tidelog.demo.enabled=true} (the {@code demo} profile). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("tidelog.demo.enabled")
class DemoConfiguration {

    @Bean(destroyMethod = "close")
    DemoDatabase demoDatabase() {
        return new DemoDatabase();
    }

    @Bean
    DemoWriteLoad demoWriteLoad(DemoDatabase database, TidelogProperties properties) {
        return new DemoWriteLoad(database, properties.demo().transactionsPerSecond());
    }
}
