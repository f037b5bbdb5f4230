package io.tidelog.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The envelope is a public contract: these tables pin the exact JSON of every supported value. */
class ChangeEventJsonTest {

    private static final ChangeEventJson JSON = new ChangeEventJson();
    private static final TableId T = new TableId("public", "t");
    private static final SourcePosition STREAMED =
            new SourcePosition(0x1000, 0x0F00, 750, Instant.parse("2024-03-01T08:15:30.123Z"), false);

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of(null, "null"),
                Arguments.of(true, "true"),
                Arguments.of((short) -7, "-7"),
                Arguments.of(42, "42"),
                Arguments.of(9_000_000_000L, "9000000000"),
                Arguments.of(0.1f, "0.1"),
                Arguments.of(2.5d, "2.5"),
                Arguments.of(Double.NaN, "\"NaN\""),
                Arguments.of(Double.NEGATIVE_INFINITY, "\"-Infinity\""),
                Arguments.of(new BigDecimal("12345678901234567890.000001"), "\"12345678901234567890.000001\""),
                Arguments.of(new BigDecimal("1E+3"), "\"1000\""),
                Arguments.of("héllo \"q\"\n", "\"héllo \\\"q\\\"\\n\""),
                Arguments.of(UUID.fromString("0b7e7c7a-8f1e-4d5e-9a43-3c2f1e0d9b01"), "\"0b7e7c7a-8f1e-4d5e-9a43-3c2f1e0d9b01\""),
                Arguments.of(new Json("{\"a\": [1, 2]}"), "{\"a\": [1, 2]}"),
                Arguments.of(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}, "\"3q2+7w==\""),
                Arguments.of(LocalDate.of(2024, 2, 29), "\"2024-02-29\""),
                Arguments.of(LocalTime.of(10, 15), "\"10:15:00\""),
                Arguments.of(LocalTime.of(10, 15, 30, 123_456_000), "\"10:15:30.123456\""),
                Arguments.of(OffsetTime.of(8, 0, 0, 0, ZoneOffset.UTC), "\"08:00:00Z\""),
                Arguments.of(LocalDateTime.of(2024, 3, 1, 10, 15), "\"2024-03-01T10:15:00\""),
                Arguments.of(OffsetDateTime.of(2024, 3, 1, 8, 15, 30, 123_456_000, ZoneOffset.UTC), "\"2024-03-01T08:15:30.123456Z\""),
                Arguments.of(Arrays.asList("x", null, "y z"), "[\"x\",null,\"y z\"]"),
                Arguments.of(List.of(List.of(1, 2), List.of(3)), "[[1,2],[3]]"),
                Arguments.of(Unavailable.VALUE, "\"__debezium_unavailable_value\""),
                Arguments.of(new EncodedValue("\"carried \\\"over\\\"\""), "\"carried \\\"over\\\"\""),
                Arguments.of(new EncodedValue("[1,{\"a\":null}]"), "[1,{\"a\":null}]"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("values")
    void encodesEachValueType(Object value, String json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 1);
        row.put("v", value);
        ChangeEvent e = new ChangeEvent(T, Op.CREATE, List.of("id"), Row.of(Map.of("id", 1)), null, Row.of(row), STREAMED);
        assertThat(utf8(JSON.value(e, 0))).startsWith("{\"before\":null,\"after\":{\"id\":1,\"v\":" + json + "},");
    }

    @Test
    void envelopeIsDebeziumShaped() {
        Row key = Row.of(Map.of("id", 7));
        Row before = Row.of(Map.of("id", 7, "n", "old"));
        ChangeEvent delete = new ChangeEvent(T, Op.DELETE, List.of("id"), key, before, null, STREAMED);

        assertThat(utf8(JSON.key(delete))).isEqualTo("{\"id\":7}");
        JsonNode v = JsonMapper.builder().build().readTree(JSON.value(delete, 1_700_000_000_000L));
        assertThat(v.path("op").asString()).isEqualTo("d");
        assertThat(v.path("after").isNull()).isTrue();
        assertThat(v.path("before").path("n").asString()).isEqualTo("old");
        JsonNode source = v.path("source");
        assertThat(source.path("connector").asString()).isEqualTo("tidelog");
        assertThat(source.path("schema").asString()).isEqualTo("public");
        assertThat(source.path("table").asString()).isEqualTo("t");
        assertThat(source.path("lsn").asLong()).isEqualTo(0x1000);
        assertThat(source.path("commit_lsn").asLong()).isEqualTo(0x0F00);
        assertThat(source.path("txId").asLong()).isEqualTo(750);
        assertThat(source.path("ts_ms").asLong()).isEqualTo(Instant.parse("2024-03-01T08:15:30.123Z").toEpochMilli());
        assertThat(source.path("snapshot").asBoolean()).isFalse();
        assertThat(v.path("ts_ms").asLong()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void snapshotReadsWriteTheirSharedSourceExactlyAsEveryOtherEvent() {
        SourcePosition point = new SourcePosition(0x2000, 0, 0, Instant.parse("2024-03-01T08:15:30.123Z"), true);
        TableId other = new TableId("sales", "örders");
        String expected = "{\"before\":null,\"after\":{\"id\":1},\"op\":\"r\",\"source\":{\"connector\":\"tidelog\","
                + "\"schema\":\"public\",\"table\":\"t\",\"lsn\":8192,\"commit_lsn\":0,\"txId\":0,"
                + "\"ts_ms\":1709280930123,\"snapshot\":true},\"ts_ms\":5}";
        for (int i = 0; i < 3; i++) { // the first call computes the source object, the others reuse it
            assertThat(utf8(JSON.value(read(T, point), 5))).isEqualTo(expected);
        }
        assertThat(utf8(JSON.value(read(other, point), 5)))
                .contains("\"schema\":\"sales\",\"table\":\"örders\",\"lsn\":8192");
        SourcePosition later = new SourcePosition(0x3000, 0, 0, Instant.parse("2024-03-01T08:15:31Z"), true);
        assertThat(utf8(JSON.value(read(other, later), 5))).contains("\"lsn\":12288,").contains("\"ts_ms\":1709280931000,");
        assertThat(utf8(JSON.value(read(T, point), 5))).isEqualTo(expected);
    }

    private static ChangeEvent read(TableId table, SourcePosition position) {
        Row row = Row.of(Map.of("id", 1));
        return new ChangeEvent(table, Op.READ, List.of("id"), row, null, row, position);
    }

    @Test
    void compositeKeysKeepKeyOrderAndKeylessTablesKeyByTheWholeRow() {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("tenant", "acme");
        k.put("id", 3);
        ChangeEvent composite = new ChangeEvent(T, Op.CREATE, List.of("tenant", "id"), Row.of(k), null, Row.of(k), STREAMED);
        assertThat(utf8(JSON.key(composite))).isEqualTo("{\"tenant\":\"acme\",\"id\":3}");

        Row row = Row.of(Map.of("v", "only"));
        ChangeEvent keyless = new ChangeEvent(T, Op.CREATE, List.of(), Row.empty(), null, row, STREAMED);
        assertThat(utf8(JSON.key(keyless))).isEqualTo("{\"v\":\"only\"}");
    }

    @Test
    void refusesValuesOutsideTheDocumentedTypes() {
        ChangeEvent e = new ChangeEvent(T, Op.CREATE, List.of(), Row.empty(), null, Row.of(Map.of("v", new Object())), STREAMED);
        assertThatThrownBy(() -> JSON.value(e, 0)).hasMessageContaining("no JSON form for a column value of java.lang.Object");
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
