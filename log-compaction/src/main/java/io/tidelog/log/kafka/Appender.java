package io.tidelog.log.kafka;

import io.tidelog.log.AppendResult;
import io.tidelog.log.CleanupPolicy;
import io.tidelog.log.LogStorageException;
import io.tidelog.log.Record;
import io.tidelog.log.RecordTooLargeException;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends through one idempotent {@link KafkaProducer} shared by all partitions.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The records of one call get consecutive offsets: sends to one partition are serialised by a
 *       per-partition lock, and the idempotent producer ({@code max.in.flight <= 5}) writes a partition's
 *       batches in send order, so {@code lastOffset - baseOffset + 1 == records.size()}.</li>
 *   <li>A call's future completes after Kafka acknowledged all its records ({@code acks=all}), on this
 *       appender's own thread, in the order the calls' last acknowledgements arrived, which per partition
 *       is offset order. The producer's I/O thread only counts and hands over; dependent stages can
 *       never stall it.</li>
 *   <li>Invalid input throws before anything is sent: an empty call, a record larger than the topic's
 *       {@code max.message.bytes} (checked by its uncompressed size: an incompressible record within a
 *       few bytes of the limit may still be refused by the broker, failing the future), a record without
 *       key on a compacted topic, a negative timestamp other than {@link Record#NO_TIMESTAMP}.</li>
 * </ul>
 *
 * <h2>Unlike the embedded log</h2>
 * A failed call ({@link LogStorageException}, Kafka's exception as the cause) may have written a prefix
 * of its records: without Kafka transactions a multi-record call is not atomic. A writer that retries
 * after a failure must tolerate duplicates; capture does, dropping re-delivered changes by source
 * position when it starts.
 *
 * <p>Thread-safe.
 */
final class Appender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Appender.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final ExecutorService completions;
    private final Map<TopicPartition, ReentrantLock> partitionLocks = new ConcurrentHashMap<>();
    private final LongAdder recordsAppended = new LongAdder();
    private final LongAdder bytesAppended = new LongAdder();
    private final int maxRequestBytes;

    Appender(KafkaClients clients) {
        Map<String, Object> config = clients.producer();
        this.maxRequestBytes = Integer.parseInt(config.get("max.request.size").toString().strip());
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        String thread = clients.clientId() + "-appends";
        this.completions = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends the records to {@code tp}, whose topic has {@code config}; see the class Javadoc. */
    CompletableFuture<AppendResult> append(TopicPartition tp, TopicConfig config, List<Record> records) {
        List<ProducerRecord<byte[], byte[]>> sends = validate(tp, config, records);
        Call call = new Call(tp, records.size());
        ReentrantLock lock = partitionLocks.computeIfAbsent(tp, k -> new ReentrantLock());
        lock.lock();
        try {
            for (int i = 0; i < sends.size(); i++) {
                try {
                    producer.send(sends.get(i), call.callback(i, Convert.sizeOf(records.get(i))));
                } catch (RuntimeException e) {
                    call.notSent(sends.size() - i, e);
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        return call.result;
    }

    private List<ProducerRecord<byte[], byte[]>> validate(TopicPartition tp, TopicConfig config, List<Record> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no records to append to " + tp);
        }
        int max = Math.min(config.maxRecordBytes(), maxRequestBytes);
        List<ProducerRecord<byte[], byte[]>> sends = new ArrayList<>(records.size());
        for (Record r : records) {
            int size = Convert.sizeOf(r);
            if (size > max) {
                throw new RecordTooLargeException(tp, size, max);
            }
            if (r.key() == null && config.cleanupPolicy() == CleanupPolicy.COMPACT) {
                throw new IllegalArgumentException("records of compacted topic " + tp.topic() + " need a key");
            }
            if (r.timestamp() < 0 && r.timestamp() != Record.NO_TIMESTAMP) {
                throw new IllegalArgumentException("timestamp " + r.timestamp() + " of a record to " + tp
                        + " is negative (use Record.NO_TIMESTAMP to let the log stamp it)");
            }
            sends.add(Convert.producerRecord(tp, r));
        }
        return sends;
    }

    /** The acknowledgements of one call's records; completes its future once all have come. */
    private final class Call {
        final CompletableFuture<AppendResult> result = new CompletableFuture<>();
        final TopicPartition tp;
        final int count;
        final AtomicInteger pending;
        final AtomicReference<Exception> failure = new AtomicReference<>();
        volatile long baseOffset = -1;
        volatile long lastOffset = -1;

        Call(TopicPartition tp, int count) {
            this.tp = tp;
            this.count = count;
            this.pending = new AtomicInteger(count);
        }

        Callback callback(int index, int bytes) {
            return (metadata, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                } else {
                    if (index == 0) {
                        baseOffset = metadata.offset();
                    }
                    if (index == count - 1) {
                        lastOffset = metadata.offset();
                    }
                    recordsAppended.increment();
                    bytesAppended.add(bytes);
                }
                acknowledged(1);
            };
        }

        void notSent(int records, Exception e) {
            failure.compareAndSet(null, e);
            acknowledged(records);
        }

        private void acknowledged(int records) {
            if (pending.addAndGet(-records) == 0) {
                try {
                    completions.execute(this::complete);
                } catch (RejectedExecutionException e) {
                    complete();
                }
            }
        }

        private void complete() {
            Exception e = failure.get();
            if (e != null) {
                result.completeExceptionally(new LogStorageException(tp.toString(), "append to Kafka", e));
                return;
            }
            if (lastOffset - baseOffset + 1 != count) {
                LOG.error("Append of {} records to {} got offsets {}..{}: not consecutive", count, tp, baseOffset,
                        lastOffset);
            }
            result.complete(new AppendResult(tp, baseOffset, lastOffset));
        }
    }

    long recordsAppended() {
        return recordsAppended.sum();
    }

    long bytesAppended() {
        return bytesAppended.sum();
    }

    /** Sends what is pending and waits for it within {@code timeout}; unacknowledged appends then fail. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    void close(Duration timeout) {
        try {
            producer.close(timeout);
        } finally {
            completions.shutdown();
            try {
                if (!completions.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Append completions still running {} ms after close", timeout.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
