package io.tidelog.sink;

/**
 * The version of one change of one row, from its source position; a target keeps the highest version
 * it has applied per row and ignores anything not higher.
 *
 * <p>{@code major} is the commit LSN of the change's transaction, {@code minor} the change's own LSN.
 * A snapshot read has no transaction of its own: its major is the snapshot's consistent point and its
 * minor 0. Why this order is right:
 * <ul>
 *   <li>Transactions touching the same row commit in row-lock order, so their commit LSNs rise in
 *       that order; inside one transaction the change LSNs rise.</li>
 *   <li>A snapshot at point P holds exactly the transactions committed before P; every streamed change
 *       after it commits at or after P, so it is newer than every snapshot read of the row even when
 *       its own change LSN is below P (a transaction that began before the snapshot).</li>
 * </ul>
 * A target that can keep only one number per row (OpenSearch's external version) keeps {@code major}
 * and accepts equal versions ({@code external_gte}); changes of one row inside one transaction then
 * share a version and apply in log order.
 *
 * @param major commit LSN, or the snapshot's consistent point
 * @param minor change LSN, or 0 for a snapshot read
 */
public record ChangeVersion(long major, long minor) implements Comparable<ChangeVersion> {

    /**
     * The version of a change at this position.
     *
     * @param commitLsn the commit LSN, 0 for a snapshot read
     * @param lsn       the change's LSN; for a snapshot read the consistent point
     */
    public static ChangeVersion of(long commitLsn, long lsn) {
        return commitLsn == 0 ? new ChangeVersion(lsn, 0) : new ChangeVersion(commitLsn, lsn);
    }

    public boolean isNewerThan(ChangeVersion other) {
        return other == null || compareTo(other) > 0;
    }

    @Override
    public int compareTo(ChangeVersion o) {
        int c = Long.compareUnsigned(major, o.major);
        return c != 0 ? c : Long.compareUnsigned(minor, o.minor);
    }

    /** {@code major/minor} in decimal, e.g. {@code 23803560/23803720}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return Long.toUnsignedString(major) + "/" + Long.toUnsignedString(minor);
    }

    /** Reads {@link #toString()}'s form. */
    public static ChangeVersion parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a change version (major/minor): " + text);
        }
        return new ChangeVersion(Long.parseUnsignedLong(text.substring(0, slash)),
                Long.parseUnsignedLong(text.substring(slash + 1)));
    }
}
