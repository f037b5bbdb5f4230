package io.tidelog.log.kafka;

import static io.tidelog.log.kafka.TestRecords.assertSame;
import static io.tidelog.log.kafka.TestRecords.b;
import static io.tidelog.log.kafka.TestRecords.batch;
import static io.tidelog.log.kafka.TestRecords.records;
import static io.tidelog.log.kafka.TestRecords.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tidelog.harness.KafkaServer;
import io.tidelog.harness.junit.KafkaExtension;
import io.tidelog.log.AppendResult;
import io.tidelog.log.CleanupPolicy;
import io.tidelog.log.GroupConsumer;
import io.tidelog.log.InvalidTopicException;
import io.tidelog.log.LogListener;
import io.tidelog.log.LogRecord;
import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.OffsetResetPolicy;
import io.tidelog.log.PartitionLag;
import io.tidelog.log.ReadResult;
import io.tidelog.log.Record;
import io.tidelog.log.RecordTooLargeException;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.UnknownTopicOrPartitionException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Kafka backend against a real broker (the harness's, shared by the test run: every test uses its own
 * topic and group names). Waits use Awaitility; consumers are polled on the test thread, as they must be.
 */
@ExtendWith(KafkaExtension.class)
class KafkaChangeLogIT {

    private static final AtomicInteger UNIQUE = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KafkaServer kafka;
    private KafkaChangeLog log;
    private String topic;

