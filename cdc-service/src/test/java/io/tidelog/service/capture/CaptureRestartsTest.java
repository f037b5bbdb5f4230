package io.tidelog.service.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CaptureRestartsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final CaptureRestarts restarts = new CaptureRestarts(now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aFreshCaptureMayStartAtOnce() {
        assertThat(restarts.mayStart()).isTrue();
        assertThat(restarts.failures()).isZero();
    }

    @Test
    void waitsDoubleFromOneSecondUpToAMinute() {
        assertThat(restarts.failed()).isEqualTo(Duration.ofSeconds(1));
        assertThat(restarts.failed()).isEqualTo(Duration.ofSeconds(2));
        assertThat(restarts.failed()).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 30; i++) {
            restarts.failed();
        }
        assertThat(restarts.failed()).isEqualTo(CaptureRestarts.MAX);
        assertThat(restarts.failures()).isEqualTo(34);
    }

    @Test
    void mayStartOnlyOnceTheWaitIsOver() {
        Duration wait = restarts.failed();
        assertThat(restarts.mayStart()).isFalse();
        advance(wait.minusMillis(1));
        assertThat(restarts.mayStart()).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(restarts.mayStart()).isTrue();
    }

    @Test
    void aCaptureThatRanLongEnoughEarnsTheFirstWaitBack() {
        restarts.failed();
        restarts.failed();
        restarts.running();
        advance(CaptureRestarts.STABLE.minusSeconds(1));
        restarts.running();
        assertThat(restarts.failures()).as("not stable yet").isEqualTo(2);
        advance(Duration.ofSeconds(1));
        restarts.running();
        assertThat(restarts.failures()).isZero();
        assertThat(restarts.failed()).isEqualTo(CaptureRestarts.FIRST);
    }

    @Test
    void aShortRunBetweenFailuresKeepsTheWaitGrowing() {
        restarts.failed();
        restarts.running();
        advance(Duration.ofSeconds(5));
        restarts.running();
        assertThat(restarts.failed()).isEqualTo(Duration.ofSeconds(2));
        restarts.running();
        advance(CaptureRestarts.STABLE.minusSeconds(1)); // the clock of a run starts again after each failure
        restarts.running();
        assertThat(restarts.failed()).isEqualTo(Duration.ofSeconds(4));
    }
}
