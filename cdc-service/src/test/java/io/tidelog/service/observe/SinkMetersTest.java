package io.tidelog.service.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidelog.event.TableId;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink meters read a real runner over a real log; only the target is a stand-in. */
class SinkMetersTest {

    private static final TableId TABLE = SinkFixtures.TABLE;
    private static final String TOPIC = SinkFixtures.TOPIC;

    @TempDir
    Path dir;
    ChangeLog log;
    SinkRunner runner;
    final SinkFixtures.StandInSink sink = new SinkFixtures.StandInSink();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicLong lsn = new AtomicLong(100);

    @BeforeEach
    void open() {
        log = EmbeddedChangeLog.open(dir, LogConfig.defaults());
        log.createTopic(TOPIC, TopicConfig.compacted(2));
        runner = new SinkRunner(new SinkSettings("cache", Set.of(TABLE), FieldMapping.IDENTITY,
                new BatchPolicy(100, 1 << 20, Duration.ZERO),
                new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(2), 2, 0, 3)), sink, log, Map.of(TABLE, TOPIC),
                Clock.systemUTC());
        new SinkMeters(List.of(new ObservedSink(runner, log, List.of(TOPIC)))).bindTo(registry);
    }

    @AfterEach
    void close() {
        runner.close();
        log.close();
    }

    @Test
    void followTheRunnersCountersLagAndState() {
        for (int id = 0; id < 10; id++) {
            SinkFixtures.append(log, id, 1, System.currentTimeMillis() - 60_000, lsn.incrementAndGet());
        }
        assertThat(gauge("tidelog.sink.lag.records")).isEqualTo(10);
        assertThat(registry.get("tidelog.sink.lag.seconds").tag("sink", "cache").tag("topic", TOPIC).timeGauge()
                .value(TimeUnit.SECONDS)).as("the oldest waiting record is a minute old").isGreaterThanOrEqualTo(59);
        assertThat(state("starting")).isEqualTo(1);

        runner.start();
        await().alias("all ten written").atMost(Duration.ofSeconds(20))
                .until(() -> counter("tidelog.sink.records.written") == 10);
        await().alias("committed").atMost(Duration.ofSeconds(10)).until(() -> gauge("tidelog.sink.lag.records") == 0);
        assertThat(registry.get("tidelog.sink.lag.seconds").tag("sink", "cache").timeGauge().value(TimeUnit.SECONDS))
                .isZero();
        FunctionTimer batches = registry.get("tidelog.sink.batch.latency").tag("sink", "cache").functionTimer();
        assertThat(batches.count()).isEqualTo(runner.metrics().batches()).isPositive();
        // Micrometer converts through double seconds: equal up to rounding.
        assertThat(batches.totalTime(TimeUnit.NANOSECONDS)).isPositive()
                .isCloseTo(runner.metrics().batchNanos(), org.assertj.core.data.Offset.offset(1.0));
        assertThat(state("running")).isEqualTo(1);
        assertThat(state("starting")).isZero();

        sink.down = true;
        for (int id = 0; id < 5; id++) {
            SinkFixtures.append(log, id, 2, System.currentTimeMillis(), lsn.incrementAndGet());
        }
        await().alias("gives up after 3 attempts").atMost(Duration.ofSeconds(20))
                .until(() -> runner.state() == SinkState.FAILED);
        assertThat(state("failed")).isEqualTo(1);
        assertThat(state("running")).isZero();
        assertThat(counter("tidelog.sink.errors")).isEqualTo(runner.metrics().errors()).isEqualTo(3);
        assertThat(counter("tidelog.sink.retries")).isEqualTo(runner.metrics().retries()).isEqualTo(2);
        assertThat(counter("tidelog.sink.records.written")).isEqualTo(10);
        assertThat(counter("tidelog.sink.records.dead.lettered")).isZero();
        assertThat(gauge("tidelog.sink.dead.letters")).isZero();
        assertThat(gauge("tidelog.sink.lag.records")).isEqualTo(5);
        assertThat(registry.find("tidelog.sink.state").gauges()).hasSize(SinkState.values().length);
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags())
                .allSatisfy(t -> assertThat(t.getKey()).isIn("sink", "topic", "state")));
    }

    private double counter(String name) {
        return registry.get(name).tag("sink", "cache").functionCounter().count();
    }

    private double gauge(String name) {
        return registry.get(name).tag("sink", "cache").gauge().value();
    }

    private double state(String state) {
        return registry.get("tidelog.sink.state").tag("sink", "cache").tag("state", state).gauge().value();
    }
}
