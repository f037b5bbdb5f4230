package io.tidelog.capture;

import io.tidelog.event.ChangeEvent;
import io.tidelog.event.ChangeEventJson;
import io.tidelog.event.Op;
import io.tidelog.event.SourcePosition;
import io.tidelog.event.TableId;
import io.tidelog.log.AppendResult;
import io.tidelog.log.ChangeLog;
import io.tidelog.log.LatestValues;
import io.tidelog.log.Record;
import io.tidelog.log.TopicConfig;
import io.tidelog.log.TopicPartition;
import io.tidelog.log.embedded.LatestValueIndex;
import io.tidelog.snapshot.SnapshotConsumer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes change events into the change log: one topic per table (compacted by default), the
 * partition chosen by the primary key so that a row's changes stay in order, the key and value
 * encoded by {@link ChangeEventJson}. A delete is followed by a tombstone for its key, so that
 * compaction eventually drops the row.
 *
 * <p>A table without a primary key (captured through {@code REPLICA IDENTITY FULL}) is keyed by the
 * whole row, so an update changes the key: it is written as a delete of the old row (with its
 * tombstone) followed by the update under the new key. Identical duplicate rows share a key and so
 * appear once in the compacted view.
 *
 * <p>Exactly once: every record carries its source position ({@link PositionHeader}). On open, the
 * writer reads which streamed changes each partition's tail already holds ({@link DeliveredChanges},
 * by {@code (txId, lsn)}); such a change, delivered again by the engine after a crash, is dropped.
 * The check is per partition because one batch spans partitions and a crash can leave some of them
 * durable and others not. Snapshot reads are never dropped: an interrupted snapshot starts over.
 *
 * <p>Unchanged TOASTed values: a streamed update of a table without {@code REPLICA IDENTITY FULL}
 * does not carry a TOASTed column it did not change. Before encoding, such a column is filled with
 * the row's previous value — from the batch, from the row's latest record in the log
 * ({@link LatestValues}), else by re-selecting the row ({@link RowSource}) — see
 * {@link UnchangedValueFiller}. Debezium's placeholder is never written: a value found nowhere stops
 * capture with {@link UnavailableValueException}.
 *
 * <p>{@link #handle} returns only when every record of the batch is durable; capture acknowledges
 * the batch's source position to PostgreSQL only then. {@link #accept} (snapshot rows) may be called
 * concurrently from several readers; {@link #handle} from one capture thread.
 */
public final class ChangeLogWriter implements ChangeEventHandler, SnapshotConsumer {

    private static final Logger log = LoggerFactory.getLogger(ChangeLogWriter.class);

    private final ChangeLog changeLog;
    private final TopicNaming naming;
    private final TopicConfig tableTopic;
    private final Clock clock;
    private final ChangeEventJson json = new ChangeEventJson();
    private final Map<TableId, String> topics = new ConcurrentHashMap<>();
    /** Streamed changes each partition held when this writer opened; read-only after open. */
    private final Map<TopicPartition, DeliveredChanges> writtenBefore = new ConcurrentHashMap<>();
    private final List<TableId> tables;
    private final UnchangedValueFiller filler;
    private volatile long duplicatesDropped;

    /**
     * Opens a writer that fills unchanged TOASTed values from the log only (a value the log does not
     * hold stops capture); see {@link #ChangeLogWriter(ChangeLog, TopicNaming, TopicConfig, List, Clock, RowSource)}.
     */
    public ChangeLogWriter(ChangeLog changeLog, TopicNaming naming, TopicConfig tableTopic, List<TableId> tables,
                           Clock clock) {
        this(changeLog, naming, tableTopic, tables, clock, RowSource.none());
    }

    /**
     * Opens the writer for these tables, creating their topics and reading where each partition ends;
     * unchanged TOASTed values come from a {@link LatestValueIndex} over the log (at most
     * {@link LatestValueIndex#DEFAULT_BYTES_PER_TOPIC} per table), else from {@code rowSource}.
     *
     * @param tableTopic the configuration of table topics this writer creates
     * @param rowSource re-selects rows whose unchanged TOASTed values the log does not hold
     *     (the service passes a {@link JdbcRowSource} over the captured database)
     */
    public ChangeLogWriter(ChangeLog changeLog, TopicNaming naming, TopicConfig tableTopic, List<TableId> tables,
                           Clock clock, RowSource rowSource) {
        this(changeLog, naming, tableTopic, tables, clock,
                new LatestValueIndex(changeLog, LatestValueIndex.DEFAULT_BYTES_PER_TOPIC), rowSource);
    }

    /**
     * Opens the writer with its own store of latest values (tests, or another log backend's store).
     *
     * @param latestValues the latest value of each row in the log, the first source of unchanged TOASTed values
     */
    public ChangeLogWriter(ChangeLog changeLog, TopicNaming naming, TopicConfig tableTopic, List<TableId> tables,
                           Clock clock, LatestValues latestValues, RowSource rowSource) {
        this.filler = new UnchangedValueFiller(latestValues, rowSource, json);
        this.changeLog = changeLog;
        this.naming = naming;
        this.tableTopic = tableTopic;
        this.clock = clock;
        this.tables = List.copyOf(tables);
        readDelivered();
    }

    /**
     * Reads again which streamed changes each partition's tail holds. Capture calls it whenever it starts
     * streaming: since this writer was opened, another instance may have captured into the same log
     * (it held the capture lease meanwhile), and the engine re-delivers from the stored position.
     */
    public void readDelivered() {
        for (TableId table : tables) {
            String topic = topic(table);
            for (int p = 0; p < changeLog.topicConfig(topic).partitions(); p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                writtenBefore.put(tp, DeliveredChanges.tail(changeLog, tp));
            }
        }
    }

    /** Streamed changes: drops those already in the log, appends the rest, returns once durable. */
    @Override
    public void handle(List<ChangeEvent> batch) throws InterruptedException {
        write(batch, true);
    }

    /** Snapshot rows: appended as they are, returns once durable. */
    @Override
    public void accept(List<ChangeEvent> rows) throws InterruptedException {
        write(rows, false);
    }

    /** Streamed events dropped because the log already held them (re-delivered after a crash). */
    public long duplicatesDropped() {
        return duplicatesDropped;
    }

    /** The topic of a table, created on first use. */
    public String topic(TableId table) {
        return topics.computeIfAbsent(table, t -> {
            String topic = naming.topic(t);
            changeLog.createTopic(topic, tableTopic);
            return topic;
        });
    }

    private void write(List<ChangeEvent> events, boolean dedupe) throws InterruptedException {
        long now = clock.millis();
        List<ChangeEvent> expanded = expandKeylessUpdates(events);
        List<ChangeEvent> kept = dedupe ? new ArrayList<>(expanded.size()) : expanded;
        // Keys encoded for the duplicate check, reused below for every event the filler leaves as it is.
        Map<ChangeEvent, byte[]> keys = dedupe ? new IdentityHashMap<>(expanded.size() * 2) : Map.of();
        long dropped = 0;
        for (int i = 0; dedupe && i < expanded.size(); i++) {
            ChangeEvent e = expanded.get(i);
            byte[] key = json.key(e);
            keys.put(e, key);
            DeliveredChanges before = writtenBefore.get(partition(topic(e.table()), key));
            SourcePosition p = e.position();
            if (before != null && before.contains(p.txId(), p.lsn())) {
                dropped++;
            } else {
                kept.add(e);
            }
        }
        // Fill after dropping: a re-delivered event needs no value, and the log already holds its successors.
        // Rows of the aligned snapshot (not deduplicated) come from COPY, which sends every value: nothing to fill.
        Map<TopicPartition, List<Record>> byPartition = new LinkedHashMap<>();
        for (ChangeEvent e : dedupe ? filler.fill(kept, this::topic) : kept) {
            byte[] known = keys.get(e);
            byte[] key = known != null ? known : json.key(e);
            SourcePosition p = e.position();
            List<Record> records = byPartition.computeIfAbsent(partition(topic(e.table()), key), x -> new ArrayList<>());
            List<io.tidelog.log.Header> headers = List.of(PositionHeader.of(p));
            records.add(new Record(key, json.value(e, now), headers, p.commitTime().toEpochMilli()));
            if (e.op() == Op.DELETE) {
                records.add(new Record(key, null, headers, p.commitTime().toEpochMilli()));
            }
        }
        if (dropped > 0) {
            duplicatesDropped += dropped;
            log.info("Dropped {} re-delivered changes the log already holds", dropped);
        }
        List<CompletableFuture<AppendResult>> pending = new ArrayList<>(byPartition.size());
        byPartition.forEach((tp, records) -> pending.add(changeLog.append(tp, records)));
        for (CompletableFuture<AppendResult> f : pending) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new CaptureWriteException("Appending captured changes to the log failed: " + e.getCause().getMessage(),
                        e.getCause());
            }
        }
    }

    private TopicPartition partition(String topic, byte[] key) {
        return new TopicPartition(topic, changeLog.partitionFor(topic, key));
    }

    /** Rewrites each keyless update whose row changed as a delete of the old row, then the update. */
    private static List<ChangeEvent> expandKeylessUpdates(List<ChangeEvent> events) {
        List<ChangeEvent> out = null;
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent e = events.get(i);
            boolean rekeyed = e.op() == Op.UPDATE && e.keyColumns().isEmpty() && e.before() != null
                    && !e.before().equals(e.after());
            if (rekeyed && out == null) {
                out = new ArrayList<>(events.subList(0, i));
            }
            if (rekeyed) {
                out.add(new ChangeEvent(e.table(), Op.DELETE, e.keyColumns(), e.key(), e.before(), null, e.position()));
            }
            if (out != null) {
                out.add(e);
            }
        }
        return out == null ? events : out;
    }

}
