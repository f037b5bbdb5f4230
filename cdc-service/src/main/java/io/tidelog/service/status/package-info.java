/**
 * What Tidelog is doing, as one {@link io.tidelog.service.status.StatusReport}: the source (slot,
 * capture state, lag), the log (topics, offsets, sizes, compaction), every sink (state, offsets, lag,
 * throughput, errors, dead letters) and the snapshots. Built on demand by the plain
 * {@link io.tidelog.service.status.StatusService} from the running beans; served by
 * {@code GET /admin/status} and polled by the status page.
 */
package io.tidelog.service.status;
