package io.tidelog.snapshot;

import io.tidelog.event.ChangeEvent;
import java.util.List;

/**
 * Receives the rows a snapshot reads, as {@link io.tidelog.event.Op#READ} events.
 *
 * <p>Called concurrently from the snapshot's reader threads (one per connection): implementations
 * must be thread-safe. Rows of one table arrive in no particular order across calls. Returning
 * means the rows are accepted (for the log: durable); throwing aborts the snapshot.
 */
@FunctionalInterface
public interface SnapshotConsumer {

    void accept(List<ChangeEvent> rows) throws InterruptedException;
}
