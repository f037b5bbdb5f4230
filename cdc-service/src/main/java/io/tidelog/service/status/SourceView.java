package io.tidelog.service.status;

import io.tidelog.capture.AdHocSnapshots;
import io.tidelog.capture.Capture;
import io.tidelog.capture.CaptureStats;
import io.tidelog.capture.SlotMonitor;
import io.tidelog.event.TableId;
import io.tidelog.snapshot.AlignedSnapshot;
import java.util.List;

/** What the status needs to know about capture; each call reads the current value. */
public interface SourceView {

    String slotName();

    /** The captured tables, in configuration order. */
    List<TableId> tables();

    Capture.State state();

    /** Why capture failed, or null. */
    Throwable failure();

    CaptureStats.Snapshot stats();

    /** The latest slot measurement, or null before the first. */
    SlotMonitor.SlotStatus slot();

    /** The aligned snapshot this run took or is taking, or null when it resumed without one. */
    AlignedSnapshot snapshot();

    /** Snapshots taken on request since capture started, oldest first. */
    default List<AdHocSnapshots.Progress> adHocSnapshots() {
        return List.of();
    }

    /** {@code active} when this instance captures, {@code standby} when another holds the capture lease. */
    default String role() {
        return "active";
    }

    /** For a standby, the instance that holds the capture lease, e.g. {@code host-a/4242 (10.0.0.5)}; else null. */
    default String leaseHolder() {
        return null;
    }
}
