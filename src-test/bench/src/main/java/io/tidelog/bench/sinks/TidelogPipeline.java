package io.tidelog.bench.sinks;

import io.tidelog.capture.CaptureSettings;
import io.tidelog.capture.ChangeLogWriter;
import io.tidelog.capture.OffsetStorage;
import io.tidelog.capture.SnapshotOptions;
import io.tidelog.capture.SourceAddress;
import io.tidelog.capture.SourcePipeline;
import io.tidelog.capture.TopicNaming;
import io.tidelog.event.TableId;
import io.tidelog.harness.KafkaServer;
import io.tidelog.harness.OpenSearchServer;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.embedded.EmbeddedChangeLog;
import io.tidelog.log.embedded.LogConfig;
import io.tidelog.log.kafka.KafkaChangeLog;
import io.tidelog.log.kafka.KafkaLogSettings;
import io.tidelog.sink.Sink;
import io.tidelog.sink.duckdb.DuckDbSink;
import io.tidelog.sink.duckdb.DuckDbSinkSettings;
import io.tidelog.sink.opensearch.OpenSearchSink;
import io.tidelog.sink.opensearch.OpenSearchSinkSettings;
import io.tidelog.sink.redis.RedisSink;
import io.tidelog.sink.redis.RedisSinkSettings;
import io.tidelog.sink.runner.BatchPolicy;
import io.tidelog.sink.runner.FieldMapping;
import io.tidelog.sink.runner.RetryPolicy;
import io.tidelog.sink.runner.SinkFleet;
import io.tidelog.sink.runner.SinkRunner;
import io.tidelog.sink.runner.SinkSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tidelog in this JVM, wired as the service wires it: the source pipeline (aligned initial snapshot,
 * then the Debezium engine) into the embedded log (fsync per batch), and one {@link SinkRunner} per sink
 * reading it. {@code redis} runs the Redis sink alone; {@code all} adds OpenSearch (a server this
 * pipeline starts, ~11 s of its "start → streaming") and DuckDB, and counts a phase as arrived only when
 * every sink has committed everything in the log (lag 0) and Redis shows the last version. Latency is
 * measured in Redis in both.
 *
 * <p>In-process, so its CPU time and RSS include the benchmark's writers and poller.
 */
final class TidelogPipeline implements PipelineUnderTest {

    private final boolean allSinks;
    private final boolean onKafka;
    private KafkaServer kafka;
    private ChangeLog log;
    private SourcePipeline pipeline;
    private SinkFleet fleet;
    private OpenSearchServer openSearch;
    private SinkTarget target;

    private TidelogPipeline(boolean allSinks, boolean onKafka) {
        this.allSinks = allSinks;
        this.onKafka = onKafka;
    }

    static TidelogPipeline redisOnly() {
        return new TidelogPipeline(false, false);
    }

    /** Redis only, the log on a Kafka broker (the harness's, a child JVM on the same machine). */
    static TidelogPipeline redisOnKafka() {
        return new TidelogPipeline(false, true);
    }

    static TidelogPipeline allSinks() {
        return new TidelogPipeline(true, false);
    }

    @Override
    public String name() {
        return (allSinks ? "tidelog → redis + opensearch + duckdb" : "tidelog → redis") + (onKafka ? " (log on Kafka)" : "");
    }

    @Override
    public String describe() {
        return name() + ": in-process (CPU and RSS include the benchmark's writers and poller), heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB max; aligned snapshot (2 connections), "
                + "poll interval 10 ms, max batch 2048, " + (onKafka ? "log on Kafka 4.3.0 (one KRaft broker, a child JVM "
                + "whose CPU is not counted here; idempotent producer, acks=all, no fsync)" : "log fsync per batch")
                + ", 4 partitions; sinks batch up to 2000 "
                + "records / 5 ms linger, Redis rows as JSON strings with Lua version guard"
                + (allSinks ? "; OpenSearch 2.19.6 (512 MB heap, bulk 1000 actions, no refresh); DuckDB file" : "");
    }

