package io.tidelog.capture;

import io.tidelog.event.ChangeEvent;
import java.util.List;

/**
 * The next stage after capture: receives captured changes, batch by batch, in commit order.
 *
 * <p>This is the seam between capture and the log. Contract:
 * <ul>
 *   <li>Calls come from one capture thread, never concurrently; batches arrive in source order
 *       and events inside a batch are in source order (transactions in commit order).</li>
 *   <li>{@link #handle} returns only when the batch is <em>accepted</em>: for a durable log, when it
 *       is on disk. Capture acknowledges the batch's source position to PostgreSQL only after
 *       {@code handle} returns, so a batch that was not accepted is delivered again after a restart.</li>
 *   <li>Throwing stops capture (the engine fails and reports the exception); nothing of the batch
 *       is acknowledged.</li>
 * </ul>
 */
@FunctionalInterface
public interface ChangeEventHandler {

    /**
     * Accepts a batch of changes.
     *
     * @param batch non-empty, in source order; the list must not be kept after return
     * @throws InterruptedException when capture is stopping
     */
    void handle(List<ChangeEvent> batch) throws InterruptedException;
}
