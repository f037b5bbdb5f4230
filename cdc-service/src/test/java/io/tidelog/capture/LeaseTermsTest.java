package io.tidelog.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaseTermsTest {

    private final ExecutorService worker = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopWorker() {
        worker.shutdownNow();
    }

    @Test
    void aTermHoldsFromBeginUntilEndAndNeverAgain() {
        LeaseTerms terms = new LeaseTerms();
        assertThat(terms.active()).isFalse();
        assertThat(terms.current()).isEqualTo(-1);

        long first = terms.begin();
        assertThat(terms.holds(first)).isTrue();
        assertThat(terms.current()).isEqualTo(first);
        assertThatThrownBy(terms::begin).isInstanceOf(IllegalStateException.class);

        assertThat(terms.end()).isTrue();
        assertThat(terms.end()).as("nothing to end").isFalse();
        assertThat(terms.holds(first)).isFalse();

        long second = terms.begin();
        assertThat(second).isNotEqualTo(first);
        assertThat(terms.holds(first)).as("an ended term never holds again").isFalse();
        assertThat(terms.holds(second)).isTrue();
    }

    @Test
    void workRunsOnlyForTheTermItWasMeantFor() throws Exception {
        LeaseTerms terms = new LeaseTerms();
        long first = terms.begin();
        AtomicBoolean ran = new AtomicBoolean();
        assertThat(terms.run(first, () -> ran.set(true))).isTrue();
        assertThat(ran).isTrue();

        terms.end();
        terms.begin();
        ran.set(false);
        assertThat(terms.run(first, () -> ran.set(true))).isFalse();
        assertThat(ran).as("the work of an ended term does not run").isFalse();
    }

    @Test
    void endingTheTermInterruptsItsWorkWhichThenReportsNoFailureAndNoInterrupt() throws Exception {
        LeaseTerms terms = new LeaseTerms();
        long t = terms.begin();
        CountDownLatch started = new CountDownLatch(1);
        Future<boolean[]> result = worker.submit(() -> {
            boolean completed = terms.run(t, () -> {
                started.countDown();
                new CountDownLatch(1).await(); // a start that would wait forever
            });
            return new boolean[] {completed, Thread.currentThread().isInterrupted()};
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        terms.end();

        boolean[] completedAndInterrupted = result.get(30, TimeUnit.SECONDS);
        assertThat(completedAndInterrupted[0]).as("completed").isFalse();
        assertThat(completedAndInterrupted[1]).as("the interrupt was left set").isFalse();
    }

    @Test
    void aFailureOfTheWorkWhileTheTermHoldsIsThrown() {
        LeaseTerms terms = LeaseTerms.perpetual();
        assertThat(terms.active()).isTrue();
        assertThatThrownBy(() -> terms.run(terms.current(), () -> {
            throw new SourceCheckException(SourceProblem.SLOT_IN_USE, "slot busy", "wait");
        })).isInstanceOf(SourceCheckException.class).hasMessage("slot busy");
    }

    @Test
    void anInterruptFromElsewhereIsNotSwallowed() {
        LeaseTerms terms = LeaseTerms.perpetual();
        assertThatThrownBy(() -> terms.run(terms.current(), () -> {
            throw new InterruptedException("stopping");
        })).isInstanceOf(InterruptedException.class);
    }
}
