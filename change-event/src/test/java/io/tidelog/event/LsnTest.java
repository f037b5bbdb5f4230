package io.tidelog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @ParameterizedTest
    @CsvSource({
        "0/0, 0",
        "0/16B3748, 23803720",
        "1/0, 4294967296",
        "FFFFFFFF/FFFFFFFF, -1",
    })
    void formatsAndParsesPostgresTextForm(String text, long value) {
        assertThat(Lsn.format(value)).isEqualTo(text);
        assertThat(Lsn.parse(text)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "0/", "/1", "12", "G/1", "100000000/0"})
    void rejectsMalformedText(String text) {
        assertThatThrownBy(() -> Lsn.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "' is not an LSN");
    }
}
