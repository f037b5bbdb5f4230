package io.tidelog.sink.runner;

import io.tidelog.sink.ErrorClassifier;
import io.tidelog.sink.Rejection;
import io.tidelog.sink.RetriableSinkException;
import io.tidelog.sink.Sink;
import io.tidelog.sink.SinkContext;
import io.tidelog.sink.SinkRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A sink whose target is a list in memory, for testing the runner's contract: what it receives, in
 * which order, with which failures. Flushed records are those visible after {@link #flush}.
 */
final class RecordingSink implements Sink {

    final List<SinkRecord> flushed = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    volatile boolean closed;
    /** While positive, each write fails retriably and counts this down. */
    final AtomicInteger retriableFailures = new AtomicInteger();
    /** A write containing a record matching this fails permanently (the whole batch). */
    volatile Predicate<SinkRecord> poison = r -> false;
    /** Records matching this are rejected individually (returned from write). */
    volatile Predicate<SinkRecord> rejected = r -> false;
    private final List<SinkRecord> pending = new ArrayList<>();

    @Override
    public void open(SinkContext context) {
        opens.incrementAndGet();
    }

    @Override
    public List<Rejection> write(List<SinkRecord> batch) throws Exception {
        writes.incrementAndGet();
        if (retriableFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new RetriableSinkException("target unavailable");
        }
        for (SinkRecord r : batch) {
            if (poison.test(r)) {
                throw new IllegalArgumentException("poison " + r.keyText());
            }
        }
        List<Rejection> out = new ArrayList<>();
        for (SinkRecord r : batch) {
            if (rejected.test(r)) {
                out.add(new Rejection(r, "rejected " + r.keyText()));
            } else {
                pending.add(r);
            }
        }
        return out;
    }

    @Override
    public void flush() {
        flushed.addAll(pending);
        pending.clear();
    }

    @Override
    public ErrorClassifier classifier() {
        return ErrorClassifier.DEFAULT;
    }

    @Override
    public void close() {
        closed = true;
    }

    List<String> flushedKeys() {
        synchronized (flushed) {
            return flushed.stream().map(r -> r.keyText() + (r.after() == null ? "" : "=" + r.after().path("v").asInt()))
                    .toList();
        }
    }
}
