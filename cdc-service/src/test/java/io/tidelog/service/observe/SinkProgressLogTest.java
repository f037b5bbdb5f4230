package io.tidelog.service.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import io.tidelog.sink.runner.BatchPolicy;
import io.tidelog.sink.runner.FieldMapping;
import io.tidelog.sink.runner.RetryPolicy;
import io.tidelog.sink.runner.SinkRunner;
import io.tidelog.sink.runner.SinkSettings;
import io.tidelog.sink.runner.SinkState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The progress line's decisions, fed observations ten seconds apart; then the line over a real runner. */
@ExtendWith(OutputCaptureExtension.class)
class SinkProgressLogTest {

    private static final Pattern PROGRESS = Pattern.compile(
            "sink cache: [\\d,]+ behind, [\\d,]+ rec/s, (ETA \\w+|stalled|not gaining on its input)( \\(\\w+\\))?");

    private static final long TICK = Duration.ofSeconds(10).toNanos();

    private final SinkProgressLog.Tracker tracker = new SinkProgressLog.Tracker("cache", Duration.ofSeconds(10));
    private long now;

    @Test
    void catchingUpFromTheLogReportsRateAndEtaThenCaughtUpOnce() {
        // bootstrapping a new sink: 1,000,000 offsets behind, consuming 35,210 a second
        assertThat(observe(1_000_000, 0, 0, SinkState.RUNNING)).isEmpty(); // baseline
        assertThat(observe(647_900, 60, 352_100, SinkState.RUNNING))
                .contains("sink cache: 647,900 behind, 35,210 rec/s, ETA 18s");
        assertThat(observe(295_800, 50, 704_200, SinkState.RUNNING))
                .contains("sink cache: 295,800 behind, 35,210 rec/s, ETA 8s");
        assertThat(observe(0, 0, 1_000_000, SinkState.RUNNING)).contains("sink cache: caught up, 1,000,000 records in 30s");
        assertThat(observe(0, 0, 1_000_000, SinkState.RUNNING)).as("quiet when caught up").isEmpty();
        assertThat(observe(3, 0, 1_000_050, SinkState.RUNNING)).as("live traffic is not catching up").isEmpty();
    }

    @Test
    void aSmallBacklogThatWaitsLongerThanATickIsReportedAsStalled() {
        observe(0, 0, 100, SinkState.RUNNING);
        assertThat(observe(40, 5, 100, SinkState.RUNNING)).as("young and small").isEmpty();
        assertThat(observe(80, 15, 100, SinkState.RETRYING)).contains("sink cache: 80 behind, 0 rec/s, stalled (retrying)");
        assertThat(observe(60, 12, 140, SinkState.RUNNING)).contains("sink cache: 60 behind, 4 rec/s, ETA 30s");
        assertThat(observe(0, 0, 200, SinkState.RUNNING)).contains("sink cache: caught up, 100 records in 30s");
    }

    @Test
    void inputFasterThanTheSinkIsNotGaining() {
        observe(20_000, 1, 0, SinkState.RUNNING);
        assertThat(observe(30_000, 20, 50_000, SinkState.RUNNING))
                .contains("sink cache: 30,000 behind, 5,000 rec/s, not gaining on its input");
    }

    @Test
    void quietWhilePausedOrFailedAndNoCaughtUpLineForThem() {
        observe(50_000, 100, 0, SinkState.RUNNING);
        assertThat(observe(50_000, 110, 0, SinkState.PAUSED)).isEmpty();
        assertThat(observe(50_000, 120, 0, SinkState.FAILED)).isEmpty();
        assertThat(observe(40_000, 5, 10_000, SinkState.RUNNING)).contains("sink cache: 40,000 behind, 1,000 rec/s, ETA 40s");
        assertThat(observe(40_000, 15, 10_000, SinkState.PAUSED)).as("paused mid catch-up: not caught up").isEmpty();
    }

    private Optional<String> observe(long behind, long ageSeconds, long consumed, SinkState state) {
        Optional<String> line = tracker.observe(new SinkLag(behind, Duration.ofSeconds(ageSeconds), consumed), state, now);
        now += TICK;
        return line;
    }

    @Test
    void aRealSinkCatchingUpLogsProgressThenCaughtUpOnce(@TempDir Path dir, CapturedOutput output) {
        try (ChangeLog log = EmbeddedChangeLog.open(dir, LogConfig.defaults())) {
            log.createTopic(SinkFixtures.TOPIC, TopicConfig.compacted(2));
            long oneMinuteAgo = System.currentTimeMillis() - 60_000;
            for (int id = 0; id < 600; id++) {
                SinkFixtures.append(log, id, 1, oneMinuteAgo, 1000 + id);
            }
            SinkFixtures.StandInSink sink = new SinkFixtures.StandInSink();
            sink.pause = Duration.ofMillis(30);
            SinkRunner runner = new SinkRunner(new SinkSettings("cache", Set.of(SinkFixtures.TABLE), FieldMapping.IDENTITY,
                    new BatchPolicy(50, 1 << 20, Duration.ZERO), RetryPolicy.DEFAULT), sink, log,
                    Map.of(SinkFixtures.TABLE, SinkFixtures.TOPIC), Clock.systemUTC());
            SinkProgressLog progress = new SinkProgressLog(List.of(new ObservedSink(runner, log,
                    List.of(SinkFixtures.TOPIC))), Duration.ofMillis(100));
            try {
                progress.start();
                runner.start();
                await().alias("caught up").atMost(Duration.ofSeconds(20))
                        .until(() -> output.getOut().contains("sink cache: caught up, "));
                await().alias("no second caught-up line").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> lines(output, "sink cache: caught up").size() == 1);
            } finally {
                progress.stop();
                runner.close();
            }
            List<String> progressLines = lines(output, "behind");
            assertThat(progressLines).isNotEmpty().allSatisfy(l -> assertThat(PROGRESS.matcher(l).find()).as(l).isTrue());
            assertThat(lines(output, "sink cache: caught up").get(0)).containsPattern("caught up, [\\d,]+ records in \\w+");
        }
    }

    private static List<String> lines(CapturedOutput output, String containing) {
        return output.getOut().lines().filter(l -> l.contains("io.tidelog.progress") || l.contains("sink cache:"))
                .filter(l -> l.contains(containing)).toList();
    }
}
