package io.tidelog.service.sinks;

import io.tidelog.capture.TopicNaming;
import io.tidelog.event.TableId;
import io.tidelog.log.ChangeLog;
import io.tidelog.service.config.InvalidSinkException;
import io.tidelog.service.config.SinkProperties;
import io.tidelog.sink.NameTemplate;
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
import io.tidelog.sink.runner.SinkRunner;
import io.tidelog.sink.runner.SinkSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns {@code tidelog.sinks.*} into sink runners. Every problem is an {@link InvalidSinkException}
 * naming the property: an unknown table, a bad template placeholder, a missing target block.
 */
public final class SinkFactory {

    private final List<TableId> captured;
    private final TopicNaming topics;
    private final Path dataDir;
    private final ChangeLog log;
    private final Clock clock;

    /**
     * @param captured the captured tables; a sink receives some or all of them
     * @param dataDir  where relative DuckDB paths are resolved
     */
    public SinkFactory(List<TableId> captured, TopicNaming topics, Path dataDir, ChangeLog log, Clock clock) {
        this.captured = List.copyOf(captured);
        this.topics = topics;
        this.dataDir = dataDir;
        this.log = log;
        this.clock = clock;
    }

    /** One runner per enabled sink, in configuration order; nothing is connected yet. */
    public List<SinkRunner> create(Map<String, SinkProperties> sinks) {
        Map<TableId, String> topicByTable = new LinkedHashMap<>();
        captured.forEach(t -> topicByTable.put(t, topics.topic(t)));
        List<SinkRunner> runners = new ArrayList<>();
        for (Map.Entry<String, SinkProperties> e : sinks.entrySet()) {
            if (e.getValue().enabled()) {
                runners.add(create(e.getKey(), e.getValue(), topicByTable));
            }
        }
        return runners;
    }

    private SinkRunner create(String name, SinkProperties p, Map<TableId, String> topicByTable) {
        String prefix = "tidelog.sinks." + name;
        if (p.type() == null) {
            throw new InvalidSinkException(prefix + ".type", "is missing", "Set it to redis, opensearch or duckdb.");
        }
        Set<TableId> tables = tables(prefix + ".tables", p.tables());
        SinkSettings settings = guard(prefix, "Use lower-case letters, digits, '-' and '_' for sink names, and fix the "
                + "field entries named.", () -> new SinkSettings(name, tables, fields(p.fields()), batch(p.batch()),
                retry(p.retry())));
        Sink sink = switch (p.type()) {
            case REDIS -> redis(prefix + ".redis", p.redis());
            case OPENSEARCH -> openSearch(prefix + ".opensearch", p.opensearch());
            case DUCKDB -> duckDb(prefix + ".duckdb", p.duckdb());
        };
        return new SinkRunner(settings, sink, log, topicByTable, clock);
    }

    private Set<TableId> tables(String property, List<String> names) {
        if (names.isEmpty()) {
            return new LinkedHashSet<>(captured);
        }
        Set<TableId> out = new LinkedHashSet<>();
        for (String n : names) {
            TableId t = guard(property, "Write each table as schema.table.", () -> TableId.parse(n));
            if (!captured.contains(t)) {
                throw new InvalidSinkException(property, "'" + n + "' is not a captured table (captured: "
                        + captured + ")", "Add it to tidelog.source.tables, or remove it from " + property + ".");
            }
            out.add(t);
        }
        return out;
    }

    private RedisSink redis(String prefix, SinkProperties.Redis r) {
        RedisSinkSettings s = guard(prefix, "See the Redis sink settings in the README.", () -> new RedisSinkSettings(
                r.uri(), blankToNull(r.password()), enumOf(RedisSinkSettings.Mode.class, prefix + ".mode", r.mode()),
                enumOf(RedisSinkSettings.Format.class, prefix + ".format", r.format()),
                template(prefix + ".key-template", r.keyTemplate()), r.ttl(), r.commandTimeout()));
        return new RedisSink(s);
    }

    private OpenSearchSink openSearch(String prefix, SinkProperties.OpenSearch o) {
        OpenSearchSinkSettings s = guard(prefix, "See the OpenSearch sink settings in the README.", () ->
                new OpenSearchSinkSettings(o.urls().stream().map(URI::create).toList(), blankToNull(o.username()),
                        blankToNull(o.password()), template(prefix + ".index-template", o.indexTemplate()),
                        o.maxBulkActions(), (int) Math.min(Integer.MAX_VALUE, o.maxBulkBytes().toBytes()),
                        blankToNull(o.indexSettings()), blankToNull(o.indexMappings()), o.requestTimeout(), o.refresh()));
        return new OpenSearchSink(s);
    }

    private DuckDbSink duckDb(String prefix, SinkProperties.DuckDb d) {
        Path path = dataDir.resolve(d.path());
        DuckDbSinkSettings s = guard(prefix, "See the DuckDB sink settings in the README.", () -> new DuckDbSinkSettings(
                path, d.schema(), template(prefix + ".table-template", d.tableTemplate()),
                DuckDbSinkSettings.DEFAULT_HISTORY_SUFFIX));
        return new DuckDbSink(s);
    }

    private static FieldMapping fields(SinkProperties.Fields f) {
        return new FieldMapping(Set.copyOf(f.include()), Set.copyOf(f.exclude()), f.rename());
    }

    private static BatchPolicy batch(SinkProperties.Batch b) {
        return new BatchPolicy(b.maxRecords(), (int) Math.min(Integer.MAX_VALUE, b.maxBytes().toBytes()), b.linger());
    }

    private static RetryPolicy retry(SinkProperties.Retry r) {
        return new RetryPolicy(r.initialBackoff(), r.maxBackoff(), r.multiplier(), r.jitter(), r.maxAttempts());
    }

    private static NameTemplate template(String property, String text) {
        return guard(property, "Use only the placeholders {schema}, {table} and {pk}.", () -> NameTemplate.parse(text));
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String property, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        throw new InvalidSinkException(property, "'" + value + "' is not one of " + allowed, "Set it to one of " + allowed + ".");
    }

    /** Runs {@code build}, turning a refusal into an {@link InvalidSinkException} naming {@code property}. */
    private static <T> T guard(String property, String fix, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidSinkException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidSinkException(property, e.getMessage(), fix);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
