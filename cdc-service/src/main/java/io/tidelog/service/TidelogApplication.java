package io.tidelog.service;

import io.tidelog.service.migrate.LogMigration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Tidelog sidecar. Configuration: {@code tidelog.*} ({@link io.tidelog.service.config.TidelogProperties}). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TidelogApplication {

    public static void main(String[] args) {
        if (LogMigration.requested(args)) {
            System.exit(LogMigration.run(args));
        }
        SpringApplication.run(TidelogApplication.class, args);
    }
}
