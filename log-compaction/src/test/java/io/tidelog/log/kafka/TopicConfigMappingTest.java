package io.tidelog.log.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.log.CleanupPolicy;
import io.tidelog.log.TopicConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicConfigMappingTest {

    @Test
    void everyComponentMapsToItsKafkaConfigAndBack() {
        TopicConfig c = TopicConfig.compacted(6).withRetention(1L << 30, Duration.ofHours(12))
                .withSegment(4 << 20, Duration.ofHours(3)).withCompaction(Duration.ofMinutes(30), Duration.ofSeconds(90), 0.25)
                .withMaxRecordBytes(2 << 20);
        Map<String, String> kafka = TopicConfigMapping.toKafka(c);
        assertThat(kafka).containsExactlyInAnyOrderEntriesOf(Map.of(
                "cleanup.policy", "compact",
                "retention.bytes", Long.toString(1L << 30),
                "retention.ms", "43200000",
                "segment.bytes", Integer.toString(4 << 20),
                "segment.ms", "10800000",
                "delete.retention.ms", "1800000",
                "min.compaction.lag.ms", "90000",
                "min.cleanable.dirty.ratio", "0.25",
                "max.message.bytes", Integer.toString(2 << 20)));
        assertThat(TopicConfigMapping.fromKafka(6, kafka)).isEqualTo(c);
    }

    @Test
    void unlimitedRetentionIsMinusOneAndSmallSegmentsAreRaisedToKafkasMinimum() {
        TopicConfig c = TopicConfig.DEFAULT.withRetention(-1, null).withSegment(64 * 1024, Duration.ofDays(1));
        Map<String, String> kafka = TopicConfigMapping.toKafka(c);
        assertThat(kafka).containsEntry("retention.ms", "-1").containsEntry("segment.bytes", Integer.toString(1 << 20));
        assertThat(TopicConfigMapping.fromKafka(1, kafka).retention()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "compact        | COMPACT",
            "delete         | DELETE",
            "'compact,delete' | COMPACT",
            "'delete, compact' | COMPACT",
            "''             | DELETE"})
    void cleanupPolicies(String kafkaValue, CleanupPolicy expected) {
        assertThat(TopicConfigMapping.policy(kafkaValue)).isEqualTo(expected);
    }

    @Test
    void valuesTopicConfigWouldRefuseFallBackToTheDefaults() {
        Map<String, String> kafka = new HashMap<>();
        kafka.put("segment.ms", "0");
        kafka.put("max.message.bytes", "10");
        kafka.put("retention.bytes", "not a number");
        TopicConfig c = TopicConfigMapping.fromKafka(2, kafka);
        assertThat(c.partitions()).isEqualTo(2);
        assertThat(c.segmentAge()).isEqualTo(TopicConfig.DEFAULT.segmentAge());
        assertThat(c.maxRecordBytes()).isEqualTo(64);
        assertThat(c.retentionBytes()).isEqualTo(TopicConfig.DEFAULT.retentionBytes());
    }
}
