package io.tidelog.log.kafka;

import io.tidelog.log.InvalidTopicException;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.UnknownTopicOrPartitionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's topics on the cluster: creation and verification, the topic list and each topic's config.
 *
 * <p>Caches: a topic's config is described once and kept (a Kafka topic's partition count only grows by
 * an explicit admin action, which the log does not support: partitions are fixed, as keys must keep
 * their partition). The topic list is kept for at most {@link #LIST_MAX_AGE_NANOS}, since callers poll it
 * often, and dropped when this log creates a topic. A topic deleted behind the log's back stays in the
 * config cache; the calls on it then fail in Kafka.
 *
 * <p>Thread-safe: the caches are concurrent; two threads may describe one topic at once, harmlessly.
 */
final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    static final long LIST_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_BACKOFF_MILLIS = 200;

    /** A topic as the cluster has it: the config the log sees, and the raw {@code cleanup.policy}. */
    private record Described(TopicConfig config, String cleanupPolicy) {
    }

    /** The topic list and when it was read ({@link System#nanoTime()}). */
    private record Listing(Set<String> names, long readAt) {
    }

    private final KafkaClients clients;
    private final Admin admin;
    private final Map<String, Described> described = new ConcurrentHashMap<>();
    private volatile Listing listing;

    Topics(KafkaClients clients, Admin admin) {
        this.clients = clients;
        this.admin = admin;
    }

    /**
     * Creates the topic unless it exists; an existing one must have the same partition count and cleanup
     * policy.
     *
     * @return true if this call created it
     * @throws InvalidTopicException when Kafka would refuse the name
     * @throws KafkaLogException     {@code MISSING_TOPIC} when it does not exist and creation is disabled,
     *                               {@code TOPIC_MISMATCH} when it exists otherwise
     */
    boolean create(String topic, TopicConfig wanted) {
        validateName(topic);
        Described existing = describe(topic);
        if (existing != null) {
            verify(topic, wanted, existing);
            return false;
        }
        KafkaLogSettings settings = clients.settings();
        if (!settings.createTopics()) {
            throw new KafkaLogException(KafkaLogException.Problem.MISSING_TOPIC, "topic " + topic + " does not exist "
                    + "and topic creation is disabled; create it with cleanup.policy="
                    + TopicConfigMapping.policyName(wanted.cleanupPolicy()) + " and " + wanted.partitions()
                    + " partitions (Kafka at " + settings.bootstrapServers() + ")", null);
        }
        NewTopic newTopic = new NewTopic(topic, wanted.partitions(), settings.replicationFactor())
                .configs(TopicConfigMapping.toKafka(wanted));
        try {
            clients.await(admin.createTopics(List.of(newTopic)).all(), "creating topic " + topic);
        } catch (KafkaLogException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            LOG.debug("Topic {} was created meanwhile by another client", topic);
            verify(topic, wanted, awaitServing(topic));
            return false;
        } finally {
            listing = null;
        }
        awaitServing(topic);
        LOG.info("Created Kafka topic {} ({} partitions, replication factor {}, cleanup.policy={})", topic,
                wanted.partitions(), settings.replicationFactor(), TopicConfigMapping.policyName(wanted.cleanupPolicy()));
        return true;
    }

    /** Kafka's topic list without its internal topics; at most about a second old. */
    Set<String> names() {
        Listing l = listing;
        if (l == null || System.nanoTime() - l.readAt() > LIST_MAX_AGE_NANOS) {
            long readAt = System.nanoTime();
            Set<String> names = clients.await(admin.listTopics().names(), "listing topics");
            l = new Listing(Collections.unmodifiableSortedSet(new TreeSet<>(names)), readAt);
            listing = l;
        }
        return l.names();
    }

    /** @throws UnknownTopicOrPartitionException if the topic does not exist */
    TopicConfig config(String topic) {
        Described d = describe(topic);
        if (d == null) {
            throw new UnknownTopicOrPartitionException(topic, -1);
        }
        return d.config();
    }

    /** @throws UnknownTopicOrPartitionException if the topic or the partition does not exist */
    TopicConfig check(TopicPartition tp) {
        TopicConfig c = config(tp.topic());
        if (tp.partition() >= c.partitions()) {
            throw new UnknownTopicOrPartitionException(tp.topic(), tp.partition());
        }
        return c;
    }

    private static void validateName(String topic) {
        try {
            Topic.validate(topic);
        } catch (org.apache.kafka.common.errors.InvalidTopicException e) {
            throw new InvalidTopicException(String.valueOf(topic), e.getMessage());
        }
    }

    private static void verify(String topic, TopicConfig wanted, Described actual) {
        List<String> wrong = new ArrayList<>();
        if (actual.config().partitions() != wanted.partitions()) {
            wrong.add(actual.config().partitions() + " partitions (expected " + wanted.partitions() + ")");
        }
        String policy = TopicConfigMapping.policyName(wanted.cleanupPolicy());
        if (!TopicConfigMapping.policyNames(actual.cleanupPolicy()).equals(Set.of(policy))) {
            wrong.add("cleanup.policy=" + actual.cleanupPolicy() + " (expected " + policy + ")");
        }
        if (!wrong.isEmpty()) {
            throw new KafkaLogException(KafkaLogException.Problem.TOPIC_MISMATCH, "Kafka topic " + topic + " exists with "
                    + String.join(" and ", wrong) + "; change the topic, or delete it so that it is created as expected",
                    null);
        }
    }

    /** The topic from the cluster (cached once found), or null when it does not exist. */
    private Described describe(String topic) {
        Described cached = described.get(topic);
        if (cached != null) {
            return cached;
        }
        TopicDescription d;
        try {
            d = clients.await(admin.describeTopics(List.of(topic)).allTopicNames(), "describing topic " + topic)
                    .get(topic);
        } catch (KafkaLogException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException
                    || e.getCause() instanceof org.apache.kafka.common.errors.InvalidTopicException) {
                return null;
            }
            throw e;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = clients.await(admin.describeConfigs(List.of(resource)).all(), "describing the configs of topic "
                + topic).get(resource);
        Map<String, String> values = new HashMap<>();
        if (config != null) {
            for (ConfigEntry entry : config.entries()) {
                if (entry.value() != null) {
                    values.put(entry.name(), entry.value());
                }
            }
        }
        Described found = new Described(TopicConfigMapping.fromKafka(d.partitions().size(), values),
                values.getOrDefault(TopicConfigMapping.CLEANUP_POLICY, "delete"));
        described.put(topic, found);
        return found;
    }

    /**
     * Waits, within the request timeout, until the topic is described and every partition's leader answers
     * a list-offsets request. Kafka names a leader in the metadata a moment before that broker serves the
     * partition; an idempotent producer writing in that moment gets {@code NOT_LEADER_OR_FOLLOWER}, and its
     * retries of several in-flight batches were seen to stall the partition until the delivery timeout.
     */
    private Described awaitServing(String topic) {
        long deadline = System.nanoTime() + clients.timeout().toNanos();
        long backoff = 10;
        while (true) {
            Described d = describe(topic);
            if (d != null && leadersServe(topic, d.config().partitions())) {
                return d;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new KafkaLogException(KafkaLogException.Problem.FAILED, "topic " + topic + " exists, but not all "
                        + "its partitions had a serving leader within " + clients.timeout().toMillis() + " ms; check "
                        + "the brokers (Kafka at " + clients.settings().bootstrapServers() + ")", null);
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                throw clients.interrupted("waiting for the leaders of topic " + topic, e);
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    private boolean leadersServe(String topic, int partitions) {
        Map<org.apache.kafka.common.TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int i = 0; i < partitions; i++) {
            latest.put(new org.apache.kafka.common.TopicPartition(topic, i), OffsetSpec.latest());
        }
        try {
            clients.await(admin.listOffsets(latest).all(), "listing the offsets of topic " + topic);
            return true;
        } catch (KafkaLogException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e;
            }
            LOG.debug("Topic {} not served yet: {}", topic, e.getMessage());
            return false;
        }
    }
}
