package io.tidelog.harness;

import java.util.Locale;

/**
 * A server did not start: it failed while being prepared, exited early, or was not ready in time.
 *
 * <p>Carries the server's name, the reason in one line, and the tail of the log the server (or the
 * tool preparing it, such as {@code initdb}) wrote, because the work directory holding that log is
 * already deleted when this exception reaches the caller. Immutable.
 */
public final class ServerStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String server;
    private final String reason;
    private final String logTail;

    public ServerStartException(String server, String reason, String logTail, Throwable cause) {
        super(message(server, reason, logTail), cause);
        this.server = server;
        this.reason = reason;
        this.logTail = logTail == null ? "" : logTail;
    }

    /** The name of the server that failed, such as {@code postgres}. */
    public String server() {
        return server;
    }

    /** Why it failed, in one line, without the log. */
    public String reason() {
        return reason;
    }

    /** The last lines of the server's log; empty if it wrote none. */
    public String logTail() {
        return logTail;
    }

    /**
     * Whether the log says the listening port was taken — the race between probing a free port and
     * the server binding it, which is worth a retry with another port.
     */
    public boolean portInUse() {
        return logTail.toLowerCase(Locale.ROOT).contains("address already in use");
    }

    private static String message(String server, String reason, String logTail) {
        String message = server + " failed to start: " + reason;
        if (logTail == null || logTail.isBlank()) {
            return message + " (its log is empty)";
        }
        return message + "\n--- last lines of its log ---\n" + logTail.stripTrailing();
    }
}
