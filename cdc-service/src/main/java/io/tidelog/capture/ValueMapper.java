package io.tidelog.capture;

import io.tidelog.event.Json;
import io.tidelog.event.Row;
import io.tidelog.event.Unavailable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Turns Kafka Connect values, as Debezium's PostgreSQL connector produces them under the settings of
 * {@link DebeziumProperties}, into the plain Java values documented on {@link Row}.
 *
 * <p>Dispatch is on the Connect schema's logical name first (Debezium's {@code io.debezium.time.*},
 * {@code io.debezium.data.*}, Connect's {@code Decimal}), then on its physical type. Stateless and
 * thread-safe.
 */
final class ValueMapper {

    /** What Debezium sends for an unchanged TOASTed column without a before-image. */
    static final String UNAVAILABLE_PLACEHOLDER = "__debezium_unavailable_value";

    private static final byte[] UNAVAILABLE_BYTES = UNAVAILABLE_PLACEHOLDER.getBytes(StandardCharsets.UTF_8);

    private ValueMapper() {
    }

    /** The row of a Connect struct (a Debezium {@code before}/{@code after} or key), or null for null. */
    static Row row(Struct struct) {
        if (struct == null) {
            return null;
        }
        List<Field> fields = struct.schema().fields();
        Map<String, Object> columns = new LinkedHashMap<>(fields.size() * 2);
        for (Field f : fields) {
            columns.put(f.name(), value(f.schema(), struct.get(f)));
        }
        return Row.of(columns);
    }

    static Object value(Schema schema, Object v) {
        if (v == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            Object logical = logical(name, schema, v);
            if (logical != null) {
                return logical;
            }
        }
        return switch (schema.type()) {
            case BYTES -> bytes(v);
            case STRING -> UNAVAILABLE_PLACEHOLDER.equals(v) ? Unavailable.VALUE : v;
            case ARRAY -> list(schema.valueSchema(), (List<?>) v);
            case STRUCT -> v.toString();
            default -> v; // INT8..INT64, FLOAT32/64, BOOLEAN: already the documented boxes
        };
    }

    /** Maps a value of a logical type, or returns null when the name is not one handled here. */
    private static Object logical(String name, Schema schema, Object v) {
        return switch (name) {
            case "io.debezium.time.Date" -> LocalDate.ofEpochDay((Integer) v);
            case "io.debezium.time.Time" -> LocalTime.ofNanoOfDay(((Number) v).longValue() * 1_000_000L);
            case "io.debezium.time.MicroTime" -> LocalTime.ofNanoOfDay(((Number) v).longValue() * 1_000L);
            case "io.debezium.time.NanoTime" -> LocalTime.ofNanoOfDay(((Number) v).longValue());
            case "io.debezium.time.ZonedTime" -> OffsetTime.parse((String) v).withOffsetSameInstant(ZoneOffset.UTC);
            case "io.debezium.time.Timestamp" -> localDateTime(((Number) v).longValue(), 1_000_000L);
            case "io.debezium.time.MicroTimestamp" -> localDateTime(((Number) v).longValue(), 1_000L);
            case "io.debezium.time.NanoTimestamp" -> localDateTime(((Number) v).longValue(), 1L);
            case "io.debezium.time.ZonedTimestamp" -> OffsetDateTime.parse((String) v).withOffsetSameInstant(ZoneOffset.UTC);
            case "io.debezium.data.Uuid" -> UUID.fromString((String) v);
            case "io.debezium.data.Json" -> new Json((String) v);
            case "org.apache.kafka.connect.data.Decimal" -> (BigDecimal) v;
            case "io.debezium.data.VariableScaleDecimal" -> variableScaleDecimal((Struct) v);
            case "io.debezium.time.Interval" -> IntervalText.toPostgresIso((String) v);
            default -> null;
        };
    }

    private static LocalDateTime localDateTime(long units, long nanosPerUnit) {
        long unitsPerSecond = 1_000_000_000L / nanosPerUnit;
        long seconds = Math.floorDiv(units, unitsPerSecond);
        long nanos = Math.floorMod(units, unitsPerSecond) * nanosPerUnit;
        return LocalDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos), ZoneOffset.UTC);
    }

    private static BigDecimal variableScaleDecimal(Struct s) {
        Object raw = s.get("value");
        byte[] unscaled = raw instanceof ByteBuffer bb ? toArray(bb) : (byte[]) raw;
        return new BigDecimal(new BigInteger(unscaled), s.getInt32("scale"));
    }

    private static Object bytes(Object v) {
        byte[] b = v instanceof ByteBuffer bb ? toArray(bb) : (byte[]) v;
        return Arrays.equals(b, UNAVAILABLE_BYTES) ? Unavailable.VALUE : b;
    }

    private static byte[] toArray(ByteBuffer bb) {
        ByteBuffer dup = bb.duplicate();
        byte[] b = new byte[dup.remaining()];
        dup.get(b);
        return b;
    }

    private static List<Object> list(Schema elementSchema, List<?> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object e : values) {
            out.add(value(elementSchema, e));
        }
        return java.util.Collections.unmodifiableList(out);
    }
}
