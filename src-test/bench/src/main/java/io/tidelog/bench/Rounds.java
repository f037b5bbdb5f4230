package io.tidelog.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Warm-up and measured rounds of one benchmark configuration, reported as the median round. Each
 * round is timed by the caller and returned as a {@link Round}; warm-up rounds are printed and
 * dropped. Used by one thread.
 */
final class Rounds {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One round: {@code units} done (records, or bytes for compaction) in {@code nanos}. */
    record Round(long units, long nanos, long allocatedBytes, String note) {
        double perSecond() {
            return units * 1e9 / nanos;
        }
    }

    /** The measured rounds of one configuration. */
    record Result(String label, List<Round> rounds) {
        Round median() {
            List<Round> sorted = new ArrayList<>(rounds);
            sorted.sort(Comparator.comparingDouble(Round::perSecond));
            return sorted.get(sorted.size() / 2);
        }

        double perSecond() {
            return median().perSecond();
        }

        double min() {
            return rounds.stream().mapToDouble(Round::perSecond).min().orElse(0);
        }

        double max() {
            return rounds.stream().mapToDouble(Round::perSecond).max().orElse(0);
        }

        /** Bytes allocated in this JVM per unit, median round. */
        String allocationPerUnit() {
            Round m = median();
            return m.allocatedBytes() < 0 ? "n/a" : String.format("%.1f", (double) m.allocatedBytes() / m.units());
        }
    }

    /** A round's body; returns units done and a free-text note (may be empty). */
    interface Body {
        Round run() throws Exception;
    }

    private Rounds() {
    }

    static Result run(String label, int warmups, int measured, Body body) throws Exception {
        List<Round> kept = new ArrayList<>();
        for (int i = 0; i < warmups + measured; i++) {
            Round r = body.run();
            boolean warm = i < warmups;
            System.out.printf("  %-58s %s %d: %,14.0f /s  %s%n", label, warm ? "warm-up" : "round  ",
                    warm ? i + 1 : i - warmups + 1, r.perSecond(), r.note());
            if (!warm) {
                kept.add(r);
            }
        }
        return new Result(label, kept);
    }

    /**
     * Bytes allocated so far by the live threads of this JVM. Threads that end between two calls take
     * their share with them, so callers keep their worker threads alive across a round.
     */
    static long allocatedBytes() {
        long[] ids = THREADS.getAllThreadIds();
        long sum = 0;
        for (long b : THREADS.getThreadAllocatedBytes(ids)) {
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }
}
