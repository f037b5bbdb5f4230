package io.tidelog.bench;

import io.tidelog.harness.KafkaServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's side of {@link LogVsKafkaBenchmark}: a fresh topic per configuration on the shared broker
 * (one partition per producer thread, replication factor 1, deleted on close) and one
 * {@link KafkaProducer} per producer thread, sending the same key and value bytes as the embedded
 * log gets. Each thread's {@link ProducerRecord}s are built once and sent again and again.
 */
final class KafkaSide implements AppendDriver.Target, AutoCloseable {

    private final KafkaServer broker;
    private final Admin admin;
    private final String topic;
    private final List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
    private final List<List<ProducerRecord<byte[], byte[]>>> batches = new ArrayList<>();
    private KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Callback onAck = (metadata, e) -> {
        if (e != null) {
            failure.compareAndSet(null, e);
        }
    };

    /**
     * @param topicConfig topic settings, e.g. {@code flush.messages=1}; empty for the broker's defaults
     */
    KafkaSide(KafkaServer broker, Admin admin, String topic, Map<String, String> topicConfig, int recordBytes,
              int batch) throws Exception {
        this.broker = broker;
        this.admin = admin;
        this.topic = topic;
        admin.createTopics(List.of(new NewTopic(topic, AppendDriver.THREADS, (short) 1).configs(topicConfig)))
                .all().get();
        awaitLeaders(admin, topic);
        for (int t = 0; t < AppendDriver.THREADS; t++) {
            producers.add(new KafkaProducer<>(producerConfig(broker, recordBytes, batch)));
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(batch);
            byte[] value = EmbeddedSide.value(recordBytes);
            for (int i = 0; i < batch; i++) {
                records.add(new ProducerRecord<>(topic, t, EmbeddedSide.key(t, i), value));
            }
            batches.add(records);
        }
    }

    /**
     * A created topic's partitions take a moment to get their leader; until then produce requests fail
     * (and are retried). Describe the topic until it is known, then ListOffsets (which needs the leader)
     * until it answers.
     */
    private static void awaitLeaders(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < AppendDriver.THREADS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.earliest());
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get();
                admin.listOffsets(request).all().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LockSupport.parkNanos(20_000_000);
            }
        }
    }

    /**
     * acks=all with idempotence (the strongest single-broker acknowledgement), no compression,
     * buffer.memory twice the in-flight window (so that the window, not the buffer, bounds a thread).
     * Batch 1: linger.ms=0 and the default 16 KiB batch.size, so the client sends as soon as it can (it
     * still packs queued records into a request, as its API always does; linger.ms=5 measured slower
     * here). Batch 500: batch.size = 500 x record size, linger.ms=5, so that requests carry ~500 records
     * (the measured average is printed).
     */
    static Map<String, Object> producerConfig(KafkaServer broker, int recordBytes, int batch) {
        Map<String, Object> c = broker.clientConfig();
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        c.put(ProducerConfig.LINGER_MS_CONFIG, batch == 1 ? 0 : 5);
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, batch == 1 ? 16 * 1024 : batch * recordBytes);
        long windowBytes = (long) AppendDriver.window(recordBytes) * recordBytes;
        c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2 * windowBytes));
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return c;
    }

    /** Sends the thread's batch record by record; the last record's future covers the batch (acks arrive in order). */
    @Override
    public Future<?> send(int thread) {
        KafkaProducer<byte[], byte[]> p = producers.get(thread);
        List<ProducerRecord<byte[], byte[]>> records = batches.get(thread);
        Future<?> last = null;
        for (int i = 0, n = records.size(); i < n; i++) {
            last = p.send(records.get(i), onAck);
        }
        return last;
    }

    /** Fails if any send failed; notes the records per produce request the producers formed. */
    @Override
    public String afterRound() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a Kafka send failed", e);
        }
        return String.format("%.0f records/request, %.0f B/batch (producer averages)",
                metric("records-per-request-avg"), metric("batch-size-avg"));
    }

    private double metric(String name) {
        double sum = 0;
        for (KafkaProducer<byte[], byte[]> p : producers) {
            for (Map.Entry<MetricName, ? extends Metric> m : p.metrics().entrySet()) {
                if (m.getKey().name().equals(name) && m.getKey().group().equals("producer-metrics")) {
                    sum += ((Number) m.getValue().metricValue()).doubleValue();
                }
            }
        }
        return sum / producers.size();
    }

    /** Writes {@code perPartition} records to every partition, then waits for all acknowledgements. */
    void fill(long perPartition) throws Exception {
        for (int t = 0; t < producers.size(); t++) {
            for (long n = 0; n < perPartition; n += batches.get(t).size()) {
                send(t);
            }
        }
        for (KafkaProducer<byte[], byte[]> p : producers) {
            p.flush();
        }
        afterRound();
    }

    /**
     * Reads everything from the beginning with one {@link KafkaConsumer} assigned all partitions (no
     * group, no commits; max.poll.records=500 as the embedded GroupConsumer's fixed 500). The consumer
     * is created once, outside the timed part, and seeks back to the beginning in every round.
     */
    Rounds.Round consumeAll(long expected) {
        List<TopicPartition> parts = new ArrayList<>();
        for (int t = 0; t < AppendDriver.THREADS; t++) {
            parts.add(new TopicPartition(topic, t));
        }
        if (consumer == null) {
            Map<String, Object> c = broker.clientConfig();
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
            consumer = new KafkaConsumer<>(c);
            consumer.assign(parts);
        }
        long alloc0 = Rounds.allocatedBytes();
        long t0 = System.nanoTime();
        consumer.seekToBeginning(parts);
        long count = 0;
        long bytes = 0;
        int empty = 0;
        while (count < expected) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
            if (batch.isEmpty() && ++empty > 20) {
                throw new IllegalStateException("read stalled at " + count + " of " + expected);
            }
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                bytes += r.value().length;
            }
            count += batch.count();
        }
        long nanos = System.nanoTime() - t0;
        if (count != expected) {
            throw new IllegalStateException("read " + count + " of " + expected);
        }
        return new Rounds.Round(count, nanos, Rounds.allocatedBytes() - alloc0,
                String.format("%,d value bytes", bytes));
    }

    @Override
    public void close() throws Exception {
        if (consumer != null) {
            consumer.close();
        }
        for (KafkaProducer<byte[], byte[]> p : producers) {
            p.close(Duration.ofSeconds(30));
        }
        admin.deleteTopics(List.of(topic)).all().get();
    }
}
