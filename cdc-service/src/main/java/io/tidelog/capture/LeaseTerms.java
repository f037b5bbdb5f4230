package io.tidelog.capture;

/**
 * The terms of the capture lease in one instance: each stretch during which it holds the lease is a
 * term, numbered from 1; between terms the instance stands by. Work that must not outlive its term
 * (starting a pipeline, which may snapshot for hours) runs through {@link #run(long, Work)}, and
 * {@link #end()} interrupts the thread doing it.
 *
 * <p>Invariants: {@link #holds(long) holds(t)} is true from {@link #begin()} returning {@code t}
 * until the next {@link #end()}, and never again; work run for a term has either completed while the
 * term held, or was interrupted by its end. One work runs at a time.
 *
 * <p>Thread-safe.
 */
public final class LeaseTerms {

    /** Work that stops, by {@link InterruptedException} or any other failure, when its thread is interrupted. */
    @FunctionalInterface
    public interface Work {
        void run() throws InterruptedException;
    }

    private long term;
    private boolean active;
    private Thread working;

    /** Terms that begin with a first one that never ends: for an instance that captures without a lease. */
    public static LeaseTerms perpetual() {
        LeaseTerms terms = new LeaseTerms();
        terms.begin();
        return terms;
    }

    /**
     * Begins a term: the lease was just taken.
     *
     * @return the new term
     * @throws IllegalStateException when a term is running
     */
    public synchronized long begin() {
        if (active) {
            throw new IllegalStateException("lease term " + term + " has not ended");
        }
        active = true;
        return ++term;
    }

    /**
     * Ends the running term, interrupting the work of it under way.
     *
     * @return false when no term was running (nothing changed)
     */
    public synchronized boolean end() {
        if (!active) {
            return false;
        }
        active = false;
        if (working != null) {
            working.interrupt();
        }
        return true;
    }

    /** Whether a term runs: the lease is held. */
    public synchronized boolean active() {
        return active;
    }

    /** The running term, or -1 between terms. */
    public synchronized long current() {
        return active ? term : -1;
    }

    /** Whether term {@code t} runs. */
    public synchronized boolean holds(long t) {
        return active && term == t;
    }

    /**
     * Runs {@code work} on this thread if term {@code t} runs. Ending the term meanwhile interrupts this
     * thread; that interrupt is cleared before returning.
     *
     * @return true when the work completed and the term still runs; false when the term had ended
     *     before or ended meanwhile (the work then did not run, or stopped, or completed for nothing, and
     *     its failure, which the interrupt caused, is not thrown)
     * @throws InterruptedException when the work was interrupted otherwise (the term still runs)
     * @throws IllegalStateException when another work runs
     */
    public boolean run(long t, Work work) throws InterruptedException {
        synchronized (this) {
            if (!holds(t)) {
                return false;
            }
            if (working != null) {
                throw new IllegalStateException("another work of the lease term runs on " + working.getName());
            }
            working = Thread.currentThread();
        }
        try {
            work.run();
        } catch (InterruptedException | RuntimeException e) {
            if (finish(t)) {
                throw e;
            }
            return false;
        }
        return finish(t);
    }

    private boolean finish(long t) {
        boolean held;
        synchronized (this) {
            working = null;
            held = holds(t);
        }
        if (!held) {
            Thread.interrupted(); // the interrupt, if it came, was the end of the term
        }
        return held;
    }
}
