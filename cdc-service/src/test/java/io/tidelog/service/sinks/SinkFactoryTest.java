package io.tidelog.service.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.capture.TopicNaming;
import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import io.tidelog.service.config.InvalidSinkException;
import io.tidelog.service.config.SinkProperties;
import io.tidelog.sink.runner.SinkRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

class SinkFactoryTest {

    private static final TableId ORDERS = new TableId("public", "orders");
    private static final TableId CUSTOMERS = new TableId("public", "customers");

    @TempDir
    Path dir;
    ChangeLog log;
    SinkFactory factory;

    @BeforeEach
    void setUp() {
        log = EmbeddedChangeLog.open(dir.resolve("log"), LogConfig.defaults());
        factory = new SinkFactory(List.of(ORDERS, CUSTOMERS), new TopicNaming("tidelog"), dir, log, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        log.close();
    }

    @Test
    void buildsOneRunnerPerEnabledSinkReceivingAllTablesByDefault() {
        Map<String, SinkProperties> sinks = new LinkedHashMap<>();
        sinks.put("cache", sink(SinkProperties.Type.REDIS, List.of(), redis("{table}:{pk}", "upsert")));
        sinks.put("warehouse", sink(SinkProperties.Type.DUCKDB, List.of("public.orders"), redis("{table}:{pk}", "upsert")));
        sinks.put("off", new SinkProperties(SinkProperties.Type.REDIS, false, List.of(), fields(), batch(), retry(),
                redis("{table}:{pk}", "upsert"), openSearch(), duckDb()));

        List<SinkRunner> runners = factory.create(sinks);

        assertThat(runners).extracting(SinkRunner::name).containsExactly("cache", "warehouse");
        assertThat(runners.get(0).settings().tables()).isEqualTo(Set.of(ORDERS, CUSTOMERS));
        assertThat(runners.get(1).settings().tables()).isEqualTo(Set.of(ORDERS));
        assertThat(runners.get(0).settings().groupId()).isEqualTo("tidelog.sink.cache");
    }

    @Test
    void anUnknownTableNamesThePropertyAndTheCapturedTables() {
        assertThatThrownBy(() -> factory.create(Map.of("cache",
                sink(SinkProperties.Type.REDIS, List.of("public.ordrs"), redis("{table}:{pk}", "upsert")))))
                .isInstanceOf(InvalidSinkException.class)
                .hasMessage("tidelog.sinks.cache.tables: 'public.ordrs' is not a captured table (captured: "
                        + "[public.orders, public.customers])");
    }

    @Test
    void aBadPlaceholderNamesTheTemplateProperty() {
        assertThatThrownBy(() -> factory.create(Map.of("cache",
                sink(SinkProperties.Type.REDIS, List.of(), redis("{tabel}:{pk}", "upsert")))))
                .isInstanceOf(InvalidSinkException.class)
                .hasMessageStartingWith("tidelog.sinks.cache.redis.key-template: ")
                .hasMessageContaining("unknown placeholder {tabel}");
    }

    @Test
    void aBadModeListsTheAllowedOnes() {
        assertThatThrownBy(() -> factory.create(Map.of("cache",
                sink(SinkProperties.Type.REDIS, List.of(), redis("{table}:{pk}", "upsrt")))))
                .isInstanceOf(InvalidSinkException.class)
                .hasMessage("tidelog.sinks.cache.redis.mode: 'upsrt' is not one of [upsert, invalidate]");
    }

    @Test
    void aBadSinkNameOrFieldEntryIsRefused() {
        assertThatThrownBy(() -> factory.create(Map.of("Cache!",
                sink(SinkProperties.Type.REDIS, List.of(), redis("{table}:{pk}", "upsert")))))
                .isInstanceOf(InvalidSinkException.class).hasMessageContaining("sink name 'Cache!'");
        SinkProperties badField = new SinkProperties(SinkProperties.Type.DUCKDB, true, List.of(),
                new SinkProperties.Fields(List.of(), List.of("custmers.email"), Map.of()), batch(), retry(),
                redis("{table}:{pk}", "upsert"), openSearch(), duckDb());
        assertThatThrownBy(() -> factory.create(Map.of("w", badField)))
                .isInstanceOf(InvalidSinkException.class)
                .hasMessageContaining("'custmers.email' names table 'custmers', which this sink does not receive");
    }

    @Test
    void anIndexTemplateWithTheKeyIsRefused() {
        SinkProperties.OpenSearch os = new SinkProperties.OpenSearch(List.of("http://127.0.0.1:9200"), null, null,
                "{table}-{pk}", 1000, DataSize.ofMegabytes(5), null, null, Duration.ofSeconds(30), false);
        SinkProperties p = new SinkProperties(SinkProperties.Type.OPENSEARCH, true, List.of(), fields(), batch(), retry(),
                redis("{table}:{pk}", "upsert"), os, duckDb());
        assertThatThrownBy(() -> factory.create(Map.of("search", p)))
                .isInstanceOf(InvalidSinkException.class)
                .hasMessageStartingWith("tidelog.sinks.search.opensearch");
    }

    private static SinkProperties sink(SinkProperties.Type type, List<String> tables, SinkProperties.Redis redis) {
        return new SinkProperties(type, true, tables, fields(), batch(), retry(), redis, openSearch(), duckDb());
    }

    private static SinkProperties.Fields fields() {
        return new SinkProperties.Fields(List.of(), List.of(), Map.of());
    }

    private static SinkProperties.Batch batch() {
        return new SinkProperties.Batch(2000, DataSize.ofMegabytes(4), Duration.ofMillis(5));
    }

    private static SinkProperties.Retry retry() {
        return new SinkProperties.Retry(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.2, 0);
    }

    private static SinkProperties.Redis redis(String template, String mode) {
        return new SinkProperties.Redis("redis://127.0.0.1:6379", null, mode, "json", template, Duration.ZERO,
                Duration.ofSeconds(5));
    }

    private static SinkProperties.OpenSearch openSearch() {
        return new SinkProperties.OpenSearch(List.of("http://127.0.0.1:9200"), null, null, "{schema}.{table}", 1000,
                DataSize.ofMegabytes(5), null, null, Duration.ofSeconds(30), false);
    }

    private static SinkProperties.DuckDb duckDb() {
        return new SinkProperties.DuckDb(Path.of("warehouse.duckdb"), "main", "{schema}_{table}");
    }
}
