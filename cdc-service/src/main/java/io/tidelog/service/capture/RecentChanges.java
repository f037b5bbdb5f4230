package io.tidelog.service.capture;

import io.tidelog.capture.ChangeEventHandler;
import io.tidelog.event.ChangeEvent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The in-process next stage of capture until the log takes its place: keeps the latest changes in
 * a bounded buffer, for the progress line and for tests. Accepting is immediate; nothing is
 * durable, so a restart re-delivers what the engine had not flushed.
 */
public final class RecentChanges implements ChangeEventHandler {

    private final int capacity;
    private final ArrayDeque<ChangeEvent> latest;

    public RecentChanges(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.latest = new ArrayDeque<>(capacity);
    }

    @Override
    public synchronized void handle(List<ChangeEvent> batch) {
        for (ChangeEvent e : batch) {
            if (latest.size() == capacity) {
                latest.removeFirst();
            }
            latest.addLast(e);
        }
    }

    /** The latest changes, oldest first. */
    public synchronized List<ChangeEvent> latest() {
        return List.copyOf(latest);
    }

    /** The newest change, or null. */
    public synchronized ChangeEvent newest() {
        return latest.peekLast();
    }
}
