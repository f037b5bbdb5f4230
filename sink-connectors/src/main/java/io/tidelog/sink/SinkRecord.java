package io.tidelog.sink;

import io.tidelog.event.Op;
import io.tidelog.event.TableId;
import io.tidelog.log.TopicPartition;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One change of one row as a sink receives it: decoded from the log's envelope, fields already
 * included, excluded and renamed per the sink's configuration.
 *
 * @param partition  where the record is in the log
 * @param offset     its offset there
 * @param table      the source table
 * @param keyText    the record key as it is in the log: the primary-key columns as a JSON object text,
 *                   e.g. {@code {"id":42}}; identifies the row
 * @param key        the same key parsed
 * @param op         what happened; {@link Op#DELETE} also for a tombstone
 * @param tombstone  whether this is the log's tombstone that follows a delete (no envelope at all)
 * @param after      the row after the change, null for a delete
 * @param version    the change's version, null only for a record that carries no source position
 * @param commitTime the commit time in epoch millis (for a tombstone, its log timestamp)
 * @param sizeBytes  the size of the record in the log, for batching by bytes
 */
public record SinkRecord(TopicPartition partition, long offset, TableId table, String keyText, ObjectNode key,
                         Op op, boolean tombstone, ObjectNode after, ChangeVersion version, long commitTime,
                         int sizeBytes) {

    public boolean isDelete() {
        return op == Op.DELETE;
    }

    /** {@link #keyId(ObjectNode)} of this record's key. */
    public String keyId() {
        return keyId(key);
    }

    /**
     * A key as text, the one form sinks name rows by (Redis's {@code {pk}}, OpenSearch's {@code _id}):
     * the values in key order, strings without quotes, joined by {@code :} — {@code 42} for
     * {@code {"id":42}}, {@code acme:3} for {@code {"tenant":"acme","id":3}}. A {@code :} or {@code \}
     * inside a string value is escaped with {@code \} ({@code a\:b:c} for {@code ("a:b","c")}), so
     * that two keys never share a text. Depends only on the key: stable across replays and restarts.
     */
    public static String keyId(ObjectNode key) {
        StringBuilder out = new StringBuilder(32);
        Iterator<Map.Entry<String, JsonNode>> fields = key.properties().iterator();
        while (fields.hasNext()) {
            JsonNode v = fields.next().getValue();
            if (v.isString()) {
                appendEscaped(out, v.asString());
            } else {
                out.append(v);
            }
            if (fields.hasNext()) {
                out.append(':');
            }
        }
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ':' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
    }

    @Override
    public String toString() {
        return table + " " + keyText + " " + (tombstone ? "tombstone" : op.name().toLowerCase()) + " @"
                + partition + ":" + offset + " v" + version;
    }
}
