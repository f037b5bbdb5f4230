package io.tidelog.service.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidelog.harness.PostgresServer;
import io.tidelog.harness.RedisServer;
import io.tidelog.harness.junit.PostgresExtension;
import io.tidelog.harness.junit.RedisExtension;
import io.tidelog.service.TidelogApplication;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.sink.runner.SinkState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running Tidelog over a real PostgreSQL and two Redis sinks: {@code cache}, healthy, and
 * {@code doomed}, whose Redis is stopped once it is open, and which gives up after one attempt.
 * {@code /actuator/prometheus} carries the documented names with only {@code sink}/{@code topic}/{@code state}
 * tags, and {@code /actuator/health/readiness} turns OUT_OF_SERVICE naming the failed sink while
 * liveness stays UP.
 */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class ObserveIT {

    private static final String DB = "observe_it";
    private static final String TOPIC = "tidelog.public.observe_items";
    private static final int ROWS = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void metricsAndReadinessFollowThePipeline(PostgresServer pg, RedisServer redis) throws Exception {
        pg.createDatabase(DB);
        pg.execute(DB, "CREATE TABLE observe_items (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO observe_items SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
        RedisServer doomedRedis = RedisServer.builder().name("redis-doomed").start();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TidelogApplication.class).run(
                "--server.port=0",
                "--tidelog.source.url=" + pg.jdbcUrl(DB),
                "--tidelog.source.username=" + pg.superuser(),
                "--tidelog.source.password=" + pg.superuserPassword(),
                "--tidelog.source.tables=public.observe_items",
                "--tidelog.source.slot-name=" + DB,
                "--tidelog.source.publication-name=" + DB,
                "--tidelog.data-dir=" + dataDir,
                "--tidelog.sinks.cache.type=redis",
                "--tidelog.sinks.cache.redis.uri=" + redis.uri(),
                "--tidelog.sinks.cache.redis.key-template=observe_it:{table}:{pk}",
                "--tidelog.sinks.doomed.type=redis",
                "--tidelog.sinks.doomed.redis.uri=" + doomedRedis.uri(),
                "--tidelog.sinks.doomed.redis.key-template=observe_it_doomed:{table}:{pk}",
                "--tidelog.sinks.doomed.redis.command-timeout=500ms",
                "--tidelog.sinks.doomed.retry.max-attempts=1")) {
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            SinkFleet fleet = app.getBean(SinkFleet.class);

            await().alias("both sinks have the snapshot").atMost(Duration.ofSeconds(60)).until(() ->
                    fleet.runners().stream().allMatch(r -> r.metrics().recordsWritten() >= ROWS
                            && r.state() == SinkState.RUNNING));
            await().alias("ready").atMost(Duration.ofSeconds(30))
                    .until(() -> get(base + "/actuator/health/readiness").statusCode() == 200);
            JsonNode ready = JSON.readTree(get(base + "/actuator/health/readiness").body());
            assertThat(ready.path("components").propertyNames()).containsExactlyInAnyOrder(
                    "readinessState", "capture", "walLag", "sinks");
            assertThat(ready.at("/components/sinks/components/cache/status").asString()).isEqualTo("UP");

            Prometheus metrics = Prometheus.parse(get(base + "/actuator/prometheus").body());
            assertThat(metrics.value("tidelog_snapshot_rows_total")).isEqualTo(ROWS);
            assertThat(metrics.find("tidelog_capture_events_total")).hasSize(1);
            assertThat(metrics.find("tidelog_capture_lag_seconds")).hasSize(1);
            assertThat(metrics.find("tidelog_capture_last_event_age_seconds")).hasSize(1);
            assertThat(metrics.value("tidelog_capture_state", "state", "running")).isEqualTo(1);
            assertThat(metrics.find("tidelog_source_slot_lag_bytes")).hasSize(1);
            assertThat(metrics.value("tidelog_log_appended_records_total")).isGreaterThanOrEqualTo(ROWS);
            assertThat(metrics.value("tidelog_log_appended_bytes_total")).isPositive();
            assertThat(metrics.value("tidelog_log_fsync_seconds_count")).isPositive();
            assertThat(metrics.find("tidelog_log_compaction_runs_total")).hasSize(1);
            assertThat(metrics.find("tidelog_log_reclaimed_bytes_total")).hasSize(1);
            assertThat(metrics.value("tidelog_log_end_offset", "topic", TOPIC)).isGreaterThanOrEqualTo(ROWS);
            for (String sink : List.of("cache", "doomed")) {
                assertThat(metrics.value("tidelog_sink_records_written_total", "sink", sink)).isGreaterThanOrEqualTo(ROWS);
                assertThat(metrics.value("tidelog_sink_records_dead_lettered_total", "sink", sink)).isZero();
                assertThat(metrics.value("tidelog_sink_batch_latency_seconds_count", "sink", sink)).isPositive();
                assertThat(metrics.value("tidelog_sink_batch_latency_seconds_sum", "sink", sink)).isPositive();
                assertThat(metrics.find("tidelog_sink_retries_total", "sink", sink)).hasSize(1);
                assertThat(metrics.find("tidelog_sink_errors_total", "sink", sink)).hasSize(1);
                assertThat(metrics.find("tidelog_sink_dead_letters", "sink", sink)).hasSize(1);
                assertThat(metrics.find("tidelog_sink_lag_records", "sink", sink, "topic", TOPIC)).hasSize(1);
                assertThat(metrics.find("tidelog_sink_lag_seconds", "sink", sink, "topic", TOPIC)).hasSize(1);
                assertThat(metrics.value("tidelog_sink_state", "sink", sink, "state", "running")).isEqualTo(1);
                assertThat(metrics.find("tidelog_sink_state", "sink", sink)).hasSize(SinkState.values().length);
            }
            assertThat(metrics.samples()).filteredOn(s -> s.name().startsWith("tidelog_"))
                    .allSatisfy(s -> assertThat(s.labels().keySet()).isSubsetOf(Set.of("sink", "topic", "state")));

            doomedRedis.close();
            pg.execute(DB, "UPDATE observe_items SET v = v + 1 WHERE id <= 10");

            await().alias("readiness OUT_OF_SERVICE").atMost(Duration.ofSeconds(60))
                    .until(() -> get(base + "/actuator/health/readiness").statusCode() == 503);
            JsonNode notReady = JSON.readTree(get(base + "/actuator/health/readiness").body());
            assertThat(notReady.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
            assertThat(notReady.at("/components/sinks/components/doomed/status").asString()).isEqualTo("OUT_OF_SERVICE");
            assertThat(notReady.at("/components/sinks/components/doomed/details/reason").asString())
                    .startsWith("sink doomed FAILED: ");
            assertThat(notReady.at("/components/sinks/components/cache/status").asString()).isEqualTo("UP");
            assertThat(notReady.at("/components/capture/status").asString()).isEqualTo("UP");
            HttpResponse<String> live = get(base + "/actuator/health/liveness");
            assertThat(live.statusCode()).as("a failed sink is no reason to restart the process").isEqualTo(200);

            Prometheus after = Prometheus.parse(get(base + "/actuator/prometheus").body());
            assertThat(after.value("tidelog_sink_state", "sink", "doomed", "state", "failed")).isEqualTo(1);
            assertThat(after.value("tidelog_sink_state", "sink", "doomed", "state", "running")).isZero();
            assertThat(after.value("tidelog_sink_errors_total", "sink", "doomed")).isGreaterThanOrEqualTo(1);
            assertThat(after.value("tidelog_capture_events_total")).as("the ten updates").isGreaterThanOrEqualTo(10);
            assertThat(after.value("tidelog_sink_lag_records", "sink", "doomed", "topic", TOPIC)).isPositive();
            await().alias("cache keeps up").atMost(Duration.ofSeconds(30)).until(() -> Prometheus.parse(get(base
                    + "/actuator/prometheus").body()).value("tidelog_sink_lag_records", "sink", "cache", "topic", TOPIC) == 0);
        } finally {
            doomedRedis.close();
            pg.execute(DB, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + DB + "'");
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
