package io.tidelog.sink.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.tidelog.sink.RetriableSinkException;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RedisErrorClassifierTest {

    private final RedisSink sink = new RedisSink(RedisSinkSettings.defaults("redis://127.0.0.1:6379"));

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            LOADING Redis is loading the dataset in memory                                 | true
            BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN | true
            TRYAGAIN Multiple keys request during rehashing of slot                        | true
            MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no' | true
            READONLY You can't write against a read only replica.                          | true
            OOM command not allowed when used memory > 'maxmemory'.                        | true
            WRONGTYPE Operation against a key holding the wrong kind of value             | false
            WRONGTYPE c:1 holds a list, not a string row                                   | false
            BADVERSION tidelog:version:public.t field c:1 holds "x", not major/minor       | false
            ERR Error running script (call to f_0a1b): @user_script:12: attempt to compare | false
            BUSYKEY Target key name already exists.                                        | false
            NOAUTH Authentication required.                                                | false
            WRONGPASS invalid username-password pair or user is disabled.                  | false
            """)
    void classifiesErrorRepliesByTheirCode(String reply, boolean retriable) {
        assertThat(sink.classifier().isRetriable(new RedisCommandExecutionException(reply))).isEqualTo(retriable);
        assertThat(sink.classifier().isRetriable(new RetriableSinkException("wrapped", null) {
        })).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"connection", "timeout", "io-under-redis", "connect-refused", "wrapped-timeout", "retriable-sink"})
    void retriesAnUnreachableOrSilentServer(String kind) {
        Throwable error = switch (kind) {
            case "connection" -> new RedisConnectionException("Unable to connect to 127.0.0.1:6379");
            case "timeout" -> new RedisCommandTimeoutException("Command timed out after 5 second(s)");
            case "io-under-redis" -> new RedisException(new IOException("Connection reset by peer"));
            case "connect-refused" -> new RedisException("connect", new ConnectException("Connection refused"));
            case "wrapped-timeout" -> new IllegalStateException(new RedisCommandTimeoutException("timed out"));
            default -> new RetriableSinkException("redis: 3 of 3 commands failed",
                    new RedisCommandTimeoutException("timed out"));
        };

        assertThat(sink.classifier().isRetriable(error)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"noscript", "plain-redis", "state"})
    void doesNotRetryWhatARetryCannotFix(String kind) {
        Throwable error = switch (kind) {
            case "noscript" -> new RedisNoScriptException("NOSCRIPT No matching script. Please use EVAL.");
            case "plain-redis" -> new RedisException("Connection closed");
            default -> new IllegalStateException("redis sink is not open");
        };

        assertThat(sink.classifier().isRetriable(error)).isFalse();
    }
}
