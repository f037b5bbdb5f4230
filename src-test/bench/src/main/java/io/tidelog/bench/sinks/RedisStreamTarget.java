package io.tidelog.bench.sinks;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.tidelog.harness.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Redis stream per table, as Debezium Server's Redis sink writes it in its default {@code compact}
 * message format: one entry per change event, whose single field is the key JSON ({@code {"id":0}})
 * and whose value is the event JSON without schemas ({@code {"before":…,"after":{"id":0,"v":…,"ts_ms":…},…}}).
 *
 * <p>{@link #mark()} trims the stream to nothing (it only grows otherwise: ~0.5 M entries per run) and
 * remembers the last entry id; {@link #caughtUp} then counts entries ({@code XLEN >= events}), which is
 * exact because the sink only appends, one entry per event, in commit order. {@link #poll} reads every
 * entry ({@code XREAD BLOCK}) and parses only the probe row's.
 */
final class RedisStreamTarget implements SinkTarget {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final String stream;
    private String lastId = "0-0";

    RedisStreamTarget(RedisServer server, String stream) {
        this.client = RedisClient.create(RedisURI.create(server.uri()));
        this.connection = client.connect();
        this.redis = connection.sync();
        this.stream = stream;
    }

    String stream() {
        return stream;
    }

    /** Entries in the stream now. */
    long length() {
        return redis.xlen(stream);
    }

    @Override
    public void mark() {
        List<StreamMessage<String, String>> last = redis.xrevrange(stream, Range.create("-", "+"), Limit.from(1));
        if (!last.isEmpty()) {
            lastId = last.get(0).getId();
        }
        redis.xtrim(stream, 0);
    }

    @Override
    public boolean caughtUp(Expectation expected) {
        return redis.xlen(stream) >= expected.events();
    }

    @Override
    public void poll(long id, Duration wait, VersionListener listener) {
        String key = "{\"id\":" + id + "}";
        long deadline = System.nanoTime() + wait.toNanos();
        do {
            long blockMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            List<StreamMessage<String, String>> messages = redis.xread(XReadArgs.Builder.block(blockMs).count(5000),
                    XReadArgs.StreamOffset.from(stream, lastId));
            if (messages == null || messages.isEmpty()) {
                return;
            }
            long seenAt = System.currentTimeMillis();
            boolean found = false;
            for (StreamMessage<String, String> m : messages) {
                lastId = m.getId();
                for (Map.Entry<String, String> field : m.getBody().entrySet()) {
                    if (field.getKey().equals(key)) {
                        JsonNode after = JSON.readTree(field.getValue()).path("after");
                        listener.seen(after.path("v").asLong(), after.path("ts_ms").asLong(), seenAt);
                        found = true;
                    }
                }
            }
            if (found) {
                return;
            }
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
