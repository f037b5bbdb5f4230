package io.tidelog.capture;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.ChangeEventJson;
import io.tidelog.event.Op;
import io.tidelog.event.Row;
import io.tidelog.event.TableId;
import io.tidelog.event.Unavailable;
import io.tidelog.log.LatestValues;
import io.tidelog.log.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Replaces Debezium's placeholder for an unchanged TOASTed column ({@link Unavailable#VALUE}) with the
 * column's value before the event is encoded, so that the placeholder never reaches the log.
 *
 * <p>The column did not change, so its value is the one the row had before the event. Sources, in
 * order, per event of a batch (in batch order):
 * <ol>
 *   <li>an earlier event of the same row in the same batch (not yet in the log);</li>
 *   <li>the row's latest record in the log ({@link LatestValues}): the value's JSON text is carried
 *       over byte for byte as an {@link io.tidelog.event.EncodedValue};</li>
 *   <li>the row as it is now in the source ({@link RowSource}), one query per table for the whole
 *       batch, decoded as the snapshot decodes. The row may have changed since the event; then a later
 *       event of the row follows in the log and carries the newer state.</li>
 * </ol>
 * If none has the value (the row is gone from both), {@link UnavailableValueException} names table,
 * key and column: never a silent placeholder. {@code before} is treated like {@code after}: an
 * unavailable column there also stands for the row's previous value (with {@code REPLICA IDENTITY
 * FULL}, PostgreSQL sends complete old rows, so this is a safeguard).
 *
 * <p>Keeps no state between calls (the batch's own rows are local to {@link #fill}), so it is as
 * thread-safe as its {@link LatestValues} and {@link RowSource}; only streamed batches ever need it.
 */
final class UnchangedValueFiller {

    private final LatestValues latestValues;
    private final RowSource rowSource;
    private final ChangeEventJson json;

    UnchangedValueFiller(LatestValues latestValues, RowSource rowSource, ChangeEventJson json) {
        this.latestValues = latestValues;
        this.rowSource = rowSource;
        this.json = json;
    }

    /**
     * The batch with every unavailable value filled; the same list when it has none.
     *
     * @param topics the topic of each table
     * @throws UnavailableValueException when a value is in neither the log nor the source
     */
    List<ChangeEvent> fill(List<ChangeEvent> events, Function<TableId, String> topics) {
        if (events.stream().noneMatch(UnchangedValueFiller::hasUnavailable)) {
            return events;
        }
        List<ChangeEvent> out = new ArrayList<>(events);
        Map<String, Row> batchLatest = new HashMap<>();
        Map<TableId, List<Pending>> reselect = new LinkedHashMap<>();
        for (int i = 0; i < out.size(); i++) {
            ChangeEvent e = out.get(i);
            String topic = topics.apply(e.table());
            byte[] key = json.key(e);
            String rowRef = topic + '\0' + new String(key, StandardCharsets.UTF_8);
            if (hasUnavailable(e)) {
                if (e.keyColumns().isEmpty()) {
                    throw new UnavailableValueException(e.table(), e.latest().toString(), unavailable(e).iterator().next(),
                            "the table has no primary key to look the row up by");
                }
                Map<String, Object> previous = previous(unavailable(e), batchLatest.get(rowRef), topic, key);
                e = withValues(e, previous);
                out.set(i, e);
                Set<String> missing = unavailable(e);
                if (!missing.isEmpty()) {
                    reselect.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(new Pending(i, key, missing));
                }
            }
            if (e.op() == Op.DELETE) {
                batchLatest.remove(rowRef);
            } else {
                batchLatest.put(rowRef, e.after());
            }
        }
        reselect.forEach((table, pending) -> fillFromSource(out, table, pending));
        return out;
    }

    /** Values of these columns the row had before the event: from the batch, else from the log. */
    private Map<String, Object> previous(Set<String> columns, Row inBatch, String topic, byte[] key) {
        Map<String, Object> values = new HashMap<>();
        if (inBatch != null) {
            for (String c : columns) {
                Object v = inBatch.get(c);
                if (inBatch.has(c) && v != Unavailable.VALUE) {
                    values.put(c, v);
                }
            }
        }
        if (values.size() < columns.size()) {
            Optional<LogRecord> stored = latestValues.latest(topic, key);
            if (stored.isPresent()) {
                Set<String> wanted = new LinkedHashSet<>(columns);
                wanted.removeAll(values.keySet());
                values.putAll(StoredColumns.after(stored.get().value(), wanted));
            }
        }
        return values;
    }

    private void fillFromSource(List<ChangeEvent> out, TableId table, List<Pending> pending) {
        Set<String> columns = new LinkedHashSet<>();
        List<Row> keys = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            columns.addAll(p.columns());
            keys.add(out.get(p.index()).key());
        }
        Map<Row, Row> rows = rowSource.select(table, keys, columns);
        for (Pending p : pending) {
            ChangeEvent e = out.get(p.index());
            Row row = rows.get(e.key());
            for (String c : p.columns()) {
                if (row == null || !row.has(c)) {
                    throw new UnavailableValueException(table, new String(p.key(), StandardCharsets.UTF_8), c,
                            row == null ? "the log holds no value for the row and it is no longer in the source"
                                    : "the log holds no value for the column and the source table has no such column now");
                }
            }
            out.set(p.index(), withValues(e, row.columns()));
        }
    }

    /** The event with its unavailable values in before and after replaced where {@code values} has the column. */
    private static ChangeEvent withValues(ChangeEvent e, Map<String, Object> values) {
        Row before = replace(e.before(), values);
        Row after = replace(e.after(), values);
        if (before == e.before() && after == e.after()) {
            return e;
        }
        return new ChangeEvent(e.table(), e.op(), e.keyColumns(), e.key(), before, after, e.position());
    }

    private static Row replace(Row row, Map<String, Object> values) {
        if (row == null || !row.columns().containsValue(Unavailable.VALUE)) {
            return row;
        }
        Map<String, Object> columns = new LinkedHashMap<>(row.columns());
        boolean changed = false;
        for (Map.Entry<String, Object> c : columns.entrySet()) {
            if (c.getValue() == Unavailable.VALUE && values.containsKey(c.getKey())) {
                c.setValue(values.get(c.getKey()));
                changed = true;
            }
        }
        return changed ? Row.of(columns) : row;
    }

    private static boolean hasUnavailable(ChangeEvent e) {
        return e.after() != null && e.after().columns().containsValue(Unavailable.VALUE)
                || e.before() != null && e.before().columns().containsValue(Unavailable.VALUE);
    }

    /** The columns unavailable in before or after, in column order. */
    private static Set<String> unavailable(ChangeEvent e) {
        Set<String> columns = new LinkedHashSet<>();
        for (Row row : new Row[] {e.before(), e.after()}) {
            if (row != null) {
                row.columns().forEach((c, v) -> {
                    if (v == Unavailable.VALUE) {
                        columns.add(c);
                    }
                });
            }
        }
        return columns;
    }

    /** An event still missing values after the batch and the log: its index, log key and columns. */
    private record Pending(int index, byte[] key, Set<String> columns) {
    }
}
