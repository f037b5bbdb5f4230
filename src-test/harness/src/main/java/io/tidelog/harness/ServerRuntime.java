package io.tidelog.harness;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every fixture needs around its server process: the work directory, tools and the server run
 * as the {@link ServerUser}, output in a log file inside the work directory, a readiness wait with
 * a deadline, and a clean stop of the whole process tree. Fixtures compose one; it is not public.
 *
 * <p>Lifecycle, changed only through {@link #transition}: {@code PREPARING} (work directory exists,
 * no server process) → {@link #launch} → {@code STARTING} → {@link #awaitReady} → {@code RUNNING};
 * a failed readiness wait stops the process and returns to {@code PREPARING} so that the caller may
 * launch again (on another port). {@link #close()} moves any state to {@code CLOSED}: process tree
 * stopped, work directory deleted. Every instance is registered with the shutdown hook until closed.
 *
 * <p>Thread-safety: one thread starts a server; {@link #close()} may be called from any thread,
 * concurrently with starting (the shutdown hook) and more than once.
 */
final class ServerRuntime {

    enum State { PREPARING, STARTING, RUNNING, CLOSED }

    /** Probes whether the launched server answers; an exception counts as "not yet". */
    @FunctionalInterface
    interface ReadinessProbe {
        boolean isReady() throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(ServerRuntime.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final File DEV_NULL = new File("/dev/null");

    private final String name;
    private final Path workDir;
    private final ServerUser user;
    private final ProcessTree.Signal stopSignal;
    private final AtomicReference<State> state = new AtomicReference<>(State.PREPARING);
    private volatile Process process;
    private volatile Path currentLog;

    private ServerRuntime(String name, Path workDir, ServerUser user, ProcessTree.Signal stopSignal) {
        this.name = name;
        this.workDir = workDir;
        this.user = user;
        this.stopSignal = stopSignal;
    }

    /** Creates the work directory; the caller must {@link #close()} the result if it does not start. */
    static ServerRuntime create(String name, ProcessTree.Signal stopSignal) {
        return create(name, stopSignal, ServerUser.forServers());
    }

    /** As {@link #create(String, ProcessTree.Signal)}, running tools and the server as {@code user}. */
    static ServerRuntime create(String name, ProcessTree.Signal stopSignal, ServerUser user) {
        try {
            ServerRuntime runtime = new ServerRuntime(name, WorkDirs.create(name, user), user, stopSignal);
            if (!RunningServers.add(runtime)) {
                WorkDirs.delete(runtime.workDir);
                throw new ServerStartException(name, "the JVM is shutting down", "", null);
            }
            return runtime;
        } catch (IOException e) {
            throw new ServerStartException(name, "cannot create its work directory: " + e.getMessage(), "", e);
        }
    }

    String name() {
        return name;
    }

    Path workDir() {
        return workDir;
    }

    ServerUser user() {
        return user;
    }

    /** Runs a preparation tool (such as {@code initdb}) as the server user; it must exit with 0 in time. */
    void runTool(List<String> command, String logName, Duration timeout, Consumer<Map<String, String>> env) {
        Path logFile = workDir.resolve(logName);
        Process tool = start(command, logFile, env);
        try {
            if (!tool.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessTree.stop(tool.toHandle(), ProcessTree.Signal.TERM, Duration.ofSeconds(5));
                throw failure(command.get(0) + " did not finish within " + timeout, null);
            }
            if (tool.exitValue() != 0) {
                throw failure(command.get(0) + " exited with code " + tool.exitValue(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTree.stop(tool.toHandle(), ProcessTree.Signal.TERM, Duration.ofSeconds(5));
            throw failure("interrupted while " + command.get(0) + " ran", e);
        }
    }

    /** Launches the server process, its output going to {@code logName} in the work directory. */
    void launch(List<String> command, String logName, Consumer<Map<String, String>> env) {
        transition(State.PREPARING, State.STARTING);
        process = start(command, workDir.resolve(logName), env);
        try {
            Leftovers.recordServer(workDir, process.toHandle(), stopSignal);
        } catch (IOException e) {
            throw abortStart("cannot record its process id: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until {@code probe} says ready. On failure — the process exited, the deadline passed, or
     * the thread was interrupted — stops the process, returns to {@code PREPARING} and throws.
     */
    void awaitReady(Duration timeout, ReadinessProbe probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastProbeFailure = null;
        try {
            while (true) {
                if (process.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw abortStart("exited with code " + process.exitValue() + " before it was ready", lastProbeFailure);
                }
                try {
                    if (probe.isReady()) {
                        transition(State.STARTING, State.RUNNING);
                        return;
                    }
                } catch (Exception e) {
                    lastProbeFailure = e;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw abortStart("not ready within " + timeout.toSeconds() + " s", lastProbeFailure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw abortStart("interrupted while waiting for it to become ready", e);
        }
    }

    /** A start failure carrying the tail of the log written last (by the server or a tool). */
    ServerStartException failure(String reason, Throwable cause) {
        return new ServerStartException(name, reason, LogTail.of(currentLog, LogTail.DEFAULT_LINES), cause);
    }

    ProcessHandle processHandle() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException(name + " has no process (state " + state.get() + ")");
        }
        return p.toHandle();
    }

    boolean isRunning() {
        Process p = process;
        return state.get() == State.RUNNING && p != null && p.isAlive();
    }

    /** Stops the process tree (if any) and deletes the work directory; idempotent. */
    void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CLOSED) {
            return;
        }
        log.debug("{}: {} -> {}", name, previous, State.CLOSED);
        try {
            long begin = System.nanoTime();
            stopProcess();
            WorkDirs.delete(workDir);
            log.info("{}: stopped and removed {} in {} ms", name, workDir, (System.nanoTime() - begin) / 1_000_000);
        } catch (IOException e) {
            log.warn("{}: could not delete {}: {}", name, workDir, e.toString());
        } finally {
            RunningServers.remove(this);
        }
    }

    private ServerStartException abortStart(String reason, Throwable cause) {
        stopProcess();
        ServerStartException failure = failure(reason, cause);
        state.compareAndSet(State.STARTING, State.PREPARING);
        return failure;
    }

    private void stopProcess() {
        Process p = process;
        if (p != null && !ProcessTree.stop(p.toHandle(), stopSignal, STOP_GRACE)) {
            log.warn("{}: did not stop within {} s of SIG{}; killed it", name, STOP_GRACE.toSeconds(), stopSignal);
        }
    }

    private Process start(List<String> command, Path logFile, Consumer<Map<String, String>> env) {
        ProcessBuilder builder = new ProcessBuilder(user.wrap(command))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        env.accept(builder.environment());
        currentLog = logFile;
        try {
            log.debug("{}: running {}", name, builder.command());
            return builder.start();
        } catch (IOException e) {
            throw failure("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    private void transition(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            throw new IllegalStateException(name + ": cannot go " + from + " -> " + to + ", state is " + state.get());
        }
        log.debug("{}: {} -> {}", name, from, to);
    }
}
