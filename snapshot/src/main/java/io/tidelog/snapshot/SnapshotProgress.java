package io.tidelog.snapshot;

import io.tidelog.event.TableId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live progress of a snapshot, per table: rows read against the planner's estimate, rate and ETA.
 * Updated by reader threads, read by anyone (logs, the admin status). Thread-safe.
 */
public final class SnapshotProgress {

    private final Clock clock;
    private final Map<TableId, Counter> tables = new LinkedHashMap<>();
    private volatile Instant started;

    SnapshotProgress(Clock clock) {
        this.clock = clock;
    }

    synchronized void plan(TableId table, long estimatedRows) {
        tables.put(table, new Counter(estimatedRows));
        if (started == null) {
            started = clock.instant();
        }
    }

    void rowsRead(TableId table, long rows) {
        tables.get(table).rows.add(rows);
    }

    void tableDone(TableId table) {
        tables.get(table).finished = clock.instant();
    }

    /** Progress of every planned table, in plan order. */
    public synchronized List<TableProgress> tables() {
        Instant now = clock.instant();
        return tables.entrySet().stream().map(e -> e.getValue().view(e.getKey(), started, now)).toList();
    }

    private static final class Counter {
        final long estimated;
        final LongAdder rows = new LongAdder();
        volatile Instant finished;

        Counter(long estimated) {
            this.estimated = estimated;
        }

        TableProgress view(TableId table, Instant started, Instant now) {
            long done = rows.sum();
            Instant end = finished != null ? finished : now;
            double seconds = Math.max(1e-3, Duration.between(started, end).toNanos() / 1e9);
            double rate = done / seconds;
            long remaining = Math.max(0, estimated - done);
            Duration eta = finished != null ? Duration.ZERO
                    : rate > 0 ? Duration.ofMillis((long) (remaining / rate * 1000)) : null;
            return new TableProgress(table, done, estimated, rate, eta, finished != null);
        }
    }

    /**
     * One table's progress.
     *
     * @param table the table
     * @param rows rows read so far
     * @param estimatedRows the planner's estimate (may be off, in both directions)
     * @param rowsPerSecond average rate since the snapshot started
     * @param eta estimated time left, null while unknown
     * @param done whether every chunk of the table has been read
     */
    public record TableProgress(TableId table, long rows, long estimatedRows, double rowsPerSecond, Duration eta,
                                boolean done) {

        /** Percent done, capped at 100 (estimates can be low), 100 when done. */
        public double percent() {
            if (done) {
                return 100.0;
            }
            return estimatedRows == 0 ? 0.0 : Math.min(99.9, 100.0 * rows / estimatedRows);
        }
    }
}