    KafkaChangeLogIT(KafkaServer kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void open(TestInfo test) {
        log = KafkaChangeLog.open(KafkaLogSettings.of(kafka.bootstrapServers()));
        topic = "kit" + UNIQUE.incrementAndGet() + "." + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void close() {
        log.close();
    }

    // ---- topics -------------------------------------------------------------------------------------

    @Test
    void createsATopicWithItsPartitionsAndMappedConfigs() throws Exception {
        TopicConfig config = TopicConfig.compacted(3).withSegment(8 << 20, Duration.ofHours(6))
                .withCompaction(Duration.ofHours(2), Duration.ofMinutes(5), 0.3).withMaxRecordBytes(512 * 1024);
        assertThat(log.createTopic(topic, config)).isTrue();
        try (Admin admin = kafka.admin()) {
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(3);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config kafkaConfig = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(kafkaConfig.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(kafkaConfig.get("segment.bytes").value()).isEqualTo(Integer.toString(8 << 20));
            assertThat(kafkaConfig.get("segment.ms").value()).isEqualTo("21600000");
            assertThat(kafkaConfig.get("delete.retention.ms").value()).isEqualTo("7200000");
            assertThat(kafkaConfig.get("min.compaction.lag.ms").value()).isEqualTo("300000");
            assertThat(kafkaConfig.get("min.cleanable.dirty.ratio").value()).isEqualTo("0.3");
            assertThat(kafkaConfig.get("max.message.bytes").value()).isEqualTo("524288");
        }
        assertThat(log.topics()).contains(topic);
        assertThat(log.topicConfig(topic)).isEqualTo(config);
        try (KafkaChangeLog other = KafkaChangeLog.open(KafkaLogSettings.of(kafka.bootstrapServers()))) {
            assertThat(other.topicConfig(topic)).as("read back from Kafka").isEqualTo(config);
            assertThat(other.createTopic(topic, config)).as("exists as needed").isFalse();
        }
    }

    @Test
    void anExistingTopicIsVerifiedNotCreated() throws Exception {
        String deleteTopic = topic + ".delete";
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(
                    new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(deleteTopic, 3, (short) 1))).all().get();
        }
        assertThat(log.createTopic(topic, TopicConfig.compacted(3))).isFalse();
        assertThat(log.createTopic(deleteTopic, TopicConfig.DEFAULT.withPartitions(3))).isFalse();
        assertThat(log.topicConfig(deleteTopic).cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);

        assertThatThrownBy(() -> log.createTopic(topic, TopicConfig.compacted(4)))
                .isInstanceOfSatisfying(KafkaLogException.class,
                        e -> assertThat(e.problem()).isEqualTo(KafkaLogException.Problem.TOPIC_MISMATCH))
                .hasMessageContaining(topic).hasMessageContaining("3 partitions (expected 4)");
        assertThatThrownBy(() -> log.createTopic(deleteTopic, TopicConfig.compacted(3)))
                .isInstanceOfSatisfying(KafkaLogException.class,
                        e -> assertThat(e.problem()).isEqualTo(KafkaLogException.Problem.TOPIC_MISMATCH))
                .hasMessageContaining(deleteTopic).hasMessageContaining("cleanup.policy=delete (expected compact)");
    }

    @Test
    void aMissingTopicIsAnErrorWhenCreationIsDisabled() throws Exception {
        KafkaLogSettings noCreate = KafkaLogSettings.of(kafka.bootstrapServers()).withCreateTopics(false);
        try (KafkaChangeLog other = KafkaChangeLog.open(noCreate)) {
            assertThatThrownBy(() -> other.createTopic(topic, TopicConfig.compacted(2)))
                    .isInstanceOfSatisfying(KafkaLogException.class,
                            e -> assertThat(e.problem()).isEqualTo(KafkaLogException.Problem.MISSING_TOPIC))
                    .hasMessageContaining("topic " + topic + " does not exist and topic creation is disabled")
                    .hasMessageContaining("cleanup.policy=compact and 2 partitions");
        }
        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    @Test
    void anUnreachableClusterFailsOpenWithATypedError() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        KafkaLogSettings settings = KafkaLogSettings.of("127.0.0.1:" + port).withRequestTimeout(Duration.ofSeconds(1));
        assertThatThrownBy(() -> KafkaChangeLog.open(settings))
                .isInstanceOfSatisfying(KafkaLogException.class,
                        e -> assertThat(e.problem()).isEqualTo(KafkaLogException.Problem.UNREACHABLE))
                .hasMessageContaining("no Kafka broker at 127.0.0.1:" + port).hasMessageContaining("check");
    }

    @Test
    void invalidInputIsRefusedAtOnce() {
        log.createTopic(topic, TopicConfig.compacted(2).withMaxRecordBytes(1024));
        assertThatThrownBy(() -> log.append(new TopicPartition(topic + ".nope", 0), List.of(Record.of(b("k"), b("v")))))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> log.append(new TopicPartition(topic, 2), List.of(Record.of(b("k"), b("v")))))
                .isInstanceOfSatisfying(UnknownTopicOrPartitionException.class, e -> assertThat(e.partition()).isEqualTo(2));
        TopicPartition p0 = new TopicPartition(topic, 0);
        assertThatThrownBy(() -> log.append(p0, List.of(Record.of(b("k"), new byte[2048]))))
                .isInstanceOf(RecordTooLargeException.class);
        assertThatThrownBy(() -> log.append(p0, List.of(Record.of(null, b("v")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need a key");
        assertThatThrownBy(() -> log.append(p0, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.topicConfig(topic + ".nope")).isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> log.createTopic("no spaces allowed", TopicConfig.compacted(1)))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(log.endOffset(p0)).as("nothing was sent").isZero();
    }

    // ---- appends and reads --------------------------------------------------------------------------

    @Test
    void appendsReadBackWithDenseOffsetsHeadersTimestampsAndTombstones() throws Exception {
        log.createTopic(topic, TopicConfig.compacted(2));
        TopicPartition p1 = new TopicPartition(topic, 1);
        List<Record> batch = records(100);
        AppendResult first = log.append(p1, batch.subList(0, 60)).get();
        AppendResult second = log.append(p1, batch.subList(60, 100)).get();
        assertThat(first).isEqualTo(new AppendResult(p1, 0, 59));
        assertThat(second).isEqualTo(new AppendResult(p1, 60, 99));
        assertThat(log.endOffset(p1)).isEqualTo(100);
        assertThat(log.logStartOffset(p1)).isZero();

        List<LogRecord> read = new ArrayList<>();
        long next = 0;
        while (next < 100) {
            ReadResult r = log.read(p1, next, 30, 1 << 20);
            assertThat(r.records()).hasSizeBetween(1, 30);
            assertThat(r.endOffset()).isEqualTo(100);
            read.addAll(r.records());
            next = r.nextOffset();
        }
        assertThat(read).extracting(LogRecord::offset).containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> (long) i).toList());
        for (int i = 0; i < 100; i++) {
            assertSame(batch.get(i), read.get(i));
            assertThat(read.get(i).partition()).isEqualTo(p1);
        }
        ReadResult atEnd = log.read(p1, 100, 10, 1 << 20);
        assertThat(atEnd.records()).isEmpty();
        assertThat(atEnd.nextOffset()).isEqualTo(100);
        assertThatThrownBy(() -> log.read(p1, 101, 10, 1 << 20)).isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                e -> assertThat(e.endOffset()).isEqualTo(100));
        assertThat(log.offsetForTimestamp(p1, TestRecords.T0 + 42).getAsLong()).isEqualTo(42);
        assertThat(log.offsetForTimestamp(p1, TestRecords.T0 + 1_000).isPresent()).isFalse();
        assertThat(log.metrics().recordsAppended()).isEqualTo(100);
        assertThat(log.metrics().bytesAppended()).isPositive();
    }

    @Test
    void pollWaitsForAnAppendAndReadsBelowTheLogStartFail() throws Exception {
        log.createTopic(topic, TopicConfig.DEFAULT.withPartitions(1));
        TopicPartition p0 = new TopicPartition(topic, 0);
        for (int i = 0; i < 10; i++) {
            log.append(p0, List.of(Record.of(b("k" + i), b("v" + i)))).get();
        }
        CompletableFuture<ReadResult> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return log.poll(p0, 10, 100, 1 << 20, WAIT);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        log.append(p0, List.of(Record.of(b("k10"), b("v10")))).get();
        assertThat(waiting.get().records()).extracting(LogRecord::offset).containsExactly(10L);

        try (Admin admin = kafka.admin()) {
            admin.deleteRecords(Map.of(Convert.kafka(p0), RecordsToDelete.beforeOffset(5))).all().get();
        }
        assertThat(log.logStartOffset(p0)).isEqualTo(5);
        assertThatThrownBy(() -> log.read(p0, 2, 10, 1 << 20)).isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                e -> assertThat(e.logStartOffset()).isEqualTo(5));
        ReadResult fromStart = log.read(p0, 5, 10, 1 << 20);
        assertThat(fromStart.logStartOffset()).isEqualTo(5);
        assertThat(fromStart.records().get(0).offset()).isEqualTo(5);
    }

