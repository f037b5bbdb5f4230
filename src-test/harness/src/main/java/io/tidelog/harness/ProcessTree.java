package io.tidelog.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Stops a process and its descendants: a graceful signal to the root, a wait for the whole tree,
 * then SIGKILL for whatever is left.
 *
 * <p>The descendants are listed <em>before</em> signalling, because once the root exits its orphans
 * are re-parented and no longer show up as its descendants. Stateless.
 */
final class ProcessTree {

    /** The graceful signal a server understands as "shut down now, cleanly". */
    enum Signal {
        /** What {@link ProcessHandle#destroy()} sends; most servers shut down cleanly on it. */
        TERM,
        /** PostgreSQL's "fast shutdown": roll back sessions, checkpoint, exit. */
        INT
    }

    private static final Duration KILL_GRACE = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private ProcessTree() {
    }

    /** The root and its current descendants that are running. */
    static List<ProcessHandle> aliveTree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        root.descendants().forEach(tree::add);
        return tree.stream().filter(ProcessTree::isRunning).collect(Collectors.toList());
    }

    /**
     * Stops the tree under {@code root}; returns true if the graceful signal sufficed.
     *
     * @throws IllegalStateException if processes survive SIGKILL (unkillable, e.g. stuck in the kernel)
     */
    static boolean stop(ProcessHandle root, Signal signal, Duration grace) {
        Set<ProcessHandle> tree = new LinkedHashSet<>(aliveTree(root));
        if (tree.isEmpty()) {
            return true;
        }
        boolean ownChild = root.parent().map(p -> p.pid() == ProcessHandle.current().pid()).orElse(false);
        send(root, signal);
        boolean graceful = awaitExit(tree, grace);
        if (!graceful) {
            tree.addAll(aliveTree(root));
            tree.forEach(ProcessHandle::destroyForcibly);
            if (!awaitExit(tree, KILL_GRACE)) {
                throw new IllegalStateException("processes survived SIGKILL: " + pids(tree));
            }
        }
        if (ownChild) {
            awaitReaped(root);
        }
        return graceful;
    }

    /** Our own child is reaped by the JDK at once; afterwards even {@link ProcessHandle#isAlive()} is false. */
    private static void awaitReaped(ProcessHandle child) {
        try {
            child.onExit().get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("process " + child.pid() + " exited but was not reaped", e);
        }
    }

    private static void send(ProcessHandle process, Signal signal) {
        if (signal == Signal.TERM) {
            process.destroy();
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal.name(), Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroy(); // no kill(1): SIGTERM is the next best graceful signal
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether {@code process} still runs. A zombie (exited, not yet reaped by its parent) does not:
     * it holds no ports or files, yet {@link ProcessHandle#isAlive()} reports it alive.
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // pid (comm) state ...; comm may contain spaces and parentheses, the state follows the last ')'.
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive();
        }
    }

    /**
     * Polls rather than using {@link ProcessHandle#onExit()}, which for processes that are not our
     * children polls every 300 ms and more, and never completes for a zombie.
     */
    private static boolean awaitExit(Set<ProcessHandle> tree, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tree.stream().anyMatch(ProcessTree::isRunning)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static String pids(Set<ProcessHandle> tree) {
        return tree.stream().filter(ProcessTree::isRunning)
                .map(p -> Long.toString(p.pid())).collect(Collectors.joining(", "));
    }
}
