package io.tidelog.harness;

import java.nio.file.Path;

/**
 * The part every fixture shares: a {@link ManagedServer} whose process, work directory and
 * lifecycle are one {@link ServerRuntime}. {@link #close()} stops the process and its descendants
 * with the fixture's signal, waits for them, and deletes the work directory.
 */
abstract class RuntimeBackedServer implements ManagedServer {

    final ServerRuntime runtime;

    RuntimeBackedServer(ServerRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public final String name() {
        return runtime.name();
    }

    @Override
    public final Path workDir() {
        return runtime.workDir();
    }

    @Override
    public final ProcessHandle processHandle() {
        return runtime.processHandle();
    }

    @Override
    public final boolean isRunning() {
        return runtime.isRunning();
    }

    @Override
    public final void close() {
        runtime.close();
    }
}
