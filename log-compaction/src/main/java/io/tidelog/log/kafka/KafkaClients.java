package io.tidelog.log.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;

/**
 * The configuration of every Kafka client of one log, and the one place where a call to the cluster
 * is awaited and its failure translated into a {@link KafkaLogException}.
 *
 * <p>Precedence: the user's {@link KafkaLogSettings#properties()} first, then the log's defaults where
 * the user set nothing ({@code putIfAbsent}), then the settings the log's guarantees rest on, which
 * always win:
 * <ul>
 *   <li>producer: {@code acks=all}, {@code enable.idempotence=true},
 *       {@code max.in.flight.requests.per.connection <= 5} (idempotence keeps order up to 5);</li>
 *   <li>consumers: {@code auto.offset.reset=none} (the log applies the {@link io.tidelog.log.OffsetResetPolicy}
 *       itself, so that it can report every reset), {@code isolation.level=read_uncommitted} (the end
 *       offset is the high watermark), no auto-commit;</li>
 *   <li>group members: {@code group.protocol=classic} with the {@link CooperativeStickyAssignor}
 *       (a rebalance revokes only the partitions that move).</li>
 * </ul>
 * Client ids are {@code <prefix>-<instance>-<role>}. Property values are never logged.
 *
 * <p>Immutable and thread-safe.
 */
final class KafkaClients {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String LZ4_CLASS = "net.jpountz.lz4.LZ4Factory";
    static final int MAX_REQUEST_BYTES = 16 << 20;

    private final KafkaLogSettings settings;
    private final String clientId;
    private final AtomicInteger members = new AtomicInteger();

    KafkaClients(KafkaLogSettings settings) {
        this.settings = settings;
        this.clientId = settings.clientId() + "-" + INSTANCES.incrementAndGet();
    }

    KafkaLogSettings settings() {
        return settings;
    }

    Duration timeout() {
        return settings.requestTimeout();
    }

    String clientId() {
        return clientId;
    }

    Map<String, Object> admin() {
        Map<String, Object> p = common("admin");
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis());
        return p;
    }

    Map<String, Object> producer() {
        Map<String, Object> p = common("producer");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, lz4Available() ? "lz4" : "none");
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMillis());
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(120_000, 2 * timeoutMillis()));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Object inFlight = p.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight == null || Integer.parseInt(inFlight.toString().strip()) > 5) {
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        }
        return p;
    }

    /**
     * A consumer without a group, for reads and offset look-ups. A reader that does not wait for records
     * has {@code fetch.max.wait.ms=0}: after returning records a consumer has already sent the next fetch,
     * and a read that seeks elsewhere must wait for that fetch's answer, which a waiting fetch holds back
     * for up to {@code fetch.max.wait.ms}. A waiting reader keeps Kafka's long poll, so that it waits
     * without spinning.
     */
    Map<String, Object> reader(int number, boolean waits) {
        Map<String, Object> p = consumer((waits ? "waiter-" : "reader-") + number);
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        if (!waits) {
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0);
        }
        return p;
    }

    /**
     * A member of {@code groupId}. Session timeout 10 s unless set: a member that died loses its
     * partitions to the others about 10 s later instead of Kafka's default 45 s.
     */
    Map<String, Object> member(String groupId) {
        Map<String, Object> p = consumer("member-" + members.incrementAndGet());
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        return p;
    }

    private Map<String, Object> consumer(String role) {
        Map<String, Object> p = common(role);
        p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        return p;
    }

    private Map<String, Object> common(String role) {
        Map<String, Object> p = new HashMap<>(settings.properties());
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId + "-" + role);
        p.putIfAbsent(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis());
        return p;
    }

    private int timeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis());
    }

    /** Whether lz4-java (a runtime dependency of kafka-clients, but excludable) is on the class path. */
    static boolean lz4Available() {
        try {
            Class.forName(LZ4_CLASS, false, KafkaClients.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Waits for an admin call within the request timeout.
     *
     * @throws KafkaLogException {@code UNREACHABLE} on timeout, {@code FAILED} with Kafka's exception as the
     *                           cause otherwise (also when interrupted; the interrupt flag is kept)
     */
    <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaLogException(KafkaLogException.Problem.FAILED, "interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw timedOut(what, cause);
            }
            throw new KafkaLogException(KafkaLogException.Problem.FAILED, what + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw timedOut(what, e);
        }
    }

    KafkaLogException timedOut(String what, Throwable cause) {
        return new KafkaLogException(KafkaLogException.Problem.UNREACHABLE, what + " took longer than "
                + timeout().toMillis() + " ms (Kafka at " + settings.bootstrapServers() + "); check that the brokers "
                + "run and are reachable", cause);
    }

    KafkaLogException interrupted(String what, Throwable cause) {
        Thread.currentThread().interrupt();
        return new KafkaLogException(KafkaLogException.Problem.FAILED, "interrupted while " + what, cause);
    }
}
