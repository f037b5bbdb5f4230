package io.tidelog.bench.sinks;

import java.util.Arrays;

/** A growing sample of latencies in milliseconds, with nearest-rank percentiles. One thread. */
final class Latencies {

    private long[] values = new long[1024];
    private int size;

    void add(long millis) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = millis;
    }

    int size() {
        return size;
    }

    /** The nearest-rank percentile {@code q} in (0, 1]: the smallest value with at least q of the sample at or below it. */
    long percentile(double q) {
        if (size == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * size);
        return sorted[Math.max(0, Math.min(size, rank) - 1)];
    }

    long max() {
        return percentile(1.0);
    }

    static String format(long millis) {
        return millis < 0 ? "–" : Long.toString(millis);
    }
}
