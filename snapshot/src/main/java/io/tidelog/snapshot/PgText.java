package io.tidelog.snapshot;

import io.tidelog.event.Json;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;

/**
 * Decodes PostgreSQL's text output of a value into the Java type documented on
 * {@link io.tidelog.event.Row} — the same value streaming produces for that column, so that both
 * paths encode identically.
 *
 * <p>Requires the reading session to run with {@code TimeZone=UTC}, {@code DateStyle=ISO},
 * {@code IntervalStyle=iso_8601}, {@code extra_float_digits=1} and {@code bytea_output=hex}
 * ({@link ChunkReader} sets them). Stateless and thread-safe.
 */
final class PgText {

    /** Base types with a decoding of their own; every other type is kept as its text form. */
    static final Set<String> DECODED = Set.of("bool", "int2", "int4", "int8", "oid", "float4", "float8", "numeric",
            "uuid", "json", "jsonb", "bytea", "date", "time", "timetz", "timestamp", "timestamptz");

    /** Types decoded as text on purpose: their text form is also what streaming delivers. */
    static final Set<String> TEXTUAL = Set.of("text", "varchar", "bpchar", "char", "name", "xml", "citext",
            "inet", "cidr", "macaddr", "macaddr8", "interval");

    private PgText() {
    }

    /** Whether values of this base type (not an enum) decode to something other than a fallback text. */
    static boolean supported(String baseType) {
        return DECODED.contains(baseType) || TEXTUAL.contains(baseType);
    }

    /** The value of a column from its text form; {@code text} is never null (NULL is handled by the caller). */
    static Object decode(ColumnType type, String text) {
        if (type.isArray()) {
            return PgArrays.parse(text, element -> scalar(type.elementTypeName(), element));
        }
        return scalar(type.typeName(), text);
    }

    static Object scalar(String baseType, String t) {
        return switch (baseType) {
            case "bool" -> t.equals("t");
            case "int2" -> Short.valueOf(t);
            case "int4" -> Integer.valueOf(t);
            case "int8", "oid" -> Long.valueOf(t);
            case "float4" -> Float.valueOf(t);
            case "float8" -> Double.valueOf(t);
            case "numeric" -> new BigDecimal(t);
            case "uuid" -> UUID.fromString(t);
            case "json", "jsonb" -> new Json(t);
            case "bytea" -> HexFormat.of().parseHex(t, 2, t.length());
            case "date" -> orElse(PgTimes.date(t), () -> LocalDate.parse(t));
            case "time" -> LocalTime.parse(t);
            case "timetz" -> OffsetTime.parse(withFullOffset(t)).withOffsetSameInstant(ZoneOffset.UTC);
            case "timestamp" -> orElse(PgTimes.timestamp(t), () -> LocalDateTime.parse(t.replace(' ', 'T')));
            case "timestamptz" -> orElse(PgTimes.timestamptz(t),
                    () -> OffsetDateTime.parse(withFullOffset(t.replace(' ', 'T'))).withOffsetSameInstant(ZoneOffset.UTC));
            default -> t;
        };
    }

    private static Object orElse(Object fast, java.util.function.Supplier<Object> slow) {
        return fast != null ? fast : slow.get();
    }

    /** PostgreSQL prints offsets as {@code +00}, {@code +05:30} or {@code -03:00:10}; ISO wants {@code +00:00}. */
    static String withFullOffset(String t) {
        int sign = Math.max(t.lastIndexOf('+'), t.lastIndexOf('-'));
        boolean hoursOnly = sign > 0 && t.length() - sign == 3;
        return hoursOnly ? t + ":00" : t;
    }
}
