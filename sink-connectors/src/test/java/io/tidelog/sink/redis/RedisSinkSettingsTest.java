package io.tidelog.sink.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tidelog.sink.NameTemplate;
import io.tidelog.sink.redis.RedisSinkSettings.Format;
import io.tidelog.sink.redis.RedisSinkSettings.Mode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisSinkSettingsTest {

    @Test
    void defaultsUpsertJsonRowsUnderTableAndKeyWithoutExpiry() {
        RedisSinkSettings settings = RedisSinkSettings.defaults("redis://127.0.0.1:6379");

        assertThat(settings.mode()).isEqualTo(Mode.UPSERT);
        assertThat(settings.format()).isEqualTo(Format.JSON);
        assertThat(settings.keyTemplate()).hasToString("{table}:{pk}");
        assertThat(settings.ttl()).isZero();
        assertThat(settings.commandTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.password()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            redis://127.0.0.1:6379               | redis://127.0.0.1:6379
            redis://s3cret@127.0.0.1:6379/2      | redis://***@127.0.0.1:6379/2
            redis://:s3cret@127.0.0.1:6379       | redis://:***@127.0.0.1:6379
            redis://app:s3cret@127.0.0.1:6379    | redis://app:***@127.0.0.1:6379
            rediss://app:s3:cr@et@cache.internal | rediss://app:***@et@cache.internal
            """)
    void masksThePasswordInTheUri(String uri, String masked) {
        assertThat(RedisSinkSettings.mask(uri)).isEqualTo(masked);
    }

    @Test
    void toStringNeverShowsThePassword() {
        RedisSinkSettings inUri = RedisSinkSettings.defaults("redis://app:s3cret@127.0.0.1:6379");
        RedisSinkSettings separate = RedisSinkSettings.defaults("redis://127.0.0.1:6379").withPassword("s3cret");

        assertThat(inUri.toString()).doesNotContain("s3cret").contains("redis://app:***@127.0.0.1:6379");
        assertThat(separate.toString()).doesNotContain("s3cret").contains("password=***");
        assertThat(separate.password()).isEqualTo("s3cret");
    }

    @Test
    void passesThePasswordAndTimeoutToLettuce() {
        var uri = RedisSinkSettings.defaults("redis://127.0.0.1:6379").withPassword("s3cret")
                .withCommandTimeout(Duration.ofMillis(250)).redisUri();

        assertThat(uri.getTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(uri.getCredentialsProvider().resolveCredentials().block().getPassword()).isEqualTo("s3cret".toCharArray());
    }

    @Test
    void blankPasswordMeansNone() {
        assertThat(RedisSinkSettings.defaults("redis://127.0.0.1:6379").withPassword(" ").password()).isNull();
    }

    @Test
    void refusesAPasswordSetTwiceWithoutShowingIt() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RedisSinkSettings.defaults("redis://:pw-first@127.0.0.1:6379").withPassword("pw-second"))
                .withMessageStartingWith("password is set and uri 'redis://:***@127.0.0.1:6379'")
                .withMessageNotContaining("pw-first").withMessageNotContaining("pw-second");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            null                     | UPSERT     | {table}:{pk} | PT0S    | PT5S  | uri must be set
            '  '                     | UPSERT     | {table}:{pk} | PT0S    | PT5S  | uri must be set
            http://s3cret@host:6379  | UPSERT     | {table}:{pk} | PT0S    | PT5S  | uri 'http://***@host:6379' is not a Redis URI
            redis://127.0.0.1:6379   | UPSERT     | cache:{table}| PT0S    | PT5S  | keyTemplate 'cache:{table}' must use {pk}
            redis://127.0.0.1:6379   | UPSERT     | {table}:{pk} | PT-1S   | PT5S  | ttl must be zero (none) or at least 1ms
            redis://127.0.0.1:6379   | UPSERT     | {table}:{pk} | PT0.0001S | PT5S | ttl must be zero (none) or at least 1ms
            redis://127.0.0.1:6379   | INVALIDATE | {table}:{pk} | PT1M    | PT5S  | ttl applies to mode UPSERT only
            redis://127.0.0.1:6379   | UPSERT     | {table}:{pk} | PT0S    | PT0S  | commandTimeout must be at least 1ms
            """)
    void refusesAWrongSettingNamingIt(String uri, Mode mode, String template, Duration ttl, Duration timeout,
                                      String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RedisSinkSettings(uri, null, mode, Format.JSON, NameTemplate.parse(template),
                        ttl, timeout))
                .withMessageStartingWith(message)
                .withMessageNotContaining("s3cret");
    }
}
