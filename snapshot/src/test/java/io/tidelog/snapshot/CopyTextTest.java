package io.tidelog.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CopyTextTest {

    private final CopyText copy = new CopyText();

    private String[] split(String row, int columns) {
        return copy.split(row.getBytes(StandardCharsets.UTF_8), columns);
    }

    @Test
    void splitsOnTabsAndReadsNulls() {
        assertThat(split("1\t\\N\théllo\t\n", 4)).containsExactly("1", null, "héllo", "");
    }

    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("a\\tb", "a\tb"),
                Arguments.of("line\\nnext\\r", "line\nnext\r"),
                Arguments.of("back\\\\slash", "back\\slash"),
                Arguments.of("\\x41\\101\\7", "AA\u0007"),
                Arguments.of("\\\\xdeadbeef", "\\xdeadbeef"),
                Arguments.of("\\N\\N", "NN"),
                Arguments.of("q\\\"", "q\""));
    }

    @ParameterizedTest
    @MethodSource("escapes")
    void decodesEscapes(String field, String value) {
        assertThat(split(field, 1)).containsExactly(value);
    }

    @Test
    void anEscapedTabIsNotASeparator() {
        assertThat(split("x\\\ty\tz", 2)).containsExactly("x\ty", "z");
    }

    @Test
    void rejectsTheWrongNumberOfFields() {
        assertThatThrownBy(() -> split("1\t2\t3", 2)).hasMessageContaining("more than 2 fields");
        assertThatThrownBy(() -> split("1", 2)).hasMessageContaining("has 1 fields, expected 2");
    }
}
