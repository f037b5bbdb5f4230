/**
 * The initial snapshot, aligned with the replication slot's consistent point.
 *
 * <p>{@link io.tidelog.snapshot.AlignedSnapshot} creates the slot with an exported snapshot, reads
 * every table inside it in parallel TID-range chunks with {@code COPY}, and hands the rows on as
 * {@code op=r} change events; streaming then starts from the slot, so each row state is in the log
 * exactly once: as of the snapshot, then every change after it. Plain Java, no Spring.
 */
package io.tidelog.snapshot;
