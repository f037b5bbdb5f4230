package io.tidelog.service.config;

import io.tidelog.log.kafka.KafkaLogException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a Kafka log that cannot work (unreachable, a missing or mismatched topic) as the problem and its fix. */
class LogFailureAnalyzer extends AbstractFailureAnalyzer<KafkaLogException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KafkaLogException cause) {
        String action = switch (cause.problem()) {
            case UNREACHABLE -> "Check tidelog.log.kafka.bootstrap-servers, that the brokers run and are reachable from "
                    + "here, and the security settings under tidelog.log.kafka.properties.";
            case MISSING_TOPIC -> "Create the topic as the message says, or set tidelog.log.kafka.create-topics=true.";
            case TOPIC_MISMATCH -> "Make the topic match tidelog.log.partitions and cleanup.policy=compact, or point "
                    + "tidelog.log.topic-prefix at new topics.";
            case FAILED -> "See the cause; the brokers' logs may say more.";
        };
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }
}
