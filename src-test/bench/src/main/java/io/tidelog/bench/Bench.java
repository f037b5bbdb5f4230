package io.tidelog.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/** Small helpers shared by the benchmarks. */
final class Bench {

    private Bench() {
    }

    /** Waits until the counter reaches {@code target}, polling every millisecond; fails after {@code limit}. */
    static void awaitCount(AtomicLong counter, long target, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (counter.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + counter.get() + " of " + target + " within " + limit);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
