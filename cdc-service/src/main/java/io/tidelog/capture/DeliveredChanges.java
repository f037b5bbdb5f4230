package io.tidelog.capture;

import io.tidelog.log.ChangeLog;
import io.tidelog.log.TopicPartition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The streamed changes a partition's tail already holds, identified by {@code (txId, lsn)}: what the
 * engine may deliver again after a restart. Identity, not order, decides: Debezium's
 * {@code commitLsn} is 0 for the first transaction after an engine start, so comparing positions
 * could drop a change that was never written; an identity match only ever drops a true duplicate.
 *
 * <p>The engine resumes from the position it last committed to the log, at most one offset-flush
 * interval (1 s) behind what was written, so the re-delivery window is far shorter than the
 * {@value #WINDOW} records read back per partition. Memory: 16 bytes per remembered change.
 * Immutable after construction; thread-safe.
 */
final class DeliveredChanges {

    /** Records read back from the end of each partition. */
    static final int WINDOW = 50_000;

    private static final DeliveredChanges NONE = new DeliveredChanges(new long[0], new long[0]);

    /** Sorted by lsn, then txId. */
    private final long[] lsns;
    private final long[] txIds;

    private DeliveredChanges(long[] lsns, long[] txIds) {
        this.lsns = lsns;
        this.txIds = txIds;
    }

    /** Reads the identities of the streamed changes among the last {@link #WINDOW} records of a partition. */
    static DeliveredChanges tail(ChangeLog log, TopicPartition tp) {
        long end = log.endOffset(tp);
        long offset = Math.max(log.logStartOffset(tp), end - WINDOW);
        List<long[]> pairs = new ArrayList<>();
        PartitionScan.range(log, tp, offset, end, rec -> {
            long[] p = PositionHeader.read(rec);
            if (p != null && p[2] != 0) { // txId 0: snapshot rows and retirements
                pairs.add(new long[] {p[1], p[2]});
            }
        });
        int n = pairs.size();
        if (n == 0) {
            return NONE;
        }
        long[][] used = pairs.toArray(new long[0][]);
        Arrays.sort(used, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        long[] lsns = new long[n];
        long[] txIds = new long[n];
        for (int i = 0; i < n; i++) {
            lsns[i] = used[i][0];
            txIds[i] = used[i][1];
        }
        return new DeliveredChanges(lsns, txIds);
    }

    /** Whether the change {@code (txId, lsn)} is already in the partition. */
    boolean contains(long txId, long lsn) {
        int i = Arrays.binarySearch(lsns, lsn);
        if (i < 0) {
            return false;
        }
        while (i > 0 && lsns[i - 1] == lsn) {
            i--;
        }
        for (; i < lsns.length && lsns[i] == lsn; i++) {
            if (txIds[i] == txId) {
                return true;
            }
        }
        return false;
    }
}
