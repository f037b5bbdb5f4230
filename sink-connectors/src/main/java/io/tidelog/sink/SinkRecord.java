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

    /**
     * The key's values joined by {@code separator}, in key order, strings without quotes:
     * {@code 42} for {@code {"id":42}}, {@code acme:3} for {@code {"tenant":"acme","id":3}}.
     */
    public String keyValues(String separator) {
        StringBuilder out = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = key.properties().iterator();
        while (fields.hasNext()) {
            JsonNode v = fields.next().getValue();
            out.append(v.isString() ? v.asString() : v.toString());
            if (fields.hasNext()) {
                out.append(separator);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return table + " " + keyText + " " + (tombstone ? "tombstone" : op.name().toLowerCase()) + " @"
                + partition + ":" + offset + " v" + version;
    }
}
