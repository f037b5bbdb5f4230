package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.test;

import io.tidelog.harness.junit.KafkaConfig;
import io.tidelog.harness.junit.KafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

@ExtendWith(KafkaExtension.class)
class KafkaServerIT {

    @Test
    void runsTheBrokerInAChildJvmOfThisOne(KafkaServer kafka) {
        ProcessHandle broker = kafka.processHandle();

        assertThat(kafka.isRunning()).isTrue();
        assertThat(broker.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(broker.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
        assertThat(broker.info().commandLine().orElse("")).contains("kafka.Kafka").contains("-Xmx512m");
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
    }

    @Test
    void producesWithAcksAllAndIdempotenceAndConsumesBack(KafkaServer kafka) throws Exception {
        String topic = unique("orders");
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        Map<String, Object> producerConfig = kafka.clientConfig();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 30; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get());
            }
        }
        assertThat(sent).extracting(RecordMetadata::partition).containsOnly(0, 1, 2);

        Map<String, Object> consumerConfig = kafka.clientConfig();
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, unique("group"));
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().alias("all 30 records consumed").atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                        return received.size() >= 30;
                    });
        }
        assertThat(received).hasSize(30);
        assertThat(received).allSatisfy(r -> assertThat(r.value()).isEqualTo(r.key().replace("key", "value")));
        assertThat(received.stream().map(ConsumerRecord::key).collect(Collectors.toSet())).hasSize(30);
    }

    @Test
    void createsACompactedTopic(KafkaServer kafka) throws Exception {
        String topic = unique("compacted");
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0")))).all().get();

            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(admin.listTopics().names().get()).contains(topic);
        }
    }

    @Test
    void theDefaultBrokerDoesNotCreateTopicsOnFirstUse(KafkaServer kafka) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(unique("unplanned"), "k", "v")).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void anotherConfigurationGetsItsOwnBrokerWhichTheRunsEndClosesLeavingNothing() {
        AutoCreatingSample.seen = null;

        EngineTestKit.engine("junit-jupiter").selectors(selectClass(AutoCreatingSample.class)).execute()
                .testEvents().assertThatEvents().haveExactly(1, event(test(), finishedSuccessfully()));

        KafkaServer seen = AutoCreatingSample.seen;
        assertThat(seen).isNotNull();
        assertThat(seen.isRunning()).isFalse();
        assertThat(seen.processHandle().isAlive()).isFalse();
        assertThat(seen.workDir()).doesNotExist();
        seen.close(); // idempotent
    }

    /** Run only through the {@link EngineTestKit} above, as a test run of its own. */
    @ExtendWith(KafkaExtension.class)
    static class AutoCreatingSample {

        static volatile KafkaServer seen;

        @Test
        void producesToATopicNobodyCreated(
                @KafkaConfig(autoCreateTopics = true, properties = "num.partitions=2") KafkaServer kafka) throws Exception {
            seen = kafka;
            assertThat(kafka.processHandle().info().commandLine().orElse("")).contains("-Xmx512m");
            assertThat(kafka.workDir().resolve("data/meta.properties")).exists();
            String topic = unique("unplanned");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(), new StringSerializer());
                 Admin admin = kafka.admin()) {
                producer.send(new ProducerRecord<>(topic, "k", "v")).get();
                assertThat(admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(2);
            }
        }
    }

    @Test
    void withoutTheBrokerOnTheClassPathItFailsNamingTheArtifact() {
        assertThatThrownBy(() -> KafkaServer.builder().name("kafka-no-jars").classPath(List.of()).start())
                .isInstanceOfSatisfying(ServerStartException.class, e -> {
                    assertThat(e.server()).isEqualTo("kafka-no-jars");
                    assertThat(e.reason()).contains("org.apache.kafka:kafka_2.13");
                });
        assertThat(ServerCleanupIT.workDirsOf("kafka-no-jars")).isEmpty();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
