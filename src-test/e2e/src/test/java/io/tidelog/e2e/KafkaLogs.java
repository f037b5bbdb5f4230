package io.tidelog.e2e;

import io.tidelog.harness.KafkaServer;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.kafka.KafkaChangeLog;
import io.tidelog.log.kafka.KafkaLogSettings;

/** The log a service on the Kafka backend keeps on this broker, opened the way the service opens it. */
final class KafkaLogs {

    private KafkaLogs() {
    }

    static ChangeLog open(KafkaServer broker) {
        return KafkaChangeLog.open(KafkaLogSettings.of(broker.bootstrapServers()));
    }
}
