package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.event.Json;
import io.tidelog.event.Unavailable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/** Debezium's PostgreSQL value representations, as configured by DebeziumProperties, to Row's Java types. */
class ValueMapperTest {

    private static Schema logical(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    @Test
    void mapsTemporalLogicalTypes() {
        assertThat(ValueMapper.value(logical(Schema.Type.INT32, "io.debezium.time.Date"), 19782))
                .isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(ValueMapper.value(logical(Schema.Type.INT64, "io.debezium.time.MicroTime"), 45_296_000_001L))
                .isEqualTo(LocalTime.of(12, 34, 56, 1_000));
        assertThat(ValueMapper.value(logical(Schema.Type.INT64, "io.debezium.time.MicroTimestamp"), -1L))
                .as("before the epoch rounds toward the past")
                .isEqualTo(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(ValueMapper.value(logical(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp"), "2024-03-01T10:15:30.5+02:00"))
                .isEqualTo(OffsetDateTime.of(2024, 3, 1, 8, 15, 30, 500_000_000, ZoneOffset.UTC));
        assertThat(ValueMapper.value(logical(Schema.Type.STRING, "io.debezium.time.ZonedTime"), "08:00:00.25Z"))
                .isEqualTo(OffsetTime.of(8, 0, 0, 250_000_000, ZoneOffset.UTC));
    }

    @Test
    void mapsExactNumericsIncludingVariableScale() {
        BigDecimal exact = new BigDecimal("12345678901234567890.000001");
        assertThat(ValueMapper.value(Decimal.builder(6).optional().build(), exact)).isEqualTo(exact);

        Schema vsd = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).optional().build();
        Struct value = new Struct(vsd).put("scale", 3).put("value", new BigInteger("-123456").toByteArray());
        assertThat(ValueMapper.value(vsd, value)).isEqualTo(new BigDecimal("-123.456"));
    }

    @Test
    void mapsUuidJsonBytesAndArrays() {
        UUID u = UUID.randomUUID();
        assertThat(ValueMapper.value(logical(Schema.Type.STRING, "io.debezium.data.Uuid"), u.toString())).isEqualTo(u);
        assertThat(ValueMapper.value(logical(Schema.Type.STRING, "io.debezium.data.Json"), "{\"a\": 1}"))
                .isEqualTo(new Json("{\"a\": 1}"));
        assertThat((byte[]) ValueMapper.value(Schema.OPTIONAL_BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1, 2, 3})))
                .containsExactly(1, 2, 3);
        Schema ints = SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional().build();
        assertThat(ValueMapper.value(ints, Arrays.asList(1, null, 3))).isEqualTo(Arrays.asList(1, null, 3));
        Schema dates = SchemaBuilder.array(logical(Schema.Type.INT32, "io.debezium.time.Date")).optional().build();
        assertThat(ValueMapper.value(dates, List.of(0))).isEqualTo(List.of(LocalDate.EPOCH));
    }

    @Test
    void distinguishesUnavailableToastFromNull() {
        assertThat(ValueMapper.value(Schema.OPTIONAL_STRING_SCHEMA, ValueMapper.UNAVAILABLE_PLACEHOLDER))
                .isEqualTo(Unavailable.VALUE);
        assertThat(ValueMapper.value(Schema.OPTIONAL_BYTES_SCHEMA,
                ValueMapper.UNAVAILABLE_PLACEHOLDER.getBytes(StandardCharsets.UTF_8))).isEqualTo(Unavailable.VALUE);
        assertThat(ValueMapper.value(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
        assertThat(ValueMapper.value(Schema.OPTIONAL_STRING_SCHEMA, "plain")).isEqualTo("plain");
    }
}
