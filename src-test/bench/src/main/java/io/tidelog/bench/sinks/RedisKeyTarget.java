package io.tidelog.bench.sinks;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.tidelog.harness.RedisServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Redis string per row, {@code <prefix><id>} (for Tidelog's Redis sink {@code bench_rows:<id>}),
 * holding the row as JSON ({@code {"id":..,"v":..,"ts_ms":..}}). {@link #poll} GETs the key every
 * {@code pollInterval} (default 1 ms, so up to 1 ms is added to each latency and versions overwritten
 * within one interval are missed); {@link #caughtUp} MGETs the last transaction's keys and checks
 * {@code v >= lastVersion}.
 */
public final class RedisKeyTarget implements SinkTarget {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final String prefix;
    private final Duration pollInterval;
    private long lastSeenVersion = -1;
    private Expectation pending;
    private String[] pendingKeys;

    public RedisKeyTarget(RedisServer server, String prefix) {
        this(server, prefix, Duration.ofMillis(1));
    }

    public RedisKeyTarget(RedisServer server, String prefix, Duration pollInterval) {
        this.client = RedisClient.create(RedisURI.create(server.uri()));
        this.connection = client.connect();
        this.redis = connection.sync();
        this.prefix = prefix;
        this.pollInterval = pollInterval;
    }

    @Override
    public void mark() {
        lastSeenVersion = -1;
        pending = null;
    }

    @Override
    public boolean caughtUp(Expectation expected) {
        if (pending != expected) {
            pending = expected;
            pendingKeys = Arrays.stream(expected.lastIds()).mapToObj(id -> prefix + id).toArray(String[]::new);
        }
        if (pendingKeys.length == 0) {
            return true;
        }
        if (pendingKeys.length > 1) {
            // Gate on the transaction's last row before reading them all: polled every millisecond, a
            // 1000-key MGET plus parsing would otherwise take CPU from the pipeline under test.
            String last = redis.get(pendingKeys[pendingKeys.length - 1]);
            if (last == null || JSON.readTree(last).path("v").asLong() < expected.lastVersion()) {
                return false;
            }
        }
        List<KeyValue<String, String>> values = redis.mget(pendingKeys);
        List<String> missing = values.stream()
                .filter(kv -> !kv.hasValue() || JSON.readTree(kv.getValue()).path("v").asLong() < expected.lastVersion())
                .map(KeyValue::getKey).toList();
        pendingKeys = missing.toArray(String[]::new);
        return pendingKeys.length == 0;
    }

    @Override
    public void poll(long id, Duration wait, VersionListener listener) {
        String key = prefix + id;
        long deadline = System.nanoTime() + wait.toNanos();
        do {
            String value = redis.get(key);
            long seenAt = System.currentTimeMillis();
            if (value != null) {
                JsonNode row = JSON.readTree(value);
                long v = row.path("v").asLong();
                if (v != lastSeenVersion) {
                    lastSeenVersion = v;
                    listener.seen(v, row.path("ts_ms").asLong(), seenAt);
                    return;
                }
            }
            LockSupport.parkNanos(pollInterval.toNanos());
        } while (System.nanoTime() < deadline);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
