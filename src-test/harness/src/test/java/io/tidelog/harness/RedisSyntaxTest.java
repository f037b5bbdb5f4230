package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisSyntaxTest {

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            ''                 | '""'
            127.0.0.1          | '"127.0.0.1"'
            'pass word'        | '"pass word"'
            'say "hi"'         | '"say \\"hi\\""'
            'back\\slash'      | '"back\\\\slash"'
            """)
    void quotesConfigurationValues(String value, String quoted) {
        assertThat(RedisSyntax.quote(value)).isEqualTo(quoted);
    }

    @Test
    void encodesCommandsAsArraysOfBulkStringsCountingBytes() {
        assertThat(new String(RedisSyntax.command("CONFIG", "GET", "dïr"), StandardCharsets.UTF_8))
                .isEqualTo("*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\ndïr\r\n");
    }
}
