package io.tidelog.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The append workload that both the embedded log and Kafka replay: {@link #THREADS} producer threads,
 * thread {@code i} writing only to partition {@code i}, each call sending one batch of 1 or 500
 * prepared records and keeping at most {@link #window} records per thread unacknowledged (waiting for
 * the oldest acknowledgement when over it, as the capture pipeline does). A round runs for a fixed
 * time, then waits for every outstanding acknowledgement; the time includes that drain.
 *
 * <p>The two threads live as long as the driver so that their allocation stays measurable. Not
 * thread-safe: rounds run one after another.
 */
final class AppendDriver implements AutoCloseable {

    static final int THREADS = 2;
    /**
     * Records in flight per thread, at most: the JMH AppendBenchmark's 200,000. With a 100 ms fsync
     * interval this caps throughput at 2 x 200,000 / (100 ms + fsync time), ~2.8M records/s here.
     */
    static final int WINDOW = 200_000;
    /** ... and bytes in flight per thread, at most, so that slow 1 KB configurations drain in seconds. */
    static final int WINDOW_BYTES = 64 * 1024 * 1024;

    /** Records in flight per thread for this record size: 200,000 for 100 B, 65,536 for 1 KB. */
    static int window(int recordBytes) {
        return Math.min(WINDOW, WINDOW_BYTES / recordBytes);
    }

    /** One system under test. {@link #send} is called by thread {@code thread} only. */
    interface Target {
        /** Sends one batch to partition {@code thread}; the future completes when all of it is acknowledged. */
        Future<?> send(int thread) throws Exception;

        /** Called after a round's acknowledgements are all in: fails if any send failed; returns a note. */
        default String afterRound() {
            return "";
        }
    }

    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "bench-producer");
        t.setDaemon(true);
        return t;
    });

    Rounds.Round round(Target target, int recordBytes, int batch, Duration length) throws Exception {
        int window = window(recordBytes);
        long alloc0 = Rounds.allocatedBytes();
        long t0 = System.nanoTime();
        long deadline = t0 + length.toNanos();
        List<Future<Long>> done = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int thread = i;
            done.add(threads.submit(() -> produce(target, thread, batch, window, deadline)));
        }
        long records = 0;
        for (Future<Long> f : done) {
            records += f.get();
        }
        long nanos = System.nanoTime() - t0;
        long allocated = Rounds.allocatedBytes() - alloc0;
        return new Rounds.Round(records, nanos, allocated, target.afterRound());
    }

    private static long produce(Target target, int thread, int batch, int window, long deadline) throws Exception {
        ArrayDeque<Future<?>> inFlight = new ArrayDeque<>(2 * window / batch + 16);
        long sent = 0;
        long outstanding = 0;
        while (System.nanoTime() - deadline < 0) {
            inFlight.addLast(target.send(thread));
            sent += batch;
            outstanding += batch;
            while (outstanding > window) {
                inFlight.pollFirst().get();
                outstanding -= batch;
            }
        }
        Future<?> f;
        while ((f = inFlight.pollFirst()) != null) {
            f.get();
        }
        return sent;
    }

    @Override
    public void close() throws InterruptedException {
        threads.shutdown();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }
}
