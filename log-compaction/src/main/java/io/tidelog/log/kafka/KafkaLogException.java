package io.tidelog.log.kafka;

import io.tidelog.log.ChangeLogException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The Kafka cluster cannot do what the log asked: {@link #problem()} says what kind of trouble it is (a
 * startup failure analyzer maps it to an action), the message names the servers, topic or group and
 * what to check. The Kafka exception, if any, is the cause.
 */
public class KafkaLogException extends ChangeLogException {

    /** What is wrong. */
    public enum Problem {
        /** No broker answered within the request timeout. */
        UNREACHABLE,
        /** A topic the log needs does not exist and topic creation is disabled. */
        MISSING_TOPIC,
        /** A topic exists with another partition count or cleanup policy than the log needs. */
        TOPIC_MISMATCH,
        /** The cluster refused or failed a call. */
        FAILED
    }

    private final Problem problem;

    public KafkaLogException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** A timed-out call, or one Kafka itself calls retriable (leader moving, rebalance in progress). */
    @Override
    public boolean isRetriable() {
        return problem == Problem.UNREACHABLE || getCause() instanceof RetriableException
                || getCause() instanceof org.apache.kafka.common.errors.RebalanceInProgressException;
    }
}
