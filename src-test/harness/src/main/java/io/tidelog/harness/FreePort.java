package io.tidelog.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Free TCP ports on 127.0.0.1 for servers to listen on.
 *
 * <p>A probed port is only free at the moment of the probe; another process may bind it before the
 * server does. {@link #startOnFreePort} therefore retries a start that failed with
 * {@link ServerStartException#portInUse()} on a fresh port. Stateless.
 */
final class FreePort {

    static final String HOST = "127.0.0.1";
    static final int ATTEMPTS = 3;

    private static final Logger log = LoggerFactory.getLogger(FreePort.class);

    private FreePort() {
    }

    /** A port on 127.0.0.1 that nothing was listening on just now. */
    static int find() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    /**
     * Runs {@code start} on {@code requestedPort}, or, if it is 0, on a free port — retrying up to
     * {@value #ATTEMPTS} times on fresh ports while the start fails because the port was taken.
     */
    static <T> T startOnFreePort(int requestedPort, IntFunction<T> start) {
        if (requestedPort != 0) {
            return start.apply(requestedPort);
        }
        for (int attempt = 1; ; attempt++) {
            int port = find();
            try {
                return start.apply(port);
            } catch (ServerStartException e) {
                if (!e.portInUse() || attempt == ATTEMPTS) {
                    throw e;
                }
                log.info("{}: port {} was taken before the server bound it; retrying on another port", e.server(), port);
            }
        }
    }
}
