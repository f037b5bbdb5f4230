package io.tidelog.capture;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.Op;
import io.tidelog.event.Row;
import io.tidelog.event.SourcePosition;
import io.tidelog.event.TableId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Maps one Debezium {@link SourceRecord} (Connect/Struct format, PostgreSQL envelope) to a
 * {@link ChangeEvent}. Records that are not row changes (heartbeats, logical decoding messages,
 * tombstones, transaction markers) map to null. Thread-safe.
 */
final class RecordMapper {

    /** Key column names per key schema; schemas are shared objects per table version. */
    private final Map<Schema, List<String>> keyColumns = new ConcurrentHashMap<>();

    /** The change in this record, or null when the record carries none. */
    ChangeEvent map(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null
                || value.schema().field("after") == null) {
            return null; // heartbeats, logical decoding messages (op "m"), transaction markers
        }
        Struct source = value.getStruct("source");
        TableId table = new TableId(source.getString("schema"), source.getString("table"));
        Op op = Op.ofCode(value.getString("op"));
        Row before = ValueMapper.row(value.getStruct("before"));
        Row after = ValueMapper.row(value.getStruct("after"));
        Struct key = record.key() instanceof Struct k ? k : null;
        List<String> columns = key == null ? List.of() : keyColumns.computeIfAbsent(key.schema(), RecordMapper::names);
        Row keyRow = key == null ? Row.empty() : ValueMapper.row(key);
        return new ChangeEvent(table, op, columns, keyRow, before, after, position(source, record.sourceOffset()));
    }

    private static List<String> names(Schema schema) {
        return schema.fields().stream().map(Field::name).toList();
    }

    private static SourcePosition position(Struct source, Map<String, ?> offset) {
        long lsn = longOr(source.getInt64("lsn"), 0L);
        long txId = longOr(source.getInt64("txId"), 0L);
        Object commit = offset == null ? null : offset.get("lsn_commit");
        long commitLsn = commit instanceof Number n ? n.longValue() : 0L;
        Instant commitTime = Instant.ofEpochMilli(source.getInt64("ts_ms"));
        String snapshot = source.getString("snapshot");
        boolean isSnapshot = snapshot != null && !"false".equals(snapshot);
        return new SourcePosition(lsn, commitLsn, txId, commitTime, isSnapshot);
    }

    private static long longOr(Long value, long fallback) {
        return value == null ? fallback : value;
    }
}
