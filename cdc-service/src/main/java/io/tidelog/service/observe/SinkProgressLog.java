package io.tidelog.service.observe;

import io.tidelog.sink.runner.SinkState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.tidelog.service.PeriodicLifecycle;

/**
 * One line per sink every {@code every} (10 s in the service) while it is catching up — a new sink
 * bootstrapping from the log, a reset, a target back after an outage — and one when it has:
 * <pre>
 * sink cache: 120,000 behind, 35,210 rec/s, ETA 3s
 * sink cache: caught up, 1,204,332 records in 41s
 * </pre>
 * Catching up means records are waiting and either there are many ({@link #LARGE}) or the oldest has
 * waited at least one interval. Quiet otherwise: a sink keeping up with live traffic, or one paused or
 * failed (health and the runner's own log report those). Never a line per record.
 */
public final class SinkProgressLog extends PeriodicLifecycle {

    /** A backlog large enough to report even while it is young. */
    static final long LARGE = 10_000;

    private static final Logger log = LoggerFactory.getLogger("io.tidelog.progress");

    private final List<ObservedSink> sinks;
    private final Duration every;
    private final List<Tracker> trackers = new ArrayList<>();

    SinkProgressLog(List<ObservedSink> sinks, Duration every) {
        super("tidelog-sink-progress", Duration.ZERO, every);
        this.sinks = List.copyOf(sinks);
        this.every = every;
    }

    @Override
    protected boolean beforeStart() {
        if (sinks.isEmpty()) {
            return false;
        }
        trackers.clear();
        sinks.forEach(s -> trackers.add(new Tracker(s.name(), every)));
        return true;
    }

    @Override
    protected void tick() {
        long now = System.nanoTime();
        for (int i = 0; i < sinks.size(); i++) {
            ObservedSink sink = sinks.get(i);
            try {
                trackers.get(i).observe(sink.lag(), sink.runner().state(), now).ifPresent(log::info);
            } catch (RuntimeException e) {
                log.debug("sink {}: progress not measured: {}", sink.name(), e.toString());
            }
        }
    }

    /** One sink's progress from one observation to the next; used by one thread at a time. */
    static final class Tracker {

        private final String name;
        private final Duration every;
        private boolean started;
        private long lastNanos;
        private long lastConsumed;
        private long lastBehind;
        private boolean catchingUp;
        private long catchUpSinceNanos;
        private long catchUpSinceConsumed;

        Tracker(String name, Duration every) {
            this.name = name;
            this.every = every;
        }

        /** The line to log for this observation, if any; the first observation only sets the baseline. */
        Optional<String> observe(SinkLag lag, SinkState state, long nanos) {
            if (!started) {
                started = true;
                remember(lag, nanos);
                return Optional.empty();
            }
            boolean active = state == SinkState.RUNNING || state == SinkState.RETRYING || state == SinkState.STARTING;
            boolean behind = lag.records() > 0 && (lag.records() >= LARGE || lag.age().compareTo(every) >= 0);
            Optional<String> line = Optional.empty();
            if (active && behind) {
                if (!catchingUp) {
                    catchingUp = true;
                    catchUpSinceNanos = lastNanos;
                    catchUpSinceConsumed = lastConsumed;
                }
                line = Optional.of(progress(lag, state, Math.max(1e-3, (nanos - lastNanos) / 1e9)));
            } else if (catchingUp) {
                catchingUp = false; // caught up, or paused/failed/stopped meanwhile (reported elsewhere)
                if (active) {
                    line = Optional.of("sink " + name + ": caught up, "
                            + Amounts.count(Math.max(0, lag.consumed() - catchUpSinceConsumed)) + " records in "
                            + Amounts.duration(Duration.ofNanos(nanos - catchUpSinceNanos)));
                }
            }
            remember(lag, nanos);
            return line;
        }

        private String progress(SinkLag lag, SinkState state, double seconds) {
            double rate = Math.max(0, lag.consumed() - lastConsumed) / seconds; // < 0 after a reset backwards
            double drain = (lastBehind - lag.records()) / seconds;
            String eta;
            if (drain > 0) {
                eta = "ETA " + Amounts.duration(Duration.ofMillis((long) Math.ceil(lag.records() / drain * 1000)));
            } else if (rate > 0) {
                eta = "not gaining on its input";
            } else {
                eta = "stalled";
            }
            String unusual = state == SinkState.RUNNING ? "" : " (" + state.name().toLowerCase(Locale.ROOT) + ")";
            return "sink " + name + ": " + Amounts.count(lag.records()) + " behind, " + Amounts.count(Math.round(rate))
                    + " rec/s, " + eta + unusual;
        }

        private void remember(SinkLag lag, long nanos) {
            lastNanos = nanos;
            lastConsumed = lag.consumed();
            lastBehind = lag.records();
        }
    }
}
