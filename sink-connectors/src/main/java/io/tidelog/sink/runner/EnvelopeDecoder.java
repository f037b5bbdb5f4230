package io.tidelog.sink.runner;

import io.tidelog.event.Op;
import io.tidelog.event.PositionBytes;
import io.tidelog.event.TableId;
import io.tidelog.log.Header;
import io.tidelog.log.LogRecord;
import io.tidelog.sink.ChangeVersion;
import io.tidelog.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a record of a table topic into the {@link SinkRecord} a sink receives: the key and the
 * Debezium-shaped envelope parsed (README, "What lands in the log"), the version taken from the
 * position header ({@link PositionBytes}) or else from {@code source.commit_lsn}/{@code source.lsn},
 * and the sink's {@link FieldMapping} applied to the row.
 */
final class EnvelopeDecoder {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, TableId> tableByTopic;
    private final FieldMapping mapping;

    EnvelopeDecoder(Map<String, TableId> tableByTopic, FieldMapping mapping) {
        this.tableByTopic = Map.copyOf(tableByTopic);
        this.mapping = mapping;
    }

    /**
     * @throws UndecodableRecordException when the key or value is not what capture writes; the runner
     *                                    sends such a record to the dead-letter topic
     */
    SinkRecord decode(LogRecord record) {
        TableId table = tableByTopic.get(record.partition().topic());
        if (table == null) {
            throw new UndecodableRecordException("topic " + record.partition().topic() + " is not a table this sink receives");
        }
        if (record.key() == null) {
            throw new UndecodableRecordException("record has no key");
        }
        String keyText = new String(record.key(), StandardCharsets.UTF_8);
        ObjectNode key = object(parse(keyText, "key"), "key");
        int size = record.key().length + (record.value() == null ? 0 : record.value().length);
        ChangeVersion version = versionFromHeader(record);
        if (record.value() == null) {
            return new SinkRecord(record.partition(), record.offset(), table, keyText, key, Op.DELETE, true, null,
                    version, record.timestamp(), size);
        }
        JsonNode envelope = parse(new String(record.value(), StandardCharsets.UTF_8), "value");
        Op op;
        try {
            op = Op.ofCode(envelope.path("op").asString(null));
        } catch (IllegalArgumentException e) {
            throw new UndecodableRecordException("envelope has no valid op (c, u, d or r): " + envelope.path("op"));
        }
        JsonNode source = envelope.path("source");
        if (version == null && source.has("lsn")) {
            version = ChangeVersion.of(source.path("commit_lsn").asLong(0), source.path("lsn").asLong());
        }
        ObjectNode after = null;
        if (op != Op.DELETE) {
            after = object(envelope.get("after"), "after");
        }
        long commitTime = source.path("ts_ms").asLong(record.timestamp());
        return new SinkRecord(record.partition(), record.offset(), table, keyText, key, op, false,
                mapping.apply(table, after), version, commitTime, size);
    }

    private static ChangeVersion versionFromHeader(LogRecord record) {
        for (Header h : record.headers()) {
            if (PositionBytes.HEADER.equals(h.key())) {
                long[] p = PositionBytes.decode(h.value());
                return p == null ? null : ChangeVersion.of(p[0], p[1]);
            }
        }
        return null;
    }

    private static JsonNode parse(String text, String what) {
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw new UndecodableRecordException(what + " is not JSON: " + e.getOriginalMessage());
        }
    }

    private static ObjectNode object(JsonNode node, String what) {
        if (node instanceof ObjectNode o) {
            return o;
        }
        throw new UndecodableRecordException(what + " is not a JSON object: "
                + (node == null ? "missing" : node.getNodeType().toString().toLowerCase()));
    }

    /** A record that is not a change capture wrote: it cannot be given to a sink. */
    static final class UndecodableRecordException extends RuntimeException {
        UndecodableRecordException(String message) {
            super(message);
        }
    }
}
