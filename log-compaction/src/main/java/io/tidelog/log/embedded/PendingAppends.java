package io.tidelog.log.embedded;

import io.tidelog.log.AppendResult;

import java.util.concurrent.CompletableFuture;

/**
 * Appends of one partition written but not yet durable, in offset order: a growable ring, so that
 * queueing an acknowledgement allocates nothing beyond the caller's future.
 *
 * <p>Thread-safety: all methods synchronized. Futures are completed by the caller of {@link #poll}
 * outside the lock, so callbacks running inline cannot deadlock with appenders.
 */
final class PendingAppends {

    /** The future of one append call, carrying its result until its batch is durable. */
    static final class Pending extends CompletableFuture<AppendResult> {
        final AppendResult result;

        Pending(AppendResult result) {
            this.result = result;
        }

        long endOffset() {
            return result.lastOffset() + 1;
        }
    }

    private Pending[] ring = new Pending[64];
    private int head;
    private int count;

    synchronized void add(Pending p) {
        if (count == ring.length) {
            Pending[] bigger = new Pending[ring.length * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + count) % ring.length] = p;
        count++;
    }

    /** Removes and returns the oldest pending append ending at or before {@code durableEnd}, or null. */
    synchronized Pending poll(long durableEnd) {
        if (count == 0 || ring[head].endOffset() > durableEnd) {
            return null;
        }
        return removeHead();
    }

    /** Removes and returns the oldest pending append, or null. */
    synchronized Pending pollAny() {
        return count == 0 ? null : removeHead();
    }

    private Pending removeHead() {
        Pending p = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        return p;
    }

    synchronized int size() {
        return count;
    }
}
