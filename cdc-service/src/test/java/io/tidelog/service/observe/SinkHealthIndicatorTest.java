package io.tidelog.service.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.sink.runner.SinkMetrics;
import io.tidelog.sink.runner.SinkState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class SinkHealthIndicatorTest {

    private static final Duration MAX = Duration.ofMinutes(5);
    private static final SinkMetrics.LastError REFUSED =
            new SinkMetrics.LastError(Instant.parse("2026-01-01T00:00:00Z"), "RedisConnectionException: refused");

    @ParameterizedTest(name = "{0}, {1} records {2}s behind -> {3}")
    @CsvSource({
            "RUNNING,  0,   0,    UP,             ",
            "RUNNING,  9,   300,  UP,             ",
            "RUNNING,  9,   301,  OUT_OF_SERVICE, 'sink cache is 5m01s behind (9 records; max 5m00s)'",
            "RETRYING, 12000, 3600, OUT_OF_SERVICE, 'sink cache is 1h00m behind (12,000 records; max 5m00s)'",
            "STARTING, 5,   10,   UP,             ",
            "PAUSED,   500, 9999, UP,             ",
            "FAILED,   0,   0,    OUT_OF_SERVICE, 'sink cache FAILED: RedisConnectionException: refused'",
            "STOPPED,  0,   0,    OUT_OF_SERVICE, 'sink cache is stopped'"})
    void statusAndReasonFromStateAndLag(SinkState state, long records, long seconds, String status, String reason) {
        Health h = SinkHealthIndicator.assess("cache", state, new SinkLag(records, Duration.ofSeconds(seconds), 0),
                REFUSED, MAX);
        assertThat(h.getStatus()).isEqualTo(new Status(status));
        assertThat(h.getDetails().get("reason")).isEqualTo(reason);
        assertThat(h.getDetails()).containsEntry("state", state.name()).containsEntry("lagRecords", records)
                .containsKey("lastError");
    }

    @Test
    void failedWithoutAnErrorStillNamesTheSink() {
        Health h = SinkHealthIndicator.assess("search", SinkState.FAILED, SinkLag.NONE, null, MAX);
        assertThat(h.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(h.getDetails()).containsEntry("reason", "sink search FAILED").doesNotContainKey("lastError");
    }
}