    @Override
    public void start(Env env) throws Exception {
        TableId table = new TableId(Env.SCHEMA, Env.TABLE);
        if (onKafka) {
            kafka = KafkaServer.builder().name("bench-sinks-kafka").start();
            log = KafkaChangeLog.open(KafkaLogSettings.of(kafka.bootstrapServers()));
        } else {
            log = EmbeddedChangeLog.open(env.workDir().resolve("log"), LogConfig.defaults());
        }
        TopicNaming naming = new TopicNaming("tidelog");
        List<SinkRunner> runners = new ArrayList<>();
        runners.add(runner("cache", new RedisSink(RedisSinkSettings.defaults(env.redis().uri())), table, naming));
        if (allSinks) {
            openSearch = OpenSearchServer.builder().name("bench-sinks-opensearch").start();
            runners.add(runner("search", new OpenSearchSink(OpenSearchSinkSettings.defaults(openSearch.uri())), table, naming));
            runners.add(runner("warehouse", new DuckDbSink(DuckDbSinkSettings.defaults(env.workDir().resolve("warehouse.duckdb"))),
                    table, naming));
        }
        fleet = new SinkFleet(runners);
        fleet.start();
        target = new AllSinksTarget(new RedisKeyTarget(env.redis(), Env.TABLE + ":"), fleet);

        CaptureSettings settings = new CaptureSettings(new SourceAddress(env.postgres().host(), env.postgres().port(),
                env.database()), env.postgres().superuser(), env.postgres().superuserPassword(), List.of(table),
                "tidelog_bench", "tidelog_bench", Duration.ofMillis(10), 2048, OffsetStorage.memory(),
                Duration.ofSeconds(120), CaptureSettings.SnapshotMode.STREAM_ONLY, Duration.ofSeconds(10));
        ChangeLogWriter writer = new ChangeLogWriter(log, naming, TopicConfig.compacted(4), List.of(table),
                Clock.systemUTC());
        pipeline = new SourcePipeline(settings, new SnapshotOptions(2, 100_000), log, writer, batch -> { },
                Clock.systemUTC());
        pipeline.start();
    }

    private SinkRunner runner(String name, Sink sink, TableId table, TopicNaming naming) {
        return new SinkRunner(new SinkSettings(name, Set.of(table), FieldMapping.IDENTITY, BatchPolicy.DEFAULT,
                RetryPolicy.DEFAULT), sink, log, Map.of(table, naming.topic(table)), Clock.systemUTC());
    }

    @Override
    public SinkTarget target() {
        return target;
    }

    @Override
    public ProcessHandle process() {
        return ProcessHandle.current();
    }

    @Override
    public String failureDetails() {
        if (fleet == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (SinkRunner r : fleet.runners()) {
            out.append(r.name()).append(": ").append(r.state()).append(", lag ")
                    .append(r.lag().stream().mapToLong(l -> l.records()).sum()).append(", last error ")
                    .append(r.metrics().lastError()).append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        if (target != null) {
            target.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (fleet != null) {
            fleet.close(Duration.ofSeconds(10));
        }
        if (log != null) {
            log.close();
        }
        if (openSearch != null) {
            openSearch.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Redis shows the expected versions, and every sink has committed all the log holds. */
    private static final class AllSinksTarget implements SinkTarget {

        private final SinkTarget redis;
        private final SinkFleet fleet;

        AllSinksTarget(SinkTarget redis, SinkFleet fleet) {
            this.redis = redis;
            this.fleet = fleet;
        }

        @Override
        public void mark() throws Exception {
            redis.mark();
        }

        @Override
        public boolean caughtUp(Expectation expected) throws Exception {
            if (!redis.caughtUp(expected)) {
                return false;
            }
            for (SinkRunner r : fleet.runners()) {
                if (r.lag().stream().anyMatch(l -> l.records() > 0)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void poll(long id, Duration wait, VersionListener listener) throws Exception {
            redis.poll(id, wait, listener);
        }

        @Override
        public void close() {
            redis.close();
        }
    }
}
