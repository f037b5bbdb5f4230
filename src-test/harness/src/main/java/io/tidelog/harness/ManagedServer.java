package io.tidelog.harness;

import java.nio.file.Path;

/**
 * A real server running as a child process of this JVM, owned by whoever started it.
 *
 * <p>Lifecycle: a fixture's {@code start} returns a server only once it answers requests;
 * if starting fails it throws {@link ServerStartException} and leaves no process and no work
 * directory behind. {@link #close()} stops the process and every process it spawned, waits until
 * they have exited (escalating to SIGKILL after a grace period), then deletes {@link #workDir()}.
 * A JVM shutdown hook closes servers that are still running when the JVM exits normally.
 *
 * <p>Invariant: while {@link #isRunning()} is true, {@link #workDir()} exists and holds the
 * server's data and its log file; after {@code close()} returns, neither the process tree nor the
 * work directory exists any more.
 *
 * <p>Thread-safety: implementations are safe for use by many threads; {@code close()} is idempotent
 * and may race with the shutdown hook.
 */
public interface ManagedServer extends AutoCloseable {

    /** A short name for logs and exception messages, such as {@code postgres}. */
    String name();

    /** The server's private temporary directory; deleted by {@link #close()}. */
    Path workDir();

    /** The server's main process. Its descendants are the server's worker processes, if any. */
    ProcessHandle processHandle();

    /** Whether the server was started and has neither been closed nor died. */
    boolean isRunning();

    /** Stops the process tree and deletes the work directory. Idempotent; never throws checked exceptions. */
    @Override
    void close();
}
