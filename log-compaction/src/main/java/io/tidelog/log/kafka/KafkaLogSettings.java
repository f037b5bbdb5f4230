package io.tidelog.log.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * How to reach the Kafka cluster that holds the log.
 *
 * <p>{@link #properties} go to every client of the log alike (producer, consumers, admin), typically
 * {@code security.protocol}, {@code sasl.*} and {@code ssl.*}. They may tune anything except what the
 * log itself decides: the settings below in {@link #RESERVED} are refused here, and the ones the log's
 * guarantees rest on ({@code acks}, idempotence, manual commits, the assignor; see
 * {@link KafkaClients}) are overridden. Their values are never logged: {@link #toString()} shows the
 * names only.
 *
 * @param bootstrapServers  {@code host:port,...}
 * @param replicationFactor replicas of each topic this log creates (3 in production)
 * @param createTopics      create missing topics; when false a missing topic is a {@link KafkaLogException}
 * @param requestTimeout    how long one call to the cluster may take, at least 1 s; also how long
 *                          {@link KafkaChangeLog#open} waits for the cluster and {@link KafkaChangeLog#close}
 *                          for pending work
 * @param properties        more client properties for the producer, the consumers and the admin client alike
 * @param clientId          prefix of the clients' {@code client.id} (an instance number and the role are
 *                          appended); {@code tidelog} when null or blank
 */
public record KafkaLogSettings(String bootstrapServers, short replicationFactor, boolean createTopics,
                               Duration requestTimeout, Map<String, String> properties, String clientId) {

    /** Client properties the log sets itself; use the record's components instead. */
    public static final Set<String> RESERVED = Set.of("bootstrap.servers", "client.id", "group.id",
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");

    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);

    public KafkaLogSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers are required (host:port,...)");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1: " + replicationFactor);
        }
        if (requestTimeout == null || requestTimeout.compareTo(MIN_TIMEOUT) < 0) {
            throw new IllegalArgumentException("request timeout must be at least 1 s: " + requestTimeout);
        }
        properties = properties == null ? Map.of() : properties;
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                throw new IllegalArgumentException("client property '" + e.getKey() + "' needs a name and a value");
            }
            if (RESERVED.contains(e.getKey())) {
                throw new IllegalArgumentException("client property '" + e.getKey() + "' is set by the log itself; "
                        + "remove it from the properties");
            }
        }
        properties = Map.copyOf(properties);
        bootstrapServers = bootstrapServers.strip();
        clientId = clientId == null || clientId.isBlank() ? "tidelog" : clientId.strip();
    }

    /** Settings for a cluster at {@code bootstrapServers}: replication 1, topics created, 30 s timeout. */
    public static KafkaLogSettings of(String bootstrapServers) {
        return new KafkaLogSettings(bootstrapServers, (short) 1, true, Duration.ofSeconds(30), Map.of(), "tidelog");
    }

    public KafkaLogSettings withCreateTopics(boolean create) {
        return new KafkaLogSettings(bootstrapServers, replicationFactor, create, requestTimeout, properties, clientId);
    }

    public KafkaLogSettings withRequestTimeout(Duration timeout) {
        return new KafkaLogSettings(bootstrapServers, replicationFactor, createTopics, timeout, properties, clientId);
    }

    public KafkaLogSettings withProperties(Map<String, String> clientProperties) {
        return new KafkaLogSettings(bootstrapServers, replicationFactor, createTopics, requestTimeout,
                clientProperties, clientId);
    }

    /** Shows the property names, never their values (they may hold passwords). */
    @Override
    public String toString() {
        return "KafkaLogSettings[bootstrapServers=" + bootstrapServers + ", replicationFactor=" + replicationFactor
                + ", createTopics=" + createTopics + ", requestTimeout=" + requestTimeout + ", properties="
                + new java.util.TreeSet<>(properties.keySet()) + ", clientId=" + clientId + "]";
    }
}
