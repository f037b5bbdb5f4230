package io.tidelog.sink.runner;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All configured sinks of one service, each on its own {@link SinkRunner}: they start together and
 * stop together, but run independently.
 */
public final class SinkFleet implements AutoCloseable {

    private final Map<String, SinkRunner> runners = new LinkedHashMap<>();

    public SinkFleet(List<SinkRunner> runners) {
        for (SinkRunner r : runners) {
            if (this.runners.putIfAbsent(r.name(), r) != null) {
                throw new IllegalArgumentException("two sinks named '" + r.name() + "'");
            }
        }
    }

    public void start() {
        runners.values().forEach(SinkRunner::start);
    }

    public Collection<SinkRunner> runners() {
        return runners.values();
    }

    public Optional<SinkRunner> runner(String name) {
        return Optional.ofNullable(runners.get(name));
    }

    /** Closes every runner in parallel, each finishing its batch in flight, within {@code timeout} overall. */
    public void close(Duration timeout) {
        List<Thread> closers = runners.values().stream().map(r -> {
            Thread t = new Thread(() -> r.close(timeout), "tidelog-sink-close-" + r.name());
            t.setDaemon(true);
            t.start();
            return t;
        }).toList();
        for (Thread t : closers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