    @Test
    void concurrentAppendersKeepOrderAndFuturesCompleteInOffsetOrder() throws Exception {
        int partitions = 4;
        int calls = 300;
        log.createTopic(topic, TopicConfig.compacted(partitions));
        Map<Integer, List<CompletableFuture<AppendResult>>> futures = new HashMap<>();
        List<String> outOfOrder = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
            futures.put(p, mine);
            Thread t = new Thread(() -> {
                for (int i = 0; i < calls; i++) {
                    CompletableFuture<AppendResult> f = log.append(tp, batch(tp.partition(), i));
                    CompletableFuture<AppendResult> previous = i == 0 ? null : mine.get(i - 1);
                    int call = i;
                    // Registered before completion (nearly always), so it runs as the future completes.
                    f.thenRun(() -> {
                        if (previous != null && !previous.isDone()) {
                            outOfOrder.add(tp + " call " + call);
                        }
                    });
                    mine.add(f);
                }
            }, "appender-" + p);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int p = 0; p < partitions; p++) {
            List<CompletableFuture<AppendResult>> mine = futures.get(p);
            CompletableFuture.allOf(mine.toArray(CompletableFuture[]::new)).get();
            long expectedBase = 0;
            for (int i = 0; i < calls; i++) {
                AppendResult r = mine.get(i).join();
                assertThat(r.baseOffset()).as("partition %d call %d", p, i).isEqualTo(expectedBase);
                assertThat(r.recordCount()).isEqualTo(batch(p, i).size());
                expectedBase = r.lastOffset() + 1;
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                batch(p, i).forEach(r -> expected.add(s(r.value())));
            }
            assertThat(readAll(new TopicPartition(topic, p))).extracting(r -> s(r.value()))
                    .as("partition %d in append order", p).containsExactlyElementsOf(expected);
        }
        assertThat(outOfOrder).as("futures completed before an earlier one of their partition").isEmpty();
    }

    @Test
    void aPlainKafkaConsumerReadsExactlyWhatWasAppended() throws Exception {
        log.createTopic(topic, TopicConfig.compacted(1));
        TopicPartition p0 = new TopicPartition(topic, 0);
        List<Record> written = records(50);
        log.append(p0, written).get();
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> plain = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            plain.assign(List.of(Convert.kafka(p0)));
            await().alias("a plain consumer reads 50 records").atMost(WAIT).pollInSameThread().until(() -> {
                plain.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() >= 50;
            });
        }
        assertThat(got).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(got.get(i).offset()).isEqualTo(i);
            assertSame(written.get(i), Convert.logRecord(got.get(i)));
        }
    }

    @Test
    void theKeyedAppendChoosesThePartitionOfKafkasDefaultPartitioner() throws Exception {
        log.createTopic(topic, TopicConfig.compacted(6));
        try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(kafka.clientConfig(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 60; i++) {
                byte[] key = b("{\"id\":" + i + "}");
                int kafkas = plain.send(new ProducerRecord<>(topic, key, b("x"))).get().partition();
                assertThat(log.partitionFor(topic, key)).as("key %d", i).isEqualTo(kafkas);
                assertThat(log.append(topic, Record.of(key, b("y"))).get().partition().partition()).isEqualTo(kafkas);
            }
        }
    }

    // ---- consumer groups ----------------------------------------------------------------------------

    @Test
    void aMemberCommitsOnlyItsPartitionsAndTheGroupsOffsetsAndLagFollow() throws Exception {
        log.createTopic(topic, TopicConfig.compacted(2));
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        appendEach(p0, 10);
        appendEach(p1, 10);
        String group = "g." + topic;
        try (GroupConsumer c = log.consumer(group, OffsetResetPolicy.EARLIEST)) {
            c.assign(List.of(p0));
            assertThat(c.assignment()).containsExactly(p0);
            List<LogRecord> got = pollUntil(c, 10);
            assertThat(got).extracting(LogRecord::offset).containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> (long) i).toList());
            assertThat(c.position(p0)).isEqualTo(10);
            c.commitSync(Map.of(p0, 7L, p1, 3L));
            assertThat(c.lag()).singleElement().satisfies(l -> {
                assertThat(l.partition()).isEqualTo(p0);
                assertThat(l.committedOffset()).isEqualTo(7);
                assertThat(l.records()).isEqualTo(3);
            });
            assertThatThrownBy(() -> c.position(p1)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.seekToBeginning(List.of(p1))).isInstanceOf(IllegalStateException.class);
        }
        assertThat(log.committedOffsets(group)).as("p1 is not this member's").isEqualTo(Map.of(p0, 7L));
        List<PartitionLag> lag = log.lag(group, topic);
        assertThat(lag).extracting(PartitionLag::partition).containsExactly(p0, p1);
        assertThat(lag).extracting(PartitionLag::committedOffset).containsExactly(7L, -1L);
        assertThat(lag).extracting(PartitionLag::records).containsExactly(3L, 10L);
        assertThat(lag).extracting(PartitionLag::endOffset).containsExactly(10L, 10L);
        assertThat(lag.get(0).timeLag()).isPositive();
    }

    @Test
    void failWithoutACommittedOffsetThrowsOutOfRange() throws Exception {
        log.createTopic(topic, TopicConfig.compacted(1));
        TopicPartition p0 = new TopicPartition(topic, 0);
        appendEach(p0, 3);
        try (GroupConsumer c = log.consumer("fail." + topic, OffsetResetPolicy.FAIL)) {
            c.assign(List.of(p0));
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(5))).isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                    e -> {
                        assertThat(e.partition()).isEqualTo(p0);
                        assertThat(e.offset()).isEqualTo(-1);
                        assertThat(e.endOffset()).isEqualTo(3);
                    });
            assertThatThrownBy(() -> c.position(p0)).isInstanceOf(OffsetOutOfRangeException.class);
        }
        try (GroupConsumer c = log.consumer("latest." + topic, OffsetResetPolicy.LATEST)) {
            c.assign(List.of(p0));
            assertThat(c.position(p0)).isEqualTo(3);
        }
    }

    @Test
    void aGroupOvertakenByDeletedRecordsIsResetToTheStartAndReported() throws Exception {
        log.createTopic(topic, TopicConfig.DEFAULT.withPartitions(1));
        TopicPartition p0 = new TopicPartition(topic, 0);
        appendEach(p0, 10);
        String group = "slow." + topic;
        log.commitOffsets(group, Map.of(p0, 2L)).get();
        try (Admin admin = kafka.admin()) {
            admin.deleteRecords(Map.of(Convert.kafka(p0), RecordsToDelete.beforeOffset(6))).all().get();
        }
        assertThat(log.lag(group, topic)).singleElement().satisfies(l -> assertThat(l.outOfRange()).isTrue());
        List<long[]> resets = new CopyOnWriteArrayList<>();
        log.addListener(new LogListener() {
            @Override
            public void onOffsetReset(String g, TopicPartition tp, long from, long to, OffsetResetPolicy policy) {
                if (g.equals(group) && tp.equals(p0) && policy == OffsetResetPolicy.EARLIEST) {
                    resets.add(new long[] {from, to});
                }
            }
        });
        try (GroupConsumer c = log.consumer(group, OffsetResetPolicy.EARLIEST)) {
            c.assign(List.of(p0));
            assertThat(pollUntil(c, 4)).extracting(LogRecord::offset).containsExactly(6L, 7L, 8L, 9L);
        }
        assertThat(resets).singleElement().satisfies(r -> assertThat(r).containsExactly(2, 6));
        try (GroupConsumer c = log.consumer(group, OffsetResetPolicy.FAIL)) {
            c.assign(List.of(p0));
            assertThatThrownBy(() -> c.poll(Duration.ofSeconds(5))).isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                    e -> assertThat(e.offset()).isEqualTo(2));
        }
    }

    @Test
    void twoMembersSplitATopicAndARevokedPartitionIsCommittedBeforeItMoves() throws Exception {
        log.createTopic(topic, TopicConfig.compacted(4));
        for (int p = 0; p < 4; p++) {
            appendEach(new TopicPartition(topic, p), 20);
        }
        String group = "share." + topic;
        Thread testThread = Thread.currentThread();
        List<Collection<TopicPartition>> revoked = new CopyOnWriteArrayList<>();
        List<Thread> revokingThreads = new CopyOnWriteArrayList<>();
        try (GroupConsumer first = log.consumer(group, OffsetResetPolicy.EARLIEST);
             GroupConsumer second = log.consumer(group, OffsetResetPolicy.EARLIEST)) {
            first.subscribe(List.of(topic), new GroupConsumer.RebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    revokingThreads.add(Thread.currentThread());
                    Map<TopicPartition, Long> offsets = new HashMap<>();
                    partitions.forEach(tp -> offsets.put(tp, 5L + tp.partition()));
                    first.commitSync(offsets);
                    revoked.add(List.copyOf(partitions));
                }
            });
            await().alias("the first member gets all 4 partitions").atMost(WAIT).pollInSameThread().until(() -> {
                first.poll(Duration.ofMillis(100));
                return first.assignment().size() == 4;
            });
            second.subscribe(List.of(topic));
            Map<TopicPartition, Long> secondStarts = new HashMap<>();
            await().alias("the second member reads its share").atMost(WAIT).pollInSameThread().until(() -> {
                first.poll(Duration.ofMillis(50));
                for (LogRecord r : second.poll(Duration.ofMillis(50))) {
                    secondStarts.putIfAbsent(r.partition(), r.offset());
                }
                return !second.assignment().isEmpty() && secondStarts.keySet().equals(second.assignment())
                        && first.assignment().size() + second.assignment().size() == 4;
            });
            assertThat(first.assignment()).doesNotContainAnyElementsOf(second.assignment());
            assertThat(revokingThreads).isNotEmpty().containsOnly(testThread);
            assertThat(revoked.stream().flatMap(Collection::stream).toList()).containsExactlyInAnyOrderElementsOf(second.assignment());
            assertThat(secondStarts).as("the second member starts where the first committed on revocation")
                    .allSatisfy((tp, offset) -> assertThat(offset).isEqualTo(5L + tp.partition()));
            for (TopicPartition tp : second.assignment()) {
                assertThat(log.committedOffsets(group)).containsEntry(tp, 5L + tp.partition());
            }
        }
    }

    @Test
    void commitOffsetsFromOutsideFailsWhileTheGroupHasMembersAndWorksAfter() throws Exception {
        log.createTopic(topic, TopicConfig.compacted(1));
        TopicPartition p0 = new TopicPartition(topic, 0);
        appendEach(p0, 5);
        String group = "admin." + topic;
        GroupConsumer member = log.consumer(group, OffsetResetPolicy.EARLIEST);
        try {
            member.subscribe(List.of(topic));
            await().alias("the member joins").atMost(WAIT).pollInSameThread().until(() -> {
                member.poll(Duration.ofMillis(100));
                return member.assignment().contains(p0);
            });
            assertThat(log.commitOffsets(group, Map.of(p0, 1L))).failsWithin(WAIT).withThrowableThat()
                    .withCauseInstanceOf(KafkaLogException.class)
                    .withMessageContaining("while the group has active members");
        } finally {
            member.close();
        }
        log.commitOffsets(group, Map.of(p0, 1L)).get();
        assertThat(log.committedOffsets(group)).isEqualTo(Map.of(p0, 1L));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private void appendEach(TopicPartition tp, int n) throws Exception {
        List<Record> batch = new ArrayList<>();
        long anHourAgo = System.currentTimeMillis() - 3_600_000;
        for (int i = 0; i < n; i++) {
            batch.add(Record.of(b(tp.partition() + "-" + i), b("v" + i), anHourAgo + i));
        }
        log.append(tp, batch).get();
    }

    private List<LogRecord> readAll(TopicPartition tp) {
        List<LogRecord> out = new ArrayList<>();
        long next = log.logStartOffset(tp);
        long end = log.endOffset(tp);
        while (next < end) {
            ReadResult r = log.read(tp, next, 1_000, 1 << 20);
            out.addAll(r.records());
            next = r.nextOffset();
        }
        return out;
    }

    private static List<LogRecord> pollUntil(GroupConsumer c, int count) {
        List<LogRecord> got = new ArrayList<>();
        await().alias(count + " records polled").atMost(WAIT).pollInSameThread().until(() -> {
            got.addAll(c.poll(Duration.ofMillis(200)));
            return got.size() >= count;
        });
        return got;
    }
}
