package io.tidelog.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PgArraysTest {

    private static final Function<String, Object> TEXT = s -> s;

    @Test
    void parsesFlatArraysWithNullsAndQuotes() {
        assertThat(PgArrays.parse("{1,2,NULL}", Integer::valueOf)).isEqualTo(Arrays.asList(1, 2, null));
        assertThat(PgArrays.parse("{x,\"y z\",\"NULL\",\"q\\\"uote\",\"back\\\\slash\",\"a,b\",\"{}\"}", TEXT))
                .isEqualTo(List.of("x", "y z", "NULL", "q\"uote", "back\\slash", "a,b", "{}"));
        assertThat(PgArrays.parse("{}", TEXT)).isEmpty();
    }

    @Test
    void parsesNestedArraysAndSkipsDimensionDecorations() {
        assertThat(PgArrays.parse("{{1,2},{3,4}}", Integer::valueOf)).isEqualTo(List.of(List.of(1, 2), List.of(3, 4)));
        assertThat(PgArrays.parse("[0:1]={7,8}", Integer::valueOf)).isEqualTo(List.of(7, 8));
    }

    @Test
    void rejectsMalformedLiterals() {
        assertThatThrownBy(() -> PgArrays.parse("{1,2", TEXT)).isInstanceOf(SnapshotException.class);
        assertThatThrownBy(() -> PgArrays.parse("{1}x", TEXT)).hasMessageContaining("trailing characters");
        assertThatThrownBy(() -> PgArrays.parse("1,2", TEXT)).hasMessageContaining("expected '{'");
    }
}
