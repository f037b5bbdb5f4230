package io.tidelog.sink.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    @ParameterizedTest
    @CsvSource({"1, 100", "2, 200", "3, 400", "5, 1600", "6, 2000", "60, 2000", "1000, 2000"})
    void backsOffExponentiallyUpToTheCap(int failures, long expectedMillis) {
        RetryPolicy p = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), 2, 0, 0);
        assertThat(p.backoff(failures, new Random(1)).toMillis()).isEqualTo(expectedMillis);
    }

    @Test
    void jitterSpreadsDelaysWithinItsFraction() {
        RetryPolicy p = new RetryPolicy(Duration.ofMillis(1000), Duration.ofSeconds(10), 2, 0.2, 0);
        Random random = new Random(42);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 1000; i++) {
            long d = p.backoff(1, random).toMillis();
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isBetween(800L, 850L);
        assertThat(max).isBetween(1150L, 1200L);
    }

    @Test
    void zeroAttemptsMeansForEver() {
        assertThat(new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(1), 1, 0, 0).allowsAnother(1_000_000)).isTrue();
        RetryPolicy three = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(1), 1, 0, 3);
        assertThat(three.allowsAnother(2)).isTrue();
        assertThat(three.allowsAnother(3)).isFalse();
    }

    @Test
    void refusesNonsenseNamingTheSetting() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, Duration.ofSeconds(1), 2, 0, 0))
                .hasMessageContaining("initial-backoff");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0, 0))
                .hasMessageContaining("max-backoff");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 0, 0))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.5, 0))
                .hasMessageContaining("jitter");
    }
}
