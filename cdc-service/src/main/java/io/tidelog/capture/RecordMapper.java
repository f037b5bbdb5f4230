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
 * tombstones, transaction markers, notifications) map to null. Thread-safe.
 *
 * <p>Positions. Debezium's offset carries, as {@code lsn_commit}, the commit LSN of the last
 * transaction it finished before the current one: it rises with commit order, which is what
 * {@link SourcePosition#commitLsn()} must do. Two cases need care:
 * <ul>
 *   <li>The first transaction after an engine start has no {@code lsn_commit}. It gets the slot's
 *       confirmed flush position ({@link #streamingFrom(long)}), which every delivered transaction
 *       commits at or after; without it a transaction that began before the slot's consistent point
 *       would rank below the snapshot reads of its rows.</li>
 *   <li>Debezium's own snapshot reads (incremental or blocking, started by a signal) are emitted
 *       between streamed changes, at the stream position of the moment. A read holds every change
 *       streamed before it and none streamed after it, so it is given the position of a snapshot
 *       read at point {@code lsn_commit}: {@code (lsn = lsn_commit, commitLsn = 0, txId = 0)}. That
 *       ranks above every earlier transaction (whose {@code lsn_commit} is lower) and below the
 *       changes of the transaction being streamed (same {@code lsn_commit}, a change LSN above 0).
 *       A txId of 0 also keeps re-delivered reads out of the duplicate check: a read written twice
 *       is harmless, a read wrongly dropped is not.</li>
 * </ul>
 */
final class RecordMapper {

    /** Key column names per key schema; schemas are shared objects per table version. */
    private final Map<Schema, List<String>> keyColumns = new ConcurrentHashMap<>();

    /** Where the slot streams from: the commit position of anything delivered before a first commit. */
    private volatile long streamFloor;

    /** Tells the mapper where streaming starts (the slot's confirmed flush LSN), before the first record. */
    void streamingFrom(long confirmedFlushLsn) {
        this.streamFloor = confirmedFlushLsn;
    }

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
        return new ChangeEvent(table, op, columns, keyRow, before, after, position(op, source, record.sourceOffset()));
    }

    private static List<String> names(Schema schema) {
        return schema.fields().stream().map(Field::name).toList();
    }

    private SourcePosition position(Op op, Struct source, Map<String, ?> offset) {
        Object commit = offset == null ? null : offset.get("lsn_commit");
        long lastCommit = commit instanceof Number n ? n.longValue() : 0L;
        long commitLsn = lastCommit != 0 ? lastCommit : streamFloor;
        Instant commitTime = Instant.ofEpochMilli(source.getInt64("ts_ms"));
        if (op == Op.READ) {
            return new SourcePosition(commitLsn, 0, 0, commitTime, true);
        }
        long lsn = longOr(source.getInt64("lsn"), 0L);
        long txId = longOr(source.getInt64("txId"), 0L);
        return new SourcePosition(lsn, commitLsn, txId, commitTime, false);
    }

    private static long longOr(Long value, long fallback) {
        return value == null ? fallback : value;
    }
}
