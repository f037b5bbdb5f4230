package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.tidelog.harness.junit.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisServerIT {

    /** Sets a key only if the given version is newer than the stored one: a guarded write, as sinks do. */
    private static final String SET_IF_NEWER = """
            local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
            if tonumber(ARGV[1]) <= current then return 0 end
            redis.call('HSET', KEYS[1], 'version', ARGV[1], 'value', ARGV[2])
            return 1
            """;

    @Test
    void setsAndGetsAsTheUnprivilegedUserWhenTheJvmIsRoot(RedisServer redis) throws Exception {
        String key = unique("greeting");
        withCommands(redis, commands -> {
            assertThat(commands.set(key, "hello")).isEqualTo("OK");
            assertThat(commands.get(key)).isEqualTo("hello");
            assertThat(commands.info("server")).contains("redis_version:6.2.");
            assertThat(commands.configGet("save")).containsEntry("save", "");
            assertThat(commands.configGet("appendonly")).containsEntry("appendonly", "no");
            assertThat(commands.configGet("bind")).containsEntry("bind", "127.0.0.1");
        });
        int owner = (Integer) Files.getAttribute(Path.of("/proc", Long.toString(redis.processHandle().pid())), "unix:uid");
        assertThat(owner).isEqualTo(ServerUser.forServers().dropsPrivileges() ? ServerUser.UNPRIVILEGED_ID
                : (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }

    @Test
    void evaluatesLuaScripts(RedisServer redis) {
        String key = unique("row");
        withCommands(redis, commands -> {
            assertThat((Long) commands.eval(SET_IF_NEWER, ScriptOutputType.INTEGER, new String[] {key}, "5", "v5")).isEqualTo(1L);
            assertThat((Long) commands.eval(SET_IF_NEWER, ScriptOutputType.INTEGER, new String[] {key}, "3", "v3")).isZero();
            assertThat((Long) commands.eval(SET_IF_NEWER, ScriptOutputType.INTEGER, new String[] {key}, "7", "v7")).isEqualTo(1L);
            assertThat(commands.hget(key, "value")).isEqualTo("v7");
        });
    }

    @Test
    void appendOnlyAndPasswordAreOptionsAndCloseLeavesNothing() {
        RedisServer redis = RedisServer.builder().name("redis-aof").appendOnly(true).password("s3cret \"pw\"").start();
        ProcessHandle process = redis.processHandle();
        Path workDir = redis.workDir();
        assertThat(process.info().commandLine().orElse("")).doesNotContain("s3cret");

        assertThatThrownBy(() -> withCommands(redis, RedisURI.create(redis.uri()), c -> c.get("k")))
                .isInstanceOf(RedisConnectionException.class).rootCause().hasMessageContaining("NOAUTH");
        RedisURI withPassword = RedisURI.builder(RedisURI.create(redis.uri()))
                .withPassword(redis.password().orElseThrow().toCharArray()).build();
        withCommands(redis, withPassword, commands -> {
            commands.set("k", "v");
            assertThat(commands.configGet("appendonly")).containsEntry("appendonly", "yes");
        });
        assertThat(workDir.resolve("data/appendonly.aof")).exists();

        redis.close();

        assertThat(process.isAlive()).isFalse();
        assertThat(workDir).doesNotExist();
        assertThat(redis.isRunning()).isFalse();
        redis.close(); // idempotent
    }

    @Test
    void anUnknownDirectiveFailsTheStartWithTheLogAndLeavesNothing() {
        assertThatThrownBy(() -> RedisServer.builder().name("redis-bad").setting("no-such-directive", "1").start())
                .isInstanceOfSatisfying(ServerStartException.class, e -> {
                    assertThat(e.reason()).contains("exited with code");
                    assertThat(e.logTail()).contains("no-such-directive");
                });
        assertThat(ServerCleanupIT.workDirsOf("redis-bad")).isEmpty();
    }

    private static void withCommands(RedisServer redis, Consumer<RedisCommands<String, String>> body) {
        withCommands(redis, RedisURI.create(redis.uri()), body);
    }

    private static void withCommands(RedisServer redis, RedisURI uri, Consumer<RedisCommands<String, String>> body) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            body.accept(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    private static String unique(String prefix) {
        return prefix + ":" + UUID.randomUUID();
    }
}
