package io.tidelog.sink.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidelog.event.TableId;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class FieldMappingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TableId CUSTOMERS = new TableId("public", "customers");
    private static final TableId ORDERS = new TableId("sales", "orders");

    @Test
    void includesExcludesAndRenamesPerColumnOrPerTable() {
        FieldMapping m = new FieldMapping(Set.of(), Set.of("customers.password", "sales.orders.note"),
                Map.of("name", "full_name", "orders.total", "amount"));
        assertThat(m.apply(CUSTOMERS, row("{\"id\":1,\"name\":\"A\",\"password\":\"x\",\"note\":\"n\"}")).toString())
                .isEqualTo("{\"id\":1,\"full_name\":\"A\",\"note\":\"n\"}");
        assertThat(m.apply(ORDERS, row("{\"id\":1,\"total\":\"9.50\",\"password\":\"kept\",\"note\":\"n\"}")).toString())
                .isEqualTo("{\"id\":1,\"amount\":\"9.50\",\"password\":\"kept\"}");
    }

    @Test
    void includeKeepsOnlyTheNamedColumns() {
        FieldMapping m = new FieldMapping(Set.of("id", "customers.email"), Set.of(), Map.of());
        assertThat(m.apply(CUSTOMERS, row("{\"id\":1,\"email\":\"e\",\"x\":2}")).toString()).isEqualTo("{\"id\":1,\"email\":\"e\"}");
        assertThat(m.apply(ORDERS, row("{\"id\":1,\"email\":\"e\",\"x\":2}")).toString()).isEqualTo("{\"id\":1}");
    }

    @Test
    void identityReturnsTheRowAndNullStaysNull() {
        ObjectNode r = row("{\"id\":1}");
        assertThat(FieldMapping.IDENTITY.apply(CUSTOMERS, r)).isSameAs(r);
        assertThat(new FieldMapping(Set.of("id"), Set.of(), Map.of()).apply(CUSTOMERS, null)).isNull();
    }

    @Test
    void entriesNamingATableTheSinkDoesNotReceiveAreProblems() {
        FieldMapping m = new FieldMapping(Set.of(), Set.of("custmers.password"), Map.of("public.orders.total", "t"));
        assertThat(m.problems(Set.of(CUSTOMERS, ORDERS))).containsExactlyInAnyOrder(
                "'custmers.password' names table 'custmers', which this sink does not receive",
                "'public.orders.total' names table 'public.orders', which this sink does not receive");
        assertThatThrownBy(() -> new FieldMapping(Set.of(), Set.of(), Map.of("a", " ")))
                .hasMessageContaining("rename of 'a' has an empty new name");
    }

    private static ObjectNode row(String json) {
        return (ObjectNode) JSON.readTree(json);
    }
}
