package io.tidelog.harness;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers this JVM started and has not closed, and the one JVM shutdown hook that closes them,
 * so that a test run that forgets to close (or is interrupted with Ctrl-C) leaves no servers behind.
 * Once the hook has begun, no new server may start: test threads keep running while a JVM exits,
 * and a server they started then would be missed. A JVM killed with SIGKILL runs no hook; its
 * servers outlive it until {@link Leftovers} sweeps them. Thread-safe.
 */
final class RunningServers {

    private static final Logger log = LoggerFactory.getLogger(RunningServers.class);
    private static final Set<ServerRuntime> RUNNING = ConcurrentHashMap.newKeySet();
    private static boolean shuttingDown; // guarded by RUNNING

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RunningServers::closeAll, "tidelog-harness-shutdown"));
    }

    private RunningServers() {
    }

    /** Registers {@code server}; false if the JVM is already shutting down (the hook would miss it). */
    static boolean add(ServerRuntime server) {
        synchronized (RUNNING) {
            if (shuttingDown) {
                return false;
            }
            RUNNING.add(server);
            return true;
        }
    }

    static void remove(ServerRuntime server) {
        RUNNING.remove(server);
    }

    private static void closeAll() {
        List<ServerRuntime> running;
        synchronized (RUNNING) {
            shuttingDown = true;
            running = List.copyOf(RUNNING);
        }
        for (ServerRuntime server : running) {
            log.info("{}: still running at JVM exit; stopping it", server.name());
            server.close();
        }
    }
}
