package io.tidelog.service.status;

import io.tidelog.capture.AdHocSnapshots;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What Tidelog is doing at one moment: the body of {@code GET /admin/status}, and what the status page
 * polls. Times are ISO-8601 instants (UTC); a value that is not known yet is null.
 *
 * @param generatedAt when this report was built
 * @param source      the PostgreSQL side: slot, capture, lag
 * @param log         the change log between capture and sinks
 * @param sinks       every configured sink, in configuration order
 * @param snapshots   the aligned snapshot of each captured table, in configuration order
 * @param adHocSnapshots snapshots taken on request ({@code POST /admin/snapshots}) since capture
 *                    started, oldest first
 */
public record StatusReport(Instant generatedAt, Source source, Log log, List<Sink> sinks, List<TableSnapshot> snapshots,
                           List<AdHocSnapshot> adHocSnapshots) {

    /**
     * @param slot              the replication slot's name
     * @param state             capture's state: {@code new} (snapshotting or not started), {@code starting},
     *                          {@code running}, {@code stopping}, {@code stopped}, {@code failed}
     * @param connected         capture runs and (once measured) the slot is being read
     * @param slotExists        whether the slot exists; null before the first measurement
     * @param confirmedFlushLsn how far PostgreSQL knows Tidelog has consumed, e.g. {@code 0/16B3748}
     * @param walLagBytes       WAL the slot holds back ({@code pg_current_wal_lsn() - confirmed_flush_lsn})
     * @param slotMeasuredAt    when the slot was last measured
     * @param lastEventAt       when the latest captured change was written to the log
     * @param lastCommitTime    the source commit time of that change
     * @param eventsCaptured    changes captured since start (snapshot rows not included)
     * @param eventsPerSecond   capture rate over about the last 10 s
     * @param error             why capture failed (secrets removed), or null
     * @param role              {@code active} (this instance captures) or {@code standby} (another holds the capture lease)
     * @param leaseHolder       for a standby, the instance capturing (as last seen), else null
     */
    public record Source(String slot, String state, boolean connected, Boolean slotExists, String confirmedFlushLsn,
                         Long walLagBytes, Instant slotMeasuredAt, Instant lastEventAt, Instant lastCommitTime,
                         long eventsCaptured, double eventsPerSecond, String error, String role, String leaseHolder) {
    }

    /**
     * @param topics          every topic, table topics and Tidelog's internal ones ({@code _tidelog.*})
     * @param recordsAppended records appended since the service started
     * @param bytesAppended   bytes appended since the service started
     * @param compactionRuns  cleaning passes since the service started
     * @param bytesReclaimed  bytes freed by compaction and retention since the service started
     * @param lastCompactionAt the latest cleaning pass of any topic, or null
     */
    public record Log(List<Topic> topics, long recordsAppended, long bytesAppended, long compactionRuns,
                      long bytesReclaimed, Instant lastCompactionAt) {
    }

    /**
     * @param name             the topic
     * @param internal         one of Tidelog's own topics (source offsets, snapshot markers, dead letters)
     * @param cleanupPolicy    {@code compact} or {@code delete}
     * @param partitions       its partition count
     * @param sizeBytes        bytes on disk; null when the log cannot tell
     * @param records          end minus start offsets, summed over partitions: the records it holds, an
     *                         upper bound on a compacted topic (compacted-away offsets are counted)
     * @param startOffsets     per partition, the first readable offset
     * @param endOffsets       per partition, one past the last durable offset
     * @param lastCompactionAt the latest cleaning pass of one of its partitions since start, or null
     */
    public record Topic(String name, boolean internal, String cleanupPolicy, int partitions, Long sizeBytes,
                        long records, Map<Integer, Long> startOffsets, Map<Integer, Long> endOffsets,
                        Instant lastCompactionAt) {
    }

    /**
     * @param name                  the sink's name (its consumer group is {@code tidelog.sink.<name>})
     * @param type                  {@code redis}, {@code opensearch} or {@code duckdb}
     * @param state                 {@code starting}, {@code running}, {@code paused}, {@code retrying},
     *                              {@code failed} or {@code stopped}
     * @param tables                the tables it receives
     * @param committedOffsets      per topic and partition, the group's committed offset ({@code -1}: none yet)
     * @param lagRecords            offsets not yet committed, summed over its partitions
     * @param lagSeconds            age of the oldest record not yet committed; 0 when caught up
     * @param lastAppliedCommitTime source commit time of the newest change written, or null
     * @param recordsWritten        records written and flushed since start
     * @param recordsPerSecond      write rate over about the last 10 s
     * @param retries               failed attempts retried since start
     * @param errors                failed attempts since start
     * @param deadLettered          records sent to the dead-letter topic since start
     * @param deadLetterTopic       its dead-letter topic
     * @param deadLetterCount       records the dead-letter topic holds
     * @param lastError             the latest error, or null
     */
    public record Sink(String name, String type, String state, List<String> tables,
                       Map<String, Map<Integer, Long>> committedOffsets, long lagRecords, double lagSeconds,
                       Instant lastAppliedCommitTime, long recordsWritten, double recordsPerSecond, long retries,
                       long errors, long deadLettered, String deadLetterTopic, long deadLetterCount,
                       LastError lastError) {
    }

    /**
     * @param at      when
     * @param message what (secrets removed)
     */
    public record LastError(Instant at, String message) {
    }

    /**
     * One table's aligned snapshot, from the markers in the log and, while it runs, live progress.
     *
     * @param table         {@code schema.table}
     * @param state         {@code running} (being read now), {@code completed}, {@code started} (begun
     *                      by an earlier run that did not finish: taken again at the next start) or
     *                      {@code none}
     * @param snapshotId    the snapshot's id, or null
     * @param rows          rows read (running) or written (completed)
     * @param estimatedRows the planner's estimate while running, else null
     * @param percent       0-100 while running, 100 when completed, else null
     * @param rowsPerSecond the read rate while running, else null
     * @param etaSeconds    estimated seconds left while running, null when unknown
     * @param consistentLsn the snapshot's consistent point once completed, e.g. {@code 0/16B3748}
     * @param updatedAt     when its latest marker was written
     */
    public record TableSnapshot(String table, String state, String snapshotId, long rows, Long estimatedRows,
                                Double percent, Double rowsPerSecond, Long etaSeconds, String consistentLsn,
                                Instant updatedAt) {
    }

    /**
     * A snapshot taken on request, as the admin API and the status page show it.
     *
     * @param mode          {@code incremental} or {@code blocking}
     * @param state         {@code requested}, {@code running}, {@code cancelling}, {@code completed},
     *                      {@code failed}, {@code cancelled} or {@code interrupted}
     * @param filtered      whether a row filter narrowed it (then no estimate)
     * @param percent       rows read against the planner's estimate, 100 once completed; null without an estimate
     * @param etaSeconds    time left at the current rate; null when unknown or ended
     * @param errors        tables Debezium could not read and why, or why it stopped
     */
    public record AdHocSnapshot(String id, String mode, String state, List<AdHocTable> tables, boolean filtered,
                                Instant requestedAt, Instant endedAt, long rows, Long estimatedRows, Double percent,
                                long rowsPerSecond, Long etaSeconds, List<String> errors) {

        public static AdHocSnapshot of(AdHocSnapshots.Progress p) {
            return new AdHocSnapshot(p.id(), lower(p.mode()), lower(p.state()),
                    p.tables().stream().map(t -> new AdHocTable(t.table().toString(), t.rows(), t.estimatedRows())).toList(),
                    p.filtered(), p.requestedAt(), p.endedAt(), p.rows(), p.estimatedRows(),
                    p.percent() == null ? null : Math.round(p.percent() * 10) / 10.0, Math.round(p.rowsPerSecond()),
                    p.eta() == null ? null : p.eta().toSeconds(), p.errors());
        }

        private static String lower(Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
    }

    /** One table of an ad-hoc snapshot: rows read, and the planner's estimate when it was requested. */
    public record AdHocTable(String table, long rows, Long estimatedRows) {
    }
}
