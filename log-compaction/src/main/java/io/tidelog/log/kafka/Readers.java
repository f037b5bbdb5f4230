package io.tidelog.log.kafka;

import io.tidelog.log.LogRecord;
import io.tidelog.log.LogStorageException;
import io.tidelog.log.OffsetOutOfRangeException;
import io.tidelog.log.ReadResult;
import io.tidelog.log.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads partitions and looks up offsets through a small pool of {@link KafkaConsumer}s without a group
 * ({@code assign}, {@code seek}, {@code poll}). A call borrows one consumer for its duration: at most
 * {@link #MAX_READERS} calls run at once, the others wait for a free consumer (up to the request timeout).
 * Consumers are created on demand and kept; one that failed is closed and replaced. Calls that may wait
 * for records ({@link io.tidelog.log.ChangeLog#poll}) use consumers of their own that long-poll the
 * broker; the others use consumers whose fetches never wait (see {@link KafkaClients#reader}).
 *
 * <p>Reads behave as the embedded log's: {@code fromOffset} outside {@code [logStart, end]} throws
 * {@link OffsetOutOfRangeException}; offsets compaction removed are skipped (Kafka keeps the batch
 * headers, so the position moves past them); the end offset is the high watermark. A read that finds
 * records at or after {@code fromOffset} returns at least one; it returns what one fetch brought, up to
 * the limits, rather than fetching again.
 *
 * <p>Thread-safe.
 */
final class Readers implements AutoCloseable {

    static final int MAX_READERS = 4;

    /** A call made with a borrowed consumer. */
    @FunctionalInterface
    interface Call<T> {
        T apply(KafkaConsumer<byte[], byte[]> consumer) throws InterruptedException;
    }

    private final KafkaClients clients;
    private final Semaphore permits = new Semaphore(MAX_READERS);
    private final ConcurrentLinkedDeque<KafkaConsumer<byte[], byte[]>> idleReaders = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<KafkaConsumer<byte[], byte[]>> idleWaiters = new ConcurrentLinkedDeque<>();
    private final AtomicInteger created = new AtomicInteger();
    private volatile boolean closed;

    Readers(KafkaClients clients) {
        this.clients = clients;
    }

    /**
     * Reads records at or after {@code from}; when there are none yet, waits up to {@code wait} for them.
     *
     * @throws OffsetOutOfRangeException if {@code from} is below the log start or above the end
     * @throws LogStorageException       if records exist but no fetch brought them within the request timeout
     */
    ReadResult read(TopicPartition tp, long from, int maxRecords, int maxBytes, Duration wait)
            throws InterruptedException {
        if (maxRecords < 1 || maxBytes < 0) {
            throw new IllegalArgumentException("maxRecords must be >= 1 and maxBytes >= 0");
        }
        org.apache.kafka.common.TopicPartition ktp = Convert.kafka(tp);
        boolean waits = !wait.isZero() && !wait.isNegative();
        return withReader(tp.toString(), waits, c -> {
            if (!c.assignment().equals(Set.of(ktp))) {
                c.assign(List.of(ktp));
            }
            long start = c.beginningOffsets(List.of(ktp), clients.timeout()).get(ktp);
            long end = c.endOffsets(List.of(ktp), clients.timeout()).get(ktp);
            if (from < start || from > end) {
                throw new OffsetOutOfRangeException(tp, from, start, end);
            }
            if (from == end && !waits) {
                return new ReadResult(List.of(), from, start, end);
            }
            c.seek(ktp, from);
            List<LogRecord> out = new ArrayList<>();
            long next = first(c, tp, from, end, wait, out);
            if (!out.isEmpty()) {
                next = more(c, ktp, maxRecords, maxBytes, out);
            }
            return new ReadResult(List.copyOf(out), next, start, Math.max(end, next));
        });
    }

    /**
     * Polls until records come, the position passes {@code end} without any (compacted away), or the
     * deadline: the request timeout when records exist ({@code from < end}), else {@code wait}.
     */
    private long first(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, long from, long end, Duration wait,
                       List<LogRecord> out) {
        org.apache.kafka.common.TopicPartition ktp = Convert.kafka(tp);
        long deadline = System.nanoTime() + (from < end ? clients.timeout() : wait).toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            ConsumerRecords<byte[], byte[]> polled;
            try {
                polled = c.poll(Duration.ofNanos(Math.max(0, left)));
            } catch (org.apache.kafka.clients.consumer.OffsetOutOfRangeException e) {
                long start = c.beginningOffsets(List.of(ktp), clients.timeout()).get(ktp);
                throw new OffsetOutOfRangeException(tp, from, start, c.endOffsets(List.of(ktp), clients.timeout()).get(ktp));
            }
            List<ConsumerRecord<byte[], byte[]>> records = polled.records(ktp);
            if (!records.isEmpty()) {
                records.forEach(r -> out.add(Convert.logRecord(r)));
                return out.get(out.size() - 1).offset() + 1;
            }
            long position = c.position(ktp, clients.timeout());
            if (position >= Math.max(end, from + 1) || left <= 0) {
                if (left <= 0 && from < end && position < end) {
                    throw new LogStorageException(tp.toString(), "read from offset " + from,
                            clients.timedOut("fetching " + tp, null));
                }
                return position;
            }
        }
    }

    /** Trims {@code out} to the limits, or tops it up from what the consumer has buffered; the next offset. */
    private static long more(KafkaConsumer<byte[], byte[]> c, org.apache.kafka.common.TopicPartition ktp,
                             int maxRecords, int maxBytes, List<LogRecord> out) {
        List<LogRecord> all = new ArrayList<>(out);
        out.clear();
        long bytes = 0;
        int i = 0;
        while (true) {
            for (; i < all.size() && out.size() < maxRecords && (out.isEmpty() || bytes < maxBytes); i++) {
                LogRecord r = all.get(i);
                out.add(r);
                bytes += Convert.sizeOf(r);
            }
            if (i < all.size() || out.size() >= maxRecords || bytes >= maxBytes) {
                return out.get(out.size() - 1).offset() + 1;
            }
            List<ConsumerRecord<byte[], byte[]>> buffered = c.poll(Duration.ZERO).records(ktp);
            if (buffered.isEmpty()) {
                return out.get(out.size() - 1).offset() + 1;
            }
            buffered.forEach(r -> all.add(Convert.logRecord(r)));
        }
    }

    Map<TopicPartition, Long> logStartOffsets(Collection<TopicPartition> partitions) {
        return uninterruptibly("log start offsets of " + partitions, c -> ours(c.beginningOffsets(assign(c, partitions),
                clients.timeout())));
    }

    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return uninterruptibly("end offsets of " + partitions, c -> ours(c.endOffsets(assign(c, partitions),
                clients.timeout())));
    }

    OptionalLong offsetForTimestamp(TopicPartition tp, long timestamp) {
        OffsetAndTimestamp found = uninterruptibly("offset for timestamp " + timestamp + " of " + tp, c -> {
            org.apache.kafka.common.TopicPartition ktp = assign(c, List.of(tp)).get(0);
            return c.offsetsForTimes(Map.of(ktp, timestamp), clients.timeout()).get(ktp);
        });
        return found == null ? OptionalLong.empty() : OptionalLong.of(found.offset());
    }

    /**
     * Assigns the partitions an offset look-up asks about: a consumer warns of every looked-up partition
     * it is not assigned. Assigning is local; the next read assigns its own partition.
     */
    private static List<org.apache.kafka.common.TopicPartition> assign(KafkaConsumer<byte[], byte[]> c,
                                                                      Collection<TopicPartition> partitions) {
        List<org.apache.kafka.common.TopicPartition> k = Convert.kafka(partitions);
        if (!c.assignment().equals(Set.copyOf(k))) {
            c.assign(k);
        }
        return k;
    }

    private static Map<TopicPartition, Long> ours(Map<org.apache.kafka.common.TopicPartition, Long> offsets) {
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> out.put(Convert.ours(tp), o));
        return out;
    }

    /** {@link #withReader} for callers that cannot throw {@link InterruptedException}: the flag is kept. */
    <T> T uninterruptibly(String subject, Call<T> call) {
        try {
            return withReader(subject, false, call);
        } catch (InterruptedException e) {
            throw clients.interrupted("reading " + subject, e);
        }
    }

    /**
     * Runs {@code call}, a read of {@code subject}, with a consumer of the pool (one that long-polls if
     * {@code waits}). Kafka's timeouts become {@link KafkaLogException}s,
     * its interrupts {@link InterruptedException}s; a consumer that threw a Kafka exception is replaced.
     */
    <T> T withReader(String subject, boolean waits, Call<T> call) throws InterruptedException {
        if (!permits.tryAcquire(clients.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            throw clients.timedOut("waiting for one of the " + MAX_READERS + " readers", null);
        }
        KafkaConsumer<byte[], byte[]> c = null;
        boolean healthy = false;
        try {
            ensureOpen();
            c = (waits ? idleWaiters : idleReaders).pollFirst();
            if (c == null) {
                c = new KafkaConsumer<>(clients.reader(created.incrementAndGet(), waits), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
            }
            T result = call.apply(c);
            healthy = true;
            return result;
        } catch (InterruptException e) {
            Thread.interrupted();
            InterruptedException ie = new InterruptedException("interrupted while reading from Kafka");
            ie.initCause(e);
            throw ie;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw clients.timedOut("reading " + subject, e);
        } catch (KafkaException e) {
            throw new LogStorageException(subject, "read from Kafka", e);
        } catch (RuntimeException e) {
            healthy = true;
            throw e;
        } finally {
            if (c != null) {
                if (healthy && !closed) {
                    (waits ? idleWaiters : idleReaders).addFirst(c);
                    if (closed) {
                        closeIdle(Duration.ZERO);
                    }
                } else {
                    c.close(CloseOptions.timeout(Duration.ZERO));
                }
            }
            permits.release();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the Kafka log is closed");
        }
    }

    /** Closes the idle consumers; one in use is closed when its call returns. */
    @Override
    public void close() {
        closed = true;
        closeIdle(clients.timeout());
    }

    private void closeIdle(Duration timeout) {
        for (ConcurrentLinkedDeque<KafkaConsumer<byte[], byte[]>> idle : List.of(idleReaders, idleWaiters)) {
            KafkaConsumer<byte[], byte[]> c;
            while ((c = idle.pollFirst()) != null) {
                c.close(CloseOptions.timeout(timeout));
            }
        }
    }
}
