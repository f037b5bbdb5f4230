package io.tidelog.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidelog.event.Json;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PostgreSQL text output (under the session settings ChunkReader sets) to Row's Java types. */
class PgTextTest {

    private static Object scalar(String type, String text) {
        return PgText.decode(new ColumnType(type, null, type, false), text);
    }

    @Test
    void decodesNumbersExactly() {
        assertThat(scalar("bool", "t")).isEqualTo(true);
        assertThat(scalar("int2", "-7")).isEqualTo((short) -7);
        assertThat(scalar("int4", "42")).isEqualTo(42);
        assertThat(scalar("int8", "9000000000")).isEqualTo(9_000_000_000L);
        assertThat(scalar("float4", "0.1")).isEqualTo(0.1f);
        assertThat(scalar("float8", "-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(scalar("numeric", "12345678901234.123456")).isEqualTo(new BigDecimal("12345678901234.123456"));
    }

    @Test
    void decodesTemporalTypesToUtc() {
        assertThat(scalar("date", "2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(scalar("time", "10:15:30.123456")).isEqualTo(LocalTime.of(10, 15, 30, 123_456_000));
        assertThat(scalar("timetz", "10:00:00+02")).isEqualTo(OffsetTime.of(8, 0, 0, 0, ZoneOffset.UTC));
        assertThat(scalar("timestamp", "2024-03-01 10:15:30.123456")).isEqualTo(LocalDateTime.of(2024, 3, 1, 10, 15, 30, 123_456_000));
        assertThat(scalar("timestamptz", "2024-03-01 08:15:30.5+00"))
                .isEqualTo(OffsetDateTime.of(2024, 3, 1, 8, 15, 30, 500_000_000, ZoneOffset.UTC));
        assertThat(scalar("timestamptz", "2024-03-01 08:15:30-03:30"))
                .isEqualTo(OffsetDateTime.of(2024, 3, 1, 11, 45, 30, 0, ZoneOffset.UTC));
    }

    @ParameterizedTest
    @CsvSource({"text, héllo", "varchar, v", "inet, 10.0.0.1/32", "interval, P1Y2M3DT4H5M6.78S", "money, $1.00"})
    void keepsTextualAndUnknownTypesAsText(String type, String text) {
        assertThat(scalar(type, text)).isEqualTo(text);
    }

    @Test
    void decodesUuidJsonBytesAndArrays() {
        assertThat(scalar("uuid", "0b7e7c7a-8f1e-4d5e-9a43-3c2f1e0d9b01")).isEqualTo(UUID.fromString("0b7e7c7a-8f1e-4d5e-9a43-3c2f1e0d9b01"));
        assertThat(scalar("jsonb", "{\"a\": [1, 2]}")).isEqualTo(new Json("{\"a\": [1, 2]}"));
        assertThat((byte[]) scalar("bytea", "\\xdeadbeef")).containsExactly(0xde, 0xad, 0xbe, 0xef);
        Object ints = PgText.decode(new ColumnType("_int4", "int4", "integer[]", false), "{1,NULL,3}");
        assertThat(ints).isEqualTo(Arrays.asList(1, null, 3));
        Object dates = PgText.decode(new ColumnType("_date", "date", "date[]", false), "{2024-01-01}");
        assertThat(dates).isEqualTo(List.of(LocalDate.of(2024, 1, 1)));
    }
}
