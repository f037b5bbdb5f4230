package io.tidelog.e2e;

import io.tidelog.harness.KafkaServer;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the service under test keeps its log, chosen by {@code -Dtidelog.e2e.log-backend}: {@code embedded}
 * (the default: under the data directory) or {@code kafka} (a broker this suite starts, one per JVM).
 * The suite passes {@link #serviceArguments()} to the service and reads the log with {@link #open} while
 * the service is stopped.
 */
sealed interface LogBackend extends AutoCloseable {

    String PROPERTY = "tidelog.e2e.log-backend";

    /** The backend the system property names. */
    static LogBackend fromSystemProperty(Path dataDir) {
        String name = System.getProperty(PROPERTY, "embedded");
        return switch (name) {
            case "embedded" -> new Embedded(dataDir);
            case "kafka" -> new Kafka(KafkaServer.builder().name("kafka-e2e").start());
            default -> throw new IllegalArgumentException(PROPERTY + " must be embedded or kafka, not " + name);
        };
    }

    /** Command-line arguments that put the service's log here. */
    List<String> serviceArguments();

    /** The log, for reading or moving a stopped service's group offsets. */
    ChangeLog open();

    String name();

    @Override
    void close();

    /** The embedded log in the service's data directory. */
    record Embedded(Path dataDir) implements LogBackend {

        @Override
        public List<String> serviceArguments() {
            return List.of();
        }

        @Override
        public ChangeLog open() {
            return EmbeddedChangeLog.open(dataDir.resolve("log"), LogConfig.defaults());
        }

        @Override
        public String name() {
            return "embedded";
        }

        @Override
        public void close() {
        }
    }

    /** Topics on a Kafka broker started for the suite, stopped with it. */
    record Kafka(KafkaServer broker) implements LogBackend {

        @Override
        public List<String> serviceArguments() {
            return List.of("--tidelog.log.backend=kafka", "--tidelog.log.kafka.bootstrap-servers=" + broker.bootstrapServers());
        }

        @Override
        public ChangeLog open() {
            return KafkaLogs.open(broker);
        }

        @Override
        public String name() {
            return "kafka";
        }

        @Override
        public void close() {
            broker.close();
        }
    }
}
