package io.tidelog.service.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {

    private final Redaction redaction = Redaction.of(Arrays.asList("hunter2", "db-pass", null, "ab", "db-pass-longer"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "auth failed with hunter2                    | auth failed with ******",
            "password=db-pass-longer; also db-pass       | password=******; also ******",
            "cannot reach redis://user:pw@10.0.0.1:6379  | cannot reach redis://******@10.0.0.1:6379",
            "http://admin:s3cr3t@search:9200/_bulk      | http://******@search:9200/_bulk",
            "nothing secret about ab here               | nothing secret about ab here",
    })
    void removesConfiguredSecretsAndUriCredentials(String text, String shown) {
        assertThat(redaction.apply(text)).isEqualTo(shown);
    }

    @Test
    void nullStaysNull() {
        assertThat(redaction.apply(null)).isNull();
    }
}
