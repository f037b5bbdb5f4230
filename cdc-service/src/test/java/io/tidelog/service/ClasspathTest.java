package io.tidelog.service;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Guards the two dependency decisions that fail silently when a version bump undoes them. */
class ClasspathTest {

    @Test
    void slf4jTwoBindsToLogbackSoDebeziumLogsAppear() {
        // Debezium's BOM pins slf4j-api 1.7; with it, logback's provider is ignored and every log line is lost.
        assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(LoggerContext.class);
    }

    @Test
    void oneKafkaVersionTheOneDebeziumsConnectRuntimeWasBuiltWith() {
        List<String> kafkaJars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(path -> Path.of(path).getFileName().toString())
                .filter(name -> name.matches("(kafka-clients|connect-[a-z]+)-\\d.*\\.jar"))
                .toList();
        assertThat(kafkaJars).contains("kafka-clients-4.3.0.jar", "connect-runtime-4.3.0.jar", "connect-api-4.3.0.jar");
        assertThat(kafkaJars).allSatisfy(jar -> assertThat(jar).endsWith("-4.3.0.jar"));
        assertThat(AppInfoParser.getVersion()).isEqualTo("4.3.0");
    }
}
