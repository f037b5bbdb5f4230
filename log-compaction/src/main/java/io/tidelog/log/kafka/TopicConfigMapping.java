package io.tidelog.log.kafka;

import io.tidelog.log.CleanupPolicy;
import io.tidelog.log.TopicConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@link TopicConfig} as Kafka topic configs and back. Every component has a Kafka equivalent of the
 * same meaning; the partition count is the topic's, not a config:
 *
 * <table>
 *   <caption>TopicConfig component → Kafka topic config</caption>
 *   <tr><td>cleanupPolicy</td><td>{@code cleanup.policy} = {@code compact} or {@code delete}</td></tr>
 *   <tr><td>retentionBytes</td><td>{@code retention.bytes} ({@code -1} unlimited)</td></tr>
 *   <tr><td>retention</td><td>{@code retention.ms} ({@code null} ↔ {@code -1}, unlimited)</td></tr>
 *   <tr><td>segmentBytes</td><td>{@code segment.bytes}, raised to Kafka's minimum of 1 MiB</td></tr>
 *   <tr><td>segmentAge</td><td>{@code segment.ms}</td></tr>
 *   <tr><td>deleteRetention</td><td>{@code delete.retention.ms}</td></tr>
 *   <tr><td>minCompactionLag</td><td>{@code min.compaction.lag.ms}</td></tr>
 *   <tr><td>minCleanableDirtyRatio</td><td>{@code min.cleanable.dirty.ratio}</td></tr>
 *   <tr><td>maxRecordBytes</td><td>{@code max.message.bytes}</td></tr>
 * </table>
 *
 * <p>Kafka applies retention only with {@code delete} in the policy and compaction settings only with
 * {@code compact}; both are set regardless, so that a topic read back gives the config it was created
 * with. Reading back, a policy naming both ({@code compact,delete}) is {@link CleanupPolicy#COMPACT}, and
 * a value Kafka holds but {@link TopicConfig} would reject falls back to {@link TopicConfig#DEFAULT}'s.
 * Stateless.
 */
final class TopicConfigMapping {

    static final String CLEANUP_POLICY = "cleanup.policy";
    static final String RETENTION_BYTES = "retention.bytes";
    static final String RETENTION_MS = "retention.ms";
    static final String SEGMENT_BYTES = "segment.bytes";
    static final String SEGMENT_MS = "segment.ms";
    static final String DELETE_RETENTION_MS = "delete.retention.ms";
    static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    /** Kafka refuses smaller segments. */
    static final int MIN_SEGMENT_BYTES = 1 << 20;

    private TopicConfigMapping() {
    }

    /** The Kafka topic configs for a topic created with {@code c}. */
    static Map<String, String> toKafka(TopicConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CLEANUP_POLICY, policyName(c.cleanupPolicy()));
        m.put(RETENTION_BYTES, Long.toString(c.retentionBytes()));
        m.put(RETENTION_MS, c.retention() == null ? "-1" : Long.toString(c.retention().toMillis()));
        m.put(SEGMENT_BYTES, Integer.toString(Math.max(c.segmentBytes(), MIN_SEGMENT_BYTES)));
        m.put(SEGMENT_MS, Long.toString(c.segmentAge().toMillis()));
        m.put(DELETE_RETENTION_MS, Long.toString(c.deleteRetention().toMillis()));
        m.put(MIN_COMPACTION_LAG_MS, Long.toString(c.minCompactionLag().toMillis()));
        m.put(MIN_CLEANABLE_DIRTY_RATIO, Double.toString(c.minCleanableDirtyRatio()));
        m.put(MAX_MESSAGE_BYTES, Integer.toString(c.maxRecordBytes()));
        return m;
    }

    /** The topic's config as the log sees it, from its partition count and Kafka configs (name → value). */
    static TopicConfig fromKafka(int partitions, Map<String, String> kafka) {
        TopicConfig d = TopicConfig.DEFAULT;
        long retentionMs = get(kafka, RETENTION_MS, Long::parseLong, d.retention() == null ? -1 : d.retention().toMillis());
        return new TopicConfig(partitions, policy(kafka.get(CLEANUP_POLICY)),
                get(kafka, RETENTION_BYTES, Long::parseLong, d.retentionBytes()),
                retentionMs < 0 ? null : Duration.ofMillis(retentionMs),
                Math.max(1024, get(kafka, SEGMENT_BYTES, Integer::parseInt, d.segmentBytes())),
                positive(get(kafka, SEGMENT_MS, Long::parseLong, d.segmentAge().toMillis()), d.segmentAge()),
                Duration.ofMillis(Math.max(0, get(kafka, DELETE_RETENTION_MS, Long::parseLong,
                        d.deleteRetention().toMillis()))),
                Duration.ofMillis(Math.max(0, get(kafka, MIN_COMPACTION_LAG_MS, Long::parseLong,
                        d.minCompactionLag().toMillis()))),
                Math.min(1, Math.max(0, get(kafka, MIN_CLEANABLE_DIRTY_RATIO, Double::parseDouble,
                        d.minCleanableDirtyRatio()))),
                Math.max(64, get(kafka, MAX_MESSAGE_BYTES, Integer::parseInt, d.maxRecordBytes())));
    }

    static String policyName(CleanupPolicy p) {
        return p == CleanupPolicy.COMPACT ? "compact" : "delete";
    }

    /** The policies named in a {@code cleanup.policy} value, sorted: {@code "delete,compact"} → [compact, delete]. */
    static Set<String> policyNames(String value) {
        Set<String> names = new TreeSet<>();
        if (value != null) {
            Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(names::add);
        }
        return names;
    }

    static CleanupPolicy policy(String value) {
        return policyNames(value).contains("compact") ? CleanupPolicy.COMPACT : CleanupPolicy.DELETE;
    }

    private static <T> T get(Map<String, String> kafka, String name, Function<String, T> parse, T fallback) {
        String value = kafka.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return parse.apply(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Duration positive(long millis, Duration fallback) {
        return millis > 0 ? Duration.ofMillis(millis) : fallback;
    }
}
