package io.tidelog.event;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a change sits in the source database's history.
 *
 * <p>Ordering: transactions are delivered in commit order, so {@code (commitLsn, lsn)} orders all
 * streamed changes; {@code lsn} alone does not, because changes of concurrent transactions
 * interleave in the WAL. Snapshot reads carry the LSN of the snapshot's consistent point.
 *
 * @param lsn WAL position of this change record (for a snapshot read: of the snapshot)
 * @param commitLsn WAL position of the commit of this change's transaction, or 0 when unknown
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
