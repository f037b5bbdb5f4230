package io.tidelog.event;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a change sits in the source database's history.
 *
 * <p>Ordering: transactions are delivered in commit order, so {@code (commitLsn, lsn)} orders all
 * streamed changes (it is Debezium's {@code source.sequence}); {@code lsn} alone does not, because
 * changes of concurrent transactions interleave in the WAL. Snapshot reads carry the LSN of the
 * snapshot's consistent point.
 *
 * <p>Per row, {@code lsn} alone rises in commit order: PostgreSQL's row locks make a second writer of
 * a row wait until the first commits, so its change record lies after the first's commit in the WAL.
 * That makes {@code lsn} the version of a row, which sinks use to refuse older writes.
 *
 * @param lsn WAL position of this change record (for a snapshot read: of the snapshot)
 * @param commitLsn Debezium's {@code lsn_commit}: the same for every change of one transaction and
 *     non-decreasing from one transaction to the next in commit order; 0 for the first transaction
 *     streamed after the engine starts and for snapshot reads
 * @param txId the PostgreSQL transaction id, or 0 when unknown (0 is never a valid xid)
 * @param commitTime commit time of the transaction (for a snapshot read: the read time)
 * @param snapshot whether the change was read by a snapshot rather than streamed
 */
public record SourcePosition(long lsn, long commitLsn, long txId, Instant commitTime, boolean snapshot) {

    public SourcePosition {
        Objects.requireNonNull(commitTime, "commitTime");
        if (lsn < 0 || commitLsn < 0 || txId < 0) {
            throw new IllegalArgumentException(
                    "positions are unsigned: lsn=" + lsn + ", commitLsn=" + commitLsn + ", txId=" + txId);
        }
    }

    /** {@code lsn} in PostgreSQL's text form, e.g. {@code 0/16B3748}. */
    public String lsnText() {
        return Lsn.format(lsn);
    }
}
