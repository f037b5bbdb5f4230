package io.tidelog.sink.runner;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How the runner retries a batch its sink failed with a retriable error: exponential backoff from
 * {@code initialBackoff}, times {@code multiplier} per attempt, capped at {@code maxBackoff}, each delay
 * spread by ±{@code jitter} (a fraction) so that many sinks recovering together do not retry in step.
 *
 * <p>{@code maxAttempts = 0} retries for ever: the log is the buffer, so a sink whose target is down
 * waits for it (its lag grows, capture and other sinks carry on). With a limit, the sink goes
 * {@link SinkState#FAILED} after that many failed attempts of one batch and stops until resumed.
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter,
                          int maxAttempts) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0,
            0.2, 0);

    public RetryPolicy {
        if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("retry initial-backoff must be positive, was " + initialBackoff);
        }
        if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry max-backoff must be at least initial-backoff, was " + maxBackoff);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("retry multiplier must be at least 1, was " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("retry jitter must be in [0, 1), was " + jitter);
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("retry max-attempts must be 0 (for ever) or positive, was " + maxAttempts);
        }
    }

    /** Whether another attempt follows {@code failedAttempts} failures. */
    public boolean allowsAnother(int failedAttempts) {
        return maxAttempts == 0 || failedAttempts < maxAttempts;
    }

    /** The delay before attempt {@code failedAttempts + 1}, {@code failedAttempts >= 1}. */
    public Duration backoff(int failedAttempts, RandomGenerator random) {
        double base = initialBackoff.toNanos() * Math.pow(multiplier, Math.min(failedAttempts - 1, 62));
        double capped = Math.min(base, maxBackoff.toNanos());
        double spread = capped * jitter * (2 * random.nextDouble() - 1);
        return Duration.ofNanos((long) Math.max(0, Math.min(capped + spread, Long.MAX_VALUE / 2.0)));
    }
}
