package io.tidelog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeEventTest {

    private static final TableId T = new TableId("public", "t");
    private static final SourcePosition POS = new SourcePosition(10, 20, 700, Instant.EPOCH, false);

    @Test
    void deleteHasNoAfterAndOthersHaveOne() {
        Row key = Row.of(Map.of("id", 1));
        assertThatThrownBy(() -> new ChangeEvent(T, Op.DELETE, List.of("id"), key, key, key, POS))
                .hasMessageContaining("'after' must be absent");
        assertThatThrownBy(() -> new ChangeEvent(T, Op.UPDATE, List.of("id"), key, key, null, POS))
                .hasMessageContaining("'after' must be present");
        assertThatThrownBy(() -> new ChangeEvent(T, Op.CREATE, List.of("id"), key, key, key, POS))
                .hasMessageContaining("'before' must be absent");
        assertThat(new ChangeEvent(T, Op.DELETE, List.of("id"), key, key, null, POS).latest()).isEqualTo(key);
    }

    @Test
    void keyMustMatchKeyColumns() {
        assertThatThrownBy(() -> new ChangeEvent(T, Op.CREATE, List.of("id"), Row.of(Map.of("other", 1)),
                        null, Row.of(Map.of("other", 1)), POS))
                .hasMessageContaining("does not match key columns [id]");
    }

    @Test
    void rowsCompareBytesByContentAndKeepColumnOrder() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("b", new byte[] {1, 2});
        a.put("n", null);
        a.put("l", List.of(new byte[] {3}));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("b", new byte[] {1, 2});
        b.put("n", null);
        b.put("l", List.of(new byte[] {3}));
        assertThat(Row.of(a)).isEqualTo(Row.of(b)).hasSameHashCodeAs(Row.of(b));
        assertThat(Row.of(a).names()).containsExactly("b", "n", "l");
        b.put("b", new byte[] {1, 3});
        assertThat(Row.of(a)).isNotEqualTo(Row.of(b));
        assertThat(Row.of(a).toString()).startsWith("{b=0x0102, n=null, l=");
    }

    @Test
    void positionsAreUnsignedAndPrintAsPostgresLsn() {
        assertThat(new SourcePosition(0x16B3748L, 0, 1, Instant.EPOCH, true).lsnText()).isEqualTo("0/16B3748");
        assertThatThrownBy(() -> new SourcePosition(-2, 0, 0, Instant.EPOCH, false)).hasMessageContaining("unsigned");
    }
}
