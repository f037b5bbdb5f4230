package io.tidelog.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

    private Process process;

    @AfterEach
    void killLeftovers() {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void aProcessThatHonoursTheSignalStopsGracefully() throws IOException {
        process = new ProcessBuilder("sleep", "600").start();

        assertThat(ProcessTree.stop(process.toHandle(), ProcessTree.Signal.TERM, Duration.ofSeconds(10))).isTrue();

        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void descendantsThatOutliveTheirParentAreKilled() throws IOException {
        // Only the root gets the graceful signal; the shell dies on it, its sleeps do not.
        process = new ProcessBuilder("sh", "-c", "sleep 600 & sleep 600 & wait").start();
        await().alias("both sleeps started").until(() -> process.descendants().count() == 2);
        List<ProcessHandle> sleeps = process.descendants().collect(Collectors.toList());

        boolean graceful = ProcessTree.stop(process.toHandle(), ProcessTree.Signal.INT, Duration.ofMillis(300));

        assertThat(graceful).isFalse();
        assertThat(process.isAlive()).isFalse();
        // Orphans are reaped by init, at its own pace; until then they are zombies, which hold nothing.
        assertThat(sleeps).noneMatch(ProcessTree::isRunning);
    }

    @Test
    void aProcessIgnoringTheSignalIsKilledAfterTheGracePeriod() throws IOException {
        process = new ProcessBuilder("sh", "-c", "trap '' TERM; sleep 600 & wait").start();
        await().alias("sleep started").until(() -> process.descendants().count() == 1);

        assertThat(ProcessTree.stop(process.toHandle(), ProcessTree.Signal.TERM, Duration.ofMillis(300))).isFalse();

        assertThat(ProcessTree.aliveTree(process.toHandle())).isEmpty();
        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void aZombieCountsAsStoppedThoughTheJdkCallsItAlive() throws IOException {
        // The exec'd sleep never reaps the short sleep, which stays a zombie until its parent exits.
        process = new ProcessBuilder("sh", "-c", "sleep 0.1 & exec sleep 600").start();
        await().alias("short sleep started").until(() -> process.descendants().count() == 1);
        ProcessHandle shortSleep = process.descendants().findFirst().orElseThrow();

        await().alias("short sleep exited").until(() -> !ProcessTree.isRunning(shortSleep));

        assertThat(shortSleep.isAlive()).as("JDK view of a zombie").isTrue();
        assertThat(ProcessTree.aliveTree(process.toHandle())).containsExactly(process.toHandle());
    }

    @Test
    void stoppingAnExitedProcessIsANoOp() throws Exception {
        process = new ProcessBuilder("true").start();
        process.waitFor();

        assertThat(ProcessTree.stop(process.toHandle(), ProcessTree.Signal.TERM, Duration.ofSeconds(1))).isTrue();
    }
}
