package io.tidelog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableIdTest {

    @Test
    void parsesQualifiedAndDefaultsToPublic() {
        assertThat(TableId.parse("shop.orders")).isEqualTo(new TableId("shop", "orders"));
        assertThat(TableId.parse(" customers ")).isEqualTo(new TableId("public", "customers"));
        assertThat(new TableId("shop", "orders")).hasToString("shop.orders");
    }

    @ParameterizedTest
    @ValueSource(strings = {".orders", "shop.", "a.b.c"})
    void rejectsMalformedNames(String text) {
        assertThatThrownBy(() -> TableId.parse(text)).hasMessageContaining("expected schema.table");
    }
}
