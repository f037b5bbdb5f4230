package io.tidelog.event;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;

/**
 * Encodes change events as log records: the key is the primary key as a JSON object, the value a
 * Debezium-shaped JSON envelope. This is a public contract (documented in the README); a snapshot
 * read and a streamed change of the same row encode the row identically, because both go through
 * {@link #writeValue}.
 *
 * <pre>
 * key:   {"id":42}
 * value: {"before":null|{row},"after":null|{row},"op":"c|u|d|r",
 *         "source":{"connector":"tidelog","schema":"public","table":"orders","lsn":..,"commit_lsn":..,
 *                   "txId":..,"ts_ms":..,"snapshot":false},
 *         "ts_ms":..}
 * </pre>
 *
 * <p>Column values: booleans and integers as JSON literals; {@code real}/{@code double} as numbers
 * ({@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} as strings); {@code numeric} as a string of
 * its exact decimal form (no floating-point loss); text, enums, {@code uuid} and text-form types as
 * strings; {@code json}/{@code jsonb} as embedded JSON; {@code bytea} as base64; {@code date}
 * {@code 2024-02-29}, {@code time} {@code 10:15:30.123456}, {@code timetz} {@code 08:00:00Z},
 * {@code timestamp} {@code 2024-03-01T10:15:30.123456}, {@code timestamptz}
 * {@code 2024-03-01T08:15:30.123456Z} (ISO-8601, UTC); arrays as JSON arrays; SQL NULL as
 * {@code null}; an unchanged TOASTed value the source did not send as
 * {@code "__debezium_unavailable_value"}.
 *
 * <p>Thread-safe. Shared state: the factory, whose buffers are recycled per thread (a generator per
 * key and per value costs little then), and the {@code source} object of the last snapshot position
 * encoded (every row of a snapshot shares it), kept as its JSON text and written raw.
 */
public final class ChangeEventJson {

    /** How {@link Unavailable#VALUE} is written, as Debezium writes it. */
    public static final String UNAVAILABLE = "__debezium_unavailable_value";

    /** {@code source.connector} of every envelope. */
    public static final String CONNECTOR = "tidelog";

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.threadLocalPool()).build();

    /** The {@code source} object of a snapshot position, as JSON text. */
    private record SourceText(TableId table, SourcePosition position, String json) {
    }

    /** The last snapshot position's {@code source} (one entry: a snapshot's rows share their position). */
    private volatile SourceText lastSnapshotSource;

    /**
     * The record key: the primary-key columns in key order; for a table captured through
     * {@code REPLICA IDENTITY FULL} without a primary key, the whole row.
     */
    public byte[] key(ChangeEvent event) {
        Row key = event.keyColumns().isEmpty() ? event.latest() : event.key();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            writeRow(g, key);
        }
        return out.toByteArray();
    }

    /**
     * The record value: the envelope above.
     *
     * @param processedAtMillis the envelope's top-level {@code ts_ms}: when Tidelog processed the event
     */
    public byte[] value(ChangeEvent event, long processedAtMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeName("before");
            writeRow(g, event.before());
            g.writeName("after");
            writeRow(g, event.after());
            g.writeStringProperty("op", String.valueOf(event.op().code()));
            g.writeName("source");
            if (event.position().snapshot()) {
                g.writeRawValue(snapshotSource(event));
            } else {
                writeSource(g, event);
            }
            g.writeNumberProperty("ts_ms", processedAtMillis);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** The {@code source} object of a snapshot read as {@link #writeSource} writes it, computed once per position. */
    private String snapshotSource(ChangeEvent e) {
        SourceText last = lastSnapshotSource;
        if (last != null && last.table().equals(e.table()) && last.position().equals(e.position())) {
            return last.json();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            writeSource(g, e);
        }
        String json = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        lastSnapshotSource = new SourceText(e.table(), e.position(), json);
        return json;
    }

    /** Writes the {@code source} object (its name already written). */
    private static void writeSource(JsonGenerator g, ChangeEvent e) {
        SourcePosition p = e.position();
        g.writeStartObject();
        g.writeStringProperty("connector", CONNECTOR);
        g.writeStringProperty("schema", e.table().schema());
        g.writeStringProperty("table", e.table().table());
        g.writeNumberProperty("lsn", p.lsn());
        g.writeNumberProperty("commit_lsn", p.commitLsn());
        g.writeNumberProperty("txId", p.txId());
        g.writeNumberProperty("ts_ms", p.commitTime().toEpochMilli());
        g.writeBooleanProperty("snapshot", p.snapshot());
        g.writeEndObject();
    }

    /** Writes a row as a JSON object, or {@code null}. */
    static void writeRow(JsonGenerator g, Row row) {
        if (row == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        for (int i = 0; i < row.size(); i++) {
            g.writeName(row.name(i));
            writeValue(g, row.value(i));
        }
        g.writeEndObject();
    }

    /** Writes one column value of a type listed on {@link Row}. */
    static void writeValue(JsonGenerator g, Object v) {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            writeFloating(g, (Number) v);
        } else if (v instanceof BigDecimal d) {
            g.writeString(d.toPlainString());
        } else if (v instanceof Json j) {
            g.writeRawValue(j.text());
        } else if (v instanceof EncodedValue e) {
            g.writeRawValue(e.json());
        } else if (v instanceof byte[] bytes) {
            g.writeBinary(bytes);
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object e : list) {
                writeValue(g, e);
            }
            g.writeEndArray();
        } else {
            g.writeString(text(v));
        }
    }

    /** The string form of the remaining types: uuid, temporal types, the unavailable marker. */
    private static String text(Object v) {
        if (v instanceof UUID u) {
            return u.toString();
        } else if (v instanceof OffsetDateTime t) {
            return IsoText.offsetDateTime(t);
        } else if (v instanceof LocalDateTime t) {
            return IsoText.dateTime(t);
        } else if (v instanceof LocalDate d) {
            return IsoText.date(d);
        } else if (v instanceof LocalTime t) {
            return IsoText.time(t);
        } else if (v instanceof OffsetTime t) {
            return DateTimeFormatter.ISO_OFFSET_TIME.format(t);
        } else if (v == Unavailable.VALUE) {
            return UNAVAILABLE;
        }
        throw new IllegalArgumentException(
                "no JSON form for a column value of " + v.getClass().getName() + "; Row lists the supported types");
    }

    private static void writeFloating(JsonGenerator g, Number n) {
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            g.writeString("NaN");
        } else if (Double.isInfinite(d)) {
            g.writeString(d > 0 ? "Infinity" : "-Infinity");
        } else if (n instanceof Float f) {
            g.writeNumber(f);
        } else {
            g.writeNumber(d);
        }
    }
}
